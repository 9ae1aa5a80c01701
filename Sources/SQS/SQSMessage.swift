/// A message received from a queue.
public struct SQSMessage: Sendable, Hashable {
    /// The message id.
    public var messageId: String
    /// The handle that deletes it (or changes its visibility); new on every receive.
    public var receiptHandle: String
    /// The body.
    public var body: String
    /// How many times it was received, when the service says (`ApproximateReceiveCount`).
    public var receiveCount: Int?

    /// Creates a message.
    public init(messageId: String, receiptHandle: String, body: String, receiveCount: Int? = nil) {
        self.messageId = messageId
        self.receiptHandle = receiptHandle
        self.body = body
        self.receiveCount = receiveCount
    }
}
