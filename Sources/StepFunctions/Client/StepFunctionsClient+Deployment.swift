import Foundation

/// The calls that create and inspect what a flow needs (`sluice deploy`): activities, state machines and their
/// executions. Built on ``call(_:body:timeout:)``.
extension StepFunctionsClient {
    /// Describes an activity. Throws ``StepFunctionsError`` with ``StepFunctionsError/Code/activityDoesNotExist``
    /// when there is none with that ARN.
    public func describeActivity(activityArn: String) async throws -> ActivityDescription {
        let answer = try await deploymentCall("DescribeActivity", ["activityArn": activityArn])
        return ActivityDescription(
            activityArn: answer["activityArn"] as? String ?? activityArn,
            name: try Self.string("name", in: answer, operation: "DescribeActivity"),
            creationDate: Self.date(answer["creationDate"])
        )
    }

    /// All state machines (following `nextToken`).
    public func listStateMachines() async throws -> [StateMachineListItem] {
        var result: [StateMachineListItem] = []
        var nextToken: String?
        repeat {
            var body: [String: Any] = ["maxResults": 1000]
            if let nextToken { body["nextToken"] = nextToken }
            let answer = try await deploymentCall("ListStateMachines", body)
            for item in answer["stateMachines"] as? [[String: Any]] ?? [] {
                guard let arn = item["stateMachineArn"] as? String else { continue }
                result.append(
                    StateMachineListItem(
                        stateMachineArn: arn,
                        name: item["name"] as? String ?? "",
                        type: item["type"] as? String ?? "STANDARD",
                        creationDate: Self.date(item["creationDate"])
                    )
                )
            }
            nextToken = (answer["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return result
    }

    /// Describes a state machine, its definition included.
    public func describeStateMachine(stateMachineArn: String) async throws -> StateMachineDescription {
        let operation = "DescribeStateMachine"
        let answer = try await deploymentCall(operation, ["stateMachineArn": stateMachineArn])
        return StateMachineDescription(
            stateMachineArn: answer["stateMachineArn"] as? String ?? stateMachineArn,
            name: try Self.string("name", in: answer, operation: operation),
            status: answer["status"] as? String ?? "ACTIVE",
            definition: try Self.string("definition", in: answer, operation: operation),
            roleArn: try Self.string("roleArn", in: answer, operation: operation),
            type: answer["type"] as? String ?? "STANDARD",
            creationDate: Self.date(answer["creationDate"])
        )
    }

    /// Replaces a state machine's definition and/or role; `nil` leaves that part as it is.
    public func updateStateMachine(
        stateMachineArn: String,
        definition: String? = nil,
        roleArn: String? = nil
    ) async throws {
        var body: [String: Any] = ["stateMachineArn": stateMachineArn]
        if let definition { body["definition"] = definition }
        if let roleArn { body["roleArn"] = roleArn }
        _ = try await deploymentCall("UpdateStateMachine", body)
    }

    /// The newest executions of a state machine, newest first: at most `limit` of them (one page of up to
    /// 1,000, then following `nextToken`).
    public func listExecutions(stateMachineArn: String, limit: Int = 10) async throws -> [ExecutionListItem] {
        var result: [ExecutionListItem] = []
        var nextToken: String?
        repeat {
            var body: [String: Any] = ["stateMachineArn": stateMachineArn, "maxResults": max(1, min(1000, limit))]
            if let nextToken { body["nextToken"] = nextToken }
            let answer = try await deploymentCall("ListExecutions", body)
            for item in answer["executions"] as? [[String: Any]] ?? [] {
                guard let arn = item["executionArn"] as? String else { continue }
                result.append(
                    ExecutionListItem(
                        executionArn: arn,
                        name: item["name"] as? String ?? "",
                        status: item["status"] as? String ?? "",
                        startDate: Self.date(item["startDate"]),
                        stopDate: Self.date(item["stopDate"])
                    )
                )
            }
            nextToken = (answer["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil && result.count < limit
        // Newest first, whatever order the service used.
        result.sort { ($0.startDate ?? .distantPast) > ($1.startDate ?? .distantPast) }
        return Array(result.prefix(limit))
    }

    /// Encodes `body`, calls `operation` and decodes the answer object.
    private func deploymentCall(_ operation: String, _ body: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.withoutEscapingSlashes])
        let answer = try await call(operation, body: data)
        if answer.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
            throw StepFunctionsError(
                code: .other("MalformedResponse"),
                message: "the answer is not a JSON object: \(String(decoding: answer.prefix(200), as: UTF8.self))",
                httpStatus: 200,
                operation: operation
            )
        }
        return object
    }
}
