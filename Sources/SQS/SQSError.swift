import Foundation

/// An error answered by SQS, or a transport failure after the retries ran out. Names the operation and the queue;
/// never holds credentials or signatures.
///
/// Errors of the JSON protocol come as `{"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "..."}`; the
/// qualifier is stripped into ``code``.
public struct SQSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error type as the service names it (`QueueDoesNotExist`, `AccessDenied`, …), `NetworkError` when no
    /// answer came, or `HTTP <status>` when the answer named none.
    public var code: String
    /// The service's message, or a description of the transport failure.
    public var message: String
    /// The HTTP status, or `nil` when no answer came.
    public var httpStatus: Int?
    /// The operation that failed, e.g. `ReceiveMessage`.
    public var operation: String
    /// The queue: its URL, or its name for `GetQueueUrl` and `CreateQueue`.
    public var queue: String
    /// How many attempts were made.
    public var attempts: Int

    /// Creates an error.
    public init(code: String, message: String, httpStatus: Int?, operation: String, queue: String, attempts: Int = 1) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.operation = operation
        self.queue = queue
        self.attempts = attempts
    }

    /// E.g. `SQS ReceiveMessage on https://sqs…/123/q failed: QueueDoesNotExist (HTTP 400): The specified queue does
    /// not exist.`
    public var description: String {
        var text = "SQS \(operation) on \(queue) failed: \(code)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !message.isEmpty { text += ": \(message)" }
        if attempts > 1 { text += " [after \(attempts) attempts]" }
        return text
    }

    /// The code of a failure without an HTTP answer.
    public static let networkCode = "NetworkError"

    /// Error types retried: throttling and service failures.
    public static let retryableCodes: Set<String> = [
        "ThrottlingException", "Throttling", "RequestThrottled", "TooManyRequestsException", "ServiceUnavailable",
        "InternalError", "InternalFailure", "KmsThrottled", networkCode,
    ]

    /// Whether the call is worth retrying: throttling, a network error, or HTTP 500/502/503/504.
    public var isRetryable: Bool {
        Self.retryableCodes.contains(code) || [500, 502, 503, 504].contains(httpStatus ?? 0)
    }

    /// Whether the queue does not exist.
    public var isQueueMissing: Bool {
        code == "QueueDoesNotExist" || code == "AWS.SimpleQueueService.NonExistentQueue"
    }

    /// Parses an error answer: the JSON body's `__type` and `message`, else the `x-amzn-query-error` header's
    /// code, else the status alone.
    static func parse(
        status: Int,
        body: [UInt8],
        queryErrorHeader: String?,
        operation: String,
        queue: String
    ) -> SQSError {
        var type: String?
        var message: String?
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            type = object["__type"] as? String ?? object["code"] as? String
            message = object["message"] as? String ?? object["Message"] as? String
        }
        if type == nil, let header = queryErrorHeader, let code = header.split(separator: ";").first {
            type = String(code)
        }
        var code = type.map { name -> String in
            var name = Substring(name)
            if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
            return String(name)
        }
        if code?.isEmpty != false { code = "HTTP \(status)" }
        let text = message ?? String(decoding: body.prefix(300), as: UTF8.self)
        return SQSError(
            code: code!,
            message: text.trimmingCharacters(in: .whitespacesAndNewlines),
            httpStatus: status,
            operation: operation,
            queue: queue
        )
    }
}
