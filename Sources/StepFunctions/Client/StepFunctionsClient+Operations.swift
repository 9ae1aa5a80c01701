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
            ["activityArn": activityArn, "workerName": workerName],
            timeout: configuration.pollTimeout
        )
        guard let token = answer["taskToken"] as? String, !token.isEmpty else { return nil }
        return ActivityTask(taskToken: token, input: answer["input"] as? String ?? "{}")
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
        _ = try await invoke("SendTaskSuccess", ["taskToken": taskToken, "output": output])
    }

    /// Reports a task's failure. `error` is cut to 256 and `cause` to 32,768 characters, the API's limits
    /// (counted in UTF-16 code units, the strictest reading, without splitting a character).
    public func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {
        _ = try await invoke(
            "SendTaskFailure",
            [
                "taskToken": taskToken,
                "error": Self.truncate(error, to: Self.maxErrorLength),
                "cause": Self.truncate(cause, to: Self.maxCauseLength),
            ]
        )
    }

    /// Reports that the task is still being worked on.
    public func sendTaskHeartbeat(taskToken: String) async throws {
        _ = try await invoke("SendTaskHeartbeat", ["taskToken": taskToken])
    }

    // MARK: Activities, state machines, executions

    /// Creates an activity and returns its ARN. (AWS returns the existing ARN for an existing name.)
    @discardableResult
    public func createActivity(name: String) async throws -> String {
        let answer = try await invoke("CreateActivity", ["name": name])
        return try Self.string("activityArn", in: answer, operation: "CreateActivity")
    }

    /// Deletes an activity.
    public func deleteActivity(activityArn: String) async throws {
        _ = try await invoke("DeleteActivity", ["activityArn": activityArn])
    }

    /// All activities (following `nextToken`).
    public func listActivities() async throws -> [ActivityDescription] {
        var result: [ActivityDescription] = []
        var nextToken: String?
        repeat {
            var body: [String: Any] = ["maxResults": 1000]
            if let nextToken { body["nextToken"] = nextToken }
            let answer = try await invoke("ListActivities", body)
            for item in answer["activities"] as? [[String: Any]] ?? [] {
                guard let arn = item["activityArn"] as? String else { continue }
                result.append(
                    ActivityDescription(
                        activityArn: arn,
                        name: item["name"] as? String ?? "",
                        creationDate: Self.date(item["creationDate"])
                    )
                )
            }
            nextToken = (answer["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
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
        let answer = try await invoke(
            "CreateStateMachine",
            ["name": name, "definition": definition, "roleArn": roleArn, "type": type]
        )
        return try Self.string("stateMachineArn", in: answer, operation: "CreateStateMachine")
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
        var body: [String: Any] = ["stateMachineArn": stateMachineArn, "input": input]
        if let name { body["name"] = name }
        let answer = try await invoke("StartExecution", body)
        return try Self.string("executionArn", in: answer, operation: "StartExecution")
    }

    /// Describes an execution.
    public func describeExecution(executionArn: String) async throws -> ExecutionDescription {
        let answer = try await invoke("DescribeExecution", ["executionArn": executionArn])
        return ExecutionDescription(
            executionArn: answer["executionArn"] as? String ?? executionArn,
            stateMachineArn: answer["stateMachineArn"] as? String ?? "",
            name: answer["name"] as? String ?? "",
            status: try Self.string("status", in: answer, operation: "DescribeExecution"),
            startDate: Self.date(answer["startDate"]),
            stopDate: Self.date(answer["stopDate"]),
            input: answer["input"] as? String,
            output: answer["output"] as? String,
            error: answer["error"] as? String,
            cause: answer["cause"] as? String
        )
    }

    /// An execution's whole history, oldest first (following `nextToken`).
    public func getExecutionHistory(executionArn: String) async throws -> [HistoryEvent] {
        var events: [HistoryEvent] = []
        var nextToken: String?
        repeat {
            var body: [String: Any] = ["executionArn": executionArn, "maxResults": 1000]
            if let nextToken { body["nextToken"] = nextToken }
            let answer = try await invoke("GetExecutionHistory", body)
            for item in answer["events"] as? [[String: Any]] ?? [] {
                events.append(Self.historyEvent(item))
            }
            nextToken = (answer["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return events
    }

    /// Stops a running execution.
    public func stopExecution(executionArn: String, error: String? = nil, cause: String? = nil) async throws {
        var body: [String: Any] = ["executionArn": executionArn]
        if let error { body["error"] = Self.truncate(error, to: Self.maxErrorLength) }
        if let cause { body["cause"] = Self.truncate(cause, to: Self.maxCauseLength) }
        _ = try await invoke("StopExecution", body)
    }

    // MARK: JSON plumbing

    /// Encodes `body`, calls `operation`, decodes the answer object.
    func invoke(_ operation: String, _ body: [String: Any], timeout: Duration? = nil) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.withoutEscapingSlashes])
        let answer = try await call(operation, body: data, timeout: timeout)
        if answer.isEmpty || answer.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d }) { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any] else {
            let snippet = String(decoding: answer.prefix(200), as: UTF8.self)
            throw StepFunctionsError(
                code: .other("MalformedResponse"),
                message: "the answer is not a JSON object: \(snippet)",
                httpStatus: 200,
                operation: operation
            )
        }
        return object
    }

    static func string(_ key: String, in object: [String: Any], operation: String) throws -> String {
        guard let value = object[key] as? String else {
            throw StepFunctionsError(
                code: .other("MalformedResponse"),
                message: "the answer has no string '\(key)'",
                httpStatus: 200,
                operation: operation
            )
        }
        return value
    }

    /// The API sends timestamps as epoch seconds; ISO 8601 text is accepted too.
    static func date(_ value: Any?) -> Date? {
        switch value {
        case let number as NSNumber: Date(timeIntervalSince1970: number.doubleValue)
        case let text as String:
            AWSHTTP.parseISO8601(text) ?? Double(text).map(Date.init(timeIntervalSince1970:))
        default: nil
        }
    }

    static func historyEvent(_ item: [String: Any]) -> HistoryEvent {
        var event = HistoryEvent(
            id: (item["id"] as? NSNumber)?.intValue ?? 0,
            previousEventId: (item["previousEventId"] as? NSNumber)?.intValue,
            type: item["type"] as? String ?? "",
            timestamp: date(item["timestamp"])
        )
        if let (_, details) = item.first(where: { $0.key.hasSuffix("EventDetails") }),
            let object = details as? [String: Any]
        {
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                event.detailsJSON = String(decoding: data, as: UTF8.self)
            }
            event.error = object["error"] as? String
            event.cause = object["cause"] as? String
            event.name = object["name"] as? String
            event.resource = object["resource"] as? String
            event.input = object["input"] as? String
            event.output = object["output"] as? String
        }
        return event
    }
}
