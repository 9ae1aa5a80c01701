import Foundation

/// The calls that create and inspect what a flow needs (`sluice deploy`): activities, state machines and their
/// executions. Built on ``call(_:body:timeout:)``.
extension StepFunctionsClient {
    /// Describes an activity. Throws ``StepFunctionsError`` with ``StepFunctionsError/Code/activityDoesNotExist``
    /// when there is none with that ARN.
    public func describeActivity(activityArn: String) async throws -> ActivityDescription {
        let answer = try await invoke(
            "DescribeActivity",
            StepFunctionsRequest.Activity(activityArn: activityArn),
            as: StepFunctionsResponse.DescribeActivity.self
        )
        return ActivityDescription(
            activityArn: answer.activityArn ?? activityArn,
            name: answer.name,
            creationDate: answer.creationDate?.date
        )
    }

    /// All state machines (following `nextToken`).
    public func listStateMachines() async throws -> [StateMachineListItem] {
        var result: [StateMachineListItem] = []
        var nextToken: String?
        repeat {
            let answer = try await invoke(
                "ListStateMachines",
                StepFunctionsRequest.Page(maxResults: 1000, nextToken: nextToken),
                as: StepFunctionsResponse.ListStateMachines.self
            )
            for item in answer.stateMachines ?? [] {
                guard let arn = item.stateMachineArn else { continue }
                result.append(
                    StateMachineListItem(
                        stateMachineArn: arn,
                        name: item.name ?? "",
                        type: item.type ?? "STANDARD",
                        creationDate: item.creationDate?.date
                    )
                )
            }
            nextToken = answer.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return result
    }

    /// Describes a state machine, its definition included.
    public func describeStateMachine(stateMachineArn: String) async throws -> StateMachineDescription {
        let answer = try await invoke(
            "DescribeStateMachine",
            StepFunctionsRequest.StateMachine(stateMachineArn: stateMachineArn),
            as: StepFunctionsResponse.DescribeStateMachine.self
        )
        return StateMachineDescription(
            stateMachineArn: answer.stateMachineArn ?? stateMachineArn,
            name: answer.name,
            status: answer.status ?? "ACTIVE",
            definition: answer.definition,
            roleArn: answer.roleArn,
            type: answer.type ?? "STANDARD",
            creationDate: answer.creationDate?.date
        )
    }

    /// Replaces a state machine's definition and/or role; `nil` leaves that part as it is.
    public func updateStateMachine(
        stateMachineArn: String,
        definition: String? = nil,
        roleArn: String? = nil
    ) async throws {
        _ = try await invoke(
            "UpdateStateMachine",
            StepFunctionsRequest.UpdateStateMachine(
                stateMachineArn: stateMachineArn,
                definition: definition,
                roleArn: roleArn
            )
        )
    }

    /// The newest executions of a state machine, newest first: at most `limit` of them (one page of up to
    /// 1,000, then following `nextToken`).
    public func listExecutions(stateMachineArn: String, limit: Int = 10) async throws -> [ExecutionListItem] {
        var result: [ExecutionListItem] = []
        var nextToken: String?
        repeat {
            let answer = try await invoke(
                "ListExecutions",
                StepFunctionsRequest.ListExecutions(
                    stateMachineArn: stateMachineArn,
                    maxResults: max(1, min(1000, limit)),
                    nextToken: nextToken
                ),
                as: StepFunctionsResponse.ListExecutions.self
            )
            for item in answer.executions ?? [] {
                guard let arn = item.executionArn else { continue }
                result.append(
                    ExecutionListItem(
                        executionArn: arn,
                        name: item.name ?? "",
                        status: item.status ?? "",
                        startDate: item.startDate?.date,
                        stopDate: item.stopDate?.date
                    )
                )
            }
            nextToken = answer.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil && result.count < limit
        // Newest first, whatever order the service used.
        result.sort { ($0.startDate ?? .distantPast) > ($1.startDate ?? .distantPast) }
        return Array(result.prefix(limit))
    }
}
