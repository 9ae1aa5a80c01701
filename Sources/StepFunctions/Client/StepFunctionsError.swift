import Foundation

/// An error answered by Step Functions, or a transport failure after the retries ran out.
///
/// Service errors come as `{"__type": "...", "message": "..."}`; the type may be qualified
/// (`com.amazonaws.sfn#TaskTimedOut`) or carry a suffix after `:`, both of which are stripped into ``code``.
/// Never holds credentials or signatures.
public struct StepFunctionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error's type.
    public enum Code: Sendable, Hashable, CustomStringConvertible {
        /// The task token expired, or the task is already closed (a retried completion may have succeeded).
        case taskTimedOut
        /// The task token names no task.
        case taskDoesNotExist
        /// The task token is malformed.
        case invalidToken
        /// The activity does not exist.
        case activityDoesNotExist
        /// Over 1,000 pollers on one activity.
        case activityWorkerLimitExceeded
        /// A malformed ARN.
        case invalidArn
        /// The output is not valid JSON or too long.
        case invalidOutput
        /// The execution does not exist.
        case executionDoesNotExist
        /// The state machine does not exist.
        case stateMachineDoesNotExist
        /// Request rate exceeded; retried.
        case throttling
        /// The caller may not perform the action.
        case accessDenied
        /// The access key id is unknown or the session token invalid.
        case unrecognizedClient
        /// The signature does not match (wrong secret key or clock skew).
        case invalidSignature
        /// The session token has expired.
        case expiredToken
        /// The service failed (HTTP 5xx); retried.
        case serviceUnavailable
        /// No HTTP answer: connection refused, reset, DNS failure or timeout; retried.
        case network
        /// Any other error type, as named by the service (`__type` stripped).
        case other(String)

        /// Maps a service error type (qualified or not) to a code.
        public init(type: String) {
            switch StepFunctionsError.stripType(type) {
            case "TaskTimedOut": self = .taskTimedOut
            case "TaskDoesNotExist": self = .taskDoesNotExist
            case "InvalidToken": self = .invalidToken
            case "ActivityDoesNotExist": self = .activityDoesNotExist
            case "ActivityWorkerLimitExceeded": self = .activityWorkerLimitExceeded
            case "InvalidArn": self = .invalidArn
            case "InvalidOutput": self = .invalidOutput
            case "ExecutionDoesNotExist": self = .executionDoesNotExist
            case "StateMachineDoesNotExist": self = .stateMachineDoesNotExist
            case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded":
                self = .throttling
            case "AccessDenied", "AccessDeniedException": self = .accessDenied
            case "UnrecognizedClientException", "InvalidClientTokenId", "MissingAuthenticationToken",
                "MissingAuthenticationTokenException":
                self = .unrecognizedClient
            case "InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature",
                "IncompleteSignatureException":
                self = .invalidSignature
            case "ExpiredToken", "ExpiredTokenException": self = .expiredToken
            case "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalServerError":
                self = .serviceUnavailable
            case let other: self = .other(other)
            }
        }

        /// The service's name for the code, e.g. `TaskTimedOut`.
        public var description: String {
            switch self {
            case .taskTimedOut: "TaskTimedOut"
            case .taskDoesNotExist: "TaskDoesNotExist"
            case .invalidToken: "InvalidToken"
            case .activityDoesNotExist: "ActivityDoesNotExist"
            case .activityWorkerLimitExceeded: "ActivityWorkerLimitExceeded"
            case .invalidArn: "InvalidArn"
            case .invalidOutput: "InvalidOutput"
            case .executionDoesNotExist: "ExecutionDoesNotExist"
            case .stateMachineDoesNotExist: "StateMachineDoesNotExist"
            case .throttling: "ThrottlingException"
            case .accessDenied: "AccessDeniedException"
            case .unrecognizedClient: "UnrecognizedClientException"
            case .invalidSignature: "InvalidSignatureException"
            case .expiredToken: "ExpiredTokenException"
            case .serviceUnavailable: "ServiceUnavailable"
            case .network: "NetworkError"
            case .other(let name): name
            }
        }

        /// Whether a request failing with this code is worth retrying.
        public var isRetryable: Bool {
            switch self {
            case .throttling, .serviceUnavailable, .network: true
            default: false
            }
        }

        /// Whether the code says the task token can no longer be used (timed out, closed, unknown or malformed).
        public var isTaskGone: Bool {
            switch self {
            case .taskTimedOut, .taskDoesNotExist, .invalidToken: true
            default: false
            }
        }
    }

    /// The error's type.
    public var code: Code
    /// The service's message, or a description of the transport failure.
    public var message: String
    /// The HTTP status, or `nil` when no answer came.
    public var httpStatus: Int?
    /// The operation that failed, e.g. `SendTaskSuccess`.
    public var operation: String
    /// How many attempts were made.
    public var attempts: Int

    /// Creates an error.
    public init(code: Code, message: String, httpStatus: Int?, operation: String, attempts: Int = 1) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.operation = operation
        self.attempts = attempts
    }

    /// E.g. `SendTaskSuccess failed: TaskTimedOut (HTTP 400): Task Timed Out`.
    public var description: String {
        var text = "\(operation) failed: \(code)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !message.isEmpty { text += ": \(message)" }
        if attempts > 1 { text += " [after \(attempts) attempts]" }
        return text
    }

    /// HTTP statuses retried whatever the error type: 500, 502, 503, 504.
    public static let retryableStatuses: Set<Int> = [500, 502, 503, 504]

    /// Whether the call is worth retrying: throttling, a network error, or HTTP 500/502/503/504.
    public var isRetryable: Bool {
        code.isRetryable || httpStatus.map(Self.retryableStatuses.contains) == true
    }

    /// Strips a qualified type to the part after `#` and before `:`.
    public static func stripType(_ type: String) -> String {
        var name = Substring(type)
        if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        return name.trimmingCharacters(in: .whitespaces)
    }

    /// Parses an error response: the JSON body's `__type` (or `code`) and `message` (or `Message`), else the
    /// `X-Amzn-ErrorType` header, else an XML `<Code>`/`<Message>` body, else the status alone.
    public static func parse(
        status: Int,
        body: [UInt8],
        errorTypeHeader: String?,
        operation: String
    ) -> StepFunctionsError {
        var type: String?
        var message: String?
        if let decoded = try? JSONDecoder().decode(ServiceErrorBody.self, from: Data(body)) {
            type = decoded.type
            message = decoded.message
        }
        if type == nil, let errorTypeHeader, !errorTypeHeader.isEmpty { type = errorTypeHeader }
        let text = String(decoding: body.prefix(65_536), as: UTF8.self)
        if type == nil { type = xmlElement("Code", in: text) }
        if message == nil { message = xmlElement("Message", in: text) }
        let code: Code
        if let type, !stripType(type).isEmpty {
            code = Code(type: type)
        } else if retryableStatuses.contains(status) {
            code = .serviceUnavailable
        } else if status == 429 {
            code = .throttling
        } else {
            code = .other("HTTP \(status)")
        }
        if message == nil, type == nil {
            let snippet = text.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines)
            message = snippet.isEmpty ? "no error body" : "unexpected error body: \(snippet)"
        }
        return StepFunctionsError(code: code, message: message ?? "", httpStatus: status, operation: operation)
    }

    private static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}
