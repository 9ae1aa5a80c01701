import AWS
import Foundation

extension StepFunctionsClient {
    /// The API's limit on `SendTaskFailure`'s `error`, in characters.
    public static let maxErrorLength = 256
    /// The API's limit on `SendTaskFailure`'s `cause`, in characters.
    public static let maxCauseLength = 32_768
    /// The API's limit on `SendTaskSuccess`'s `output`, in UTF-8 bytes.
    public static let maxOutputBytes = 262_144

    /// `text` cut to at most `limit` UTF-16 code units, never inside a character.
    public static func truncate(_ text: String, to limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        var units = 0
        var end = text.startIndex
        for index in text.indices {
            let next = text.index(after: index)
            units += text.utf16.distance(from: index, to: next)
            if units > limit { break }
            end = next
        }
        return String(text[..<end])
    }

    // MARK: Activity worker calls

    /// Long-polls for a task of `activityArn` (the service holds the call up to 60 s). Returns `nil` when none
    /// came (an empty `taskToken`): poll again.
    public func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask? {
        let answer = try await invoke(
            "GetActivityTask",
            StepFunctionsRequest.GetActivityTask(activityArn: activityArn, workerName: workerName),
            as: StepFunctionsResponse.GetActivityTask.self,
            timeout: configuration.pollTimeout
        )
        guard let token = answer.taskToken, !token.isEmpty else { return nil }
        return ActivityTask(taskToken: token, input: answer.input ?? "{}")
    }

    /// Reports a task's success with `output` (JSON text, at most 262,144 bytes; a longer output throws
    /// ``StepFunctionsError/Code/invalidOutput`` without calling the service).
    public func sendTaskSuccess(taskToken: String, output: String) async throws {
        let bytes = output.utf8.count
        guard bytes <= Self.maxOutputBytes else {
            throw StepFunctionsError(
                code: .invalidOutput,
                message: "the output is \(bytes) bytes; Step Functions accepts at most \(Self.maxOutputBytes)",
                httpStatus: nil,
                operation: "SendTaskSuccess",
                attempts: 0
            )
        }
        _ = try await invoke(
            "SendTaskSuccess",
            StepFunctionsRequest.SendTaskSuccess(taskToken: taskToken, output: output)
        )
    }

    /// Reports a task's failure. `error` is cut to 256 and `cause` to 32,768 characters, the API's limits
    /// (counted in UTF-16 code units, the strictest reading, without splitting a character).
    public func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {
        _ = try await invoke(
            "SendTaskFailure",
            StepFunctionsRequest.SendTaskFailure(
                taskToken: taskToken,
                error: Self.truncate(error, to: Self.maxErrorLength),
                cause: Self.truncate(cause, to: Self.maxCauseLength)
            )
        )
    }

    /// Reports that the task is still being worked on.
    public func sendTaskHeartbeat(taskToken: String) async throws {
        _ = try await invoke("SendTaskHeartbeat", StepFunctionsRequest.SendTaskHeartbeat(taskToken: taskToken))
    }

    // MARK: Activities, state machines, executions

    /// Creates an activity and returns its ARN. (AWS returns the existing ARN for an existing name.)
    @discardableResult
    public func createActivity(name: String) async throws -> String {
        try await invoke(
            "CreateActivity",
            StepFunctionsRequest.CreateActivity(name: name),
            as: StepFunctionsResponse.CreateActivity.self
        ).activityArn
    }

    /// Deletes an activity.
    public func deleteActivity(activityArn: String) async throws {
        _ = try await invoke("DeleteActivity", StepFunctionsRequest.Activity(activityArn: activityArn))
    }

    /// All activities (following `nextToken`).
    public func listActivities() async throws -> [ActivityDescription] {
        var result: [ActivityDescription] = []
        var nextToken: String?
        repeat {
            let answer = try await invoke(
                "ListActivities",
                StepFunctionsRequest.Page(maxResults: 1000, nextToken: nextToken),
                as: StepFunctionsResponse.ListActivities.self
            )
            for item in answer.activities ?? [] {
                guard let arn = item.activityArn else { continue }
                result.append(
                    ActivityDescription(activityArn: arn, name: item.name ?? "", creationDate: item.creationDate?.date)
                )
            }
            nextToken = answer.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return result
    }

    /// Creates a state machine from an Amazon States Language `definition`; returns its ARN.
    @discardableResult
    public func createStateMachine(
        name: String,
        definition: String,
        roleArn: String,
        type: String = "STANDARD"
    ) async throws -> String {
        try await invoke(
            "CreateStateMachine",
            StepFunctionsRequest.CreateStateMachine(name: name, definition: definition, roleArn: roleArn, type: type),
            as: StepFunctionsResponse.CreateStateMachine.self
        ).stateMachineArn
    }

    /// Starts an execution; returns its ARN.
    @discardableResult
    public func startExecution(
        stateMachineArn: String,
        name: String? = nil,
        input: String = "{}"
    ) async throws
        -> String
    {
        try await invoke(
            "StartExecution",
            StepFunctionsRequest.StartExecution(stateMachineArn: stateMachineArn, input: input, name: name),
            as: StepFunctionsResponse.StartExecution.self
        ).executionArn
    }

    /// Describes an execution.
    public func describeExecution(executionArn: String) async throws -> ExecutionDescription {
        let answer = try await invoke(
            "DescribeExecution",
            StepFunctionsRequest.Execution(executionArn: executionArn),
            as: StepFunctionsResponse.DescribeExecution.self
        )
        return ExecutionDescription(
            executionArn: answer.executionArn ?? executionArn,
            stateMachineArn: answer.stateMachineArn ?? "",
            name: answer.name ?? "",
            status: answer.status,
            startDate: answer.startDate?.date,
            stopDate: answer.stopDate?.date,
            input: answer.input,
            output: answer.output,
            error: answer.error,
            cause: answer.cause
        )
    }

    /// An execution's whole history, oldest first (following `nextToken`).
    public func getExecutionHistory(executionArn: String) async throws -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        var nextToken: String?
        repeat {
            let answer = try await invoke(
                "GetExecutionHistory",
                StepFunctionsRequest.GetExecutionHistory(
                    executionArn: executionArn,
                    maxResults: 1000,
                    nextToken: nextToken
                ),
                as: StepFunctionsResponse.GetExecutionHistory.self
            )
            events += (answer.events ?? []).map(\.event)
            nextToken = answer.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return events
    }

    /// Stops a running execution.
    public func stopExecution(executionArn: String, error: String? = nil, cause: String? = nil) async throws {
        _ = try await invoke(
            "StopExecution",
            StepFunctionsRequest.StopExecution(
                executionArn: executionArn,
                error: error.map { Self.truncate($0, to: Self.maxErrorLength) },
                cause: cause.map { Self.truncate($0, to: Self.maxCauseLength) }
            )
        )
    }
}
