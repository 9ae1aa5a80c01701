import Foundation

extension SQSClient {
    /// The longest long poll SQS allows, in seconds.
    public static let maxWaitSeconds = 20

    /// Long-polls `queueURL` for up to `waitSeconds` (0…20) and returns up to `maxMessages` (1…10) messages;
    /// none when the wait ends empty.
    public func receiveMessages(
        queueURL: String,
        maxMessages: Int = 10,
        waitSeconds: Int = SQSClient.maxWaitSeconds,
        visibilityTimeout: Int? = nil
    ) async throws -> [SQSMessage] {
        let wait = min(max(waitSeconds, 0), Self.maxWaitSeconds)
        var body: [String: Any] = [
            "QueueUrl": queueURL, "MaxNumberOfMessages": min(max(maxMessages, 1), 10), "WaitTimeSeconds": wait,
            "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
        ]
        if let visibilityTimeout { body["VisibilityTimeout"] = visibilityTimeout }
        let answer = try await call("ReceiveMessage", queue: queueURL, body: body, extraTimeout: .seconds(wait))
        let messages = answer["Messages"] as? [[String: Any]] ?? []
        return try messages.map { message in
            guard let id = message["MessageId"] as? String, let handle = message["ReceiptHandle"] as? String else {
                throw SQSError(
                    code: "MalformedResponse",
                    message: "a message without MessageId or ReceiptHandle",
                    httpStatus: 200,
                    operation: "ReceiveMessage",
                    queue: queueURL
                )
            }
            let attributes = message["Attributes"] as? [String: Any]
            return SQSMessage(
                messageId: id,
                receiptHandle: handle,
                body: message["Body"] as? String ?? "",
                receiveCount: (attributes?["ApproximateReceiveCount"] as? String).flatMap { Int($0) }
            )
        }
    }

    /// Deletes the message received with `receiptHandle`.
    public func deleteMessage(queueURL: String, receiptHandle: String) async throws {
        _ = try await call(
            "DeleteMessage",
            queue: queueURL,
            body: ["QueueUrl": queueURL, "ReceiptHandle": receiptHandle]
        )
    }

    /// The URL of the queue called `name`.
    public func queueURL(name: String, ownerAccountId: String? = nil) async throws -> String {
        var body: [String: Any] = ["QueueName": name]
        if let ownerAccountId { body["QueueOwnerAWSAccountId"] = ownerAccountId }
        let answer = try await call("GetQueueUrl", queue: name, body: body)
        return try Self.queueURL(in: answer, operation: "GetQueueUrl", queue: name)
    }

    /// Creates the queue `name` (or finds it, when it exists with the same attributes) and returns its URL.
    public func createQueue(name: String, attributes: [String: String] = [:]) async throws -> String {
        var body: [String: Any] = ["QueueName": name]
        if !attributes.isEmpty { body["Attributes"] = attributes }
        let answer = try await call("CreateQueue", queue: name, body: body)
        return try Self.queueURL(in: answer, operation: "CreateQueue", queue: name)
    }

    /// The queue's attributes (e.g. `QueueArn`, `ApproximateNumberOfMessages`).
    public func queueAttributes(queueURL: String, names: [String] = ["All"]) async throws -> [String: String] {
        let answer = try await call(
            "GetQueueAttributes",
            queue: queueURL,
            body: ["QueueUrl": queueURL, "AttributeNames": names]
        )
        return answer["Attributes"] as? [String: String] ?? [:]
    }

    private static func queueURL(in answer: [String: Any], operation: String, queue: String) throws -> String {
        guard let url = answer["QueueUrl"] as? String else {
            throw SQSError(
                code: "MalformedResponse",
                message: "no QueueUrl in the answer",
                httpStatus: 200,
                operation: operation,
                queue: queue
            )
        }
        return url
    }
}
