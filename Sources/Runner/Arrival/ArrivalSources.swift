import SQS

/// The queue `sluice watch s3://…` long-polls for S3 event notifications. ``SQSArrivalQueue`` is the real one.
public protocol ArrivalQueue: Sendable {
    /// The queue, for logs and errors.
    var name: String { get }
    /// Long-polls once (up to 20 s); the messages received, possibly none.
    func receive() async throws -> [S3ArrivalStateMachine.Message]
    /// Deletes a received message.
    func delete(receiptHandle: String) async throws
}

/// The listing `sluice watch s3://…` polls when it has no queue.
public protocol ArrivalListing: Sendable {
    /// One ListObjectsV2 page of `bucket` under `prefix`, in key order, after `startAfter`; and whether more follow.
    func page(
        bucket: String,
        prefix: String,
        startAfter: String?
    ) async throws -> (
        objects: [S3ArrivalStateMachine.ListedObject], isTruncated: Bool
    )
}

/// An SQS queue as an ``ArrivalQueue``: long polls of 20 s for up to 10 messages, hidden for
/// ``visibilityTimeout`` seconds once received — longer than an activity poll (60 s on AWS), so a message is
/// normally deleted before SQS would deliver it again.
public struct SQSArrivalQueue: ArrivalQueue {
    /// The client.
    public let client: SQSClient
    /// The queue's URL.
    public let queueURL: String
    /// The long poll's wait, in seconds (at most 20).
    public let waitSeconds: Int
    /// How long a received message stays hidden from other receives, in seconds.
    public let visibilityTimeout: Int

    /// Creates the queue adapter.
    public init(
        client: SQSClient,
        queueURL: String,
        waitSeconds: Int = SQSClient.maxWaitSeconds,
        visibilityTimeout: Int = 180
    ) {
        self.client = client
        self.queueURL = queueURL
        self.waitSeconds = waitSeconds
        self.visibilityTimeout = visibilityTimeout
    }

    public var name: String { queueURL }

    public func receive() async throws -> [S3ArrivalStateMachine.Message] {
        try await client.receiveMessages(
            queueURL: queueURL,
            maxMessages: 10,
            waitSeconds: waitSeconds,
            visibilityTimeout: visibilityTimeout
        ).map {
            .init(id: $0.messageId, receiptHandle: $0.receiptHandle, body: $0.body)
        }
    }

    public func delete(receiptHandle: String) async throws {
        try await client.deleteMessage(queueURL: queueURL, receiptHandle: receiptHandle)
    }
}
