/// An error answered by S3, a transport failure after the retries ran out, or a malformed answer.
///
/// Its description is one line naming the operation, the object and S3's code and message, e.g.
/// `S3 GetObject s3://bucket/key: NoSuchKey: The specified key does not exist.` It never holds credentials,
/// signatures or pre-signed URLs.
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// S3's error code, e.g. `NoSuchKey`; codes of this client's own (``network``, ``invalidResponse``,
    /// ``objectChanged``) cover failures without an S3 answer.
    public struct Code: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The code as S3 names it.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Creates a code from a literal.
        public init(stringLiteral value: String) { self.rawValue = value }
        /// The code as S3 names it.
        public var description: String { rawValue }

        /// The key does not exist (HEAD: HTTP 404).
        public static let noSuchKey: Code = "NoSuchKey"
        /// The bucket does not exist.
        public static let noSuchBucket: Code = "NoSuchBucket"
        /// The multipart upload does not exist (completed, aborted or never created).
        public static let noSuchUpload: Code = "NoSuchUpload"
        /// The caller may not perform the action (HEAD: HTTP 403).
        public static let accessDenied: Code = "AccessDenied"
        /// The access key id is unknown.
        public static let invalidAccessKeyId: Code = "InvalidAccessKeyId"
        /// The signature does not match (wrong secret key or clock skew).
        public static let signatureDoesNotMatch: Code = "SignatureDoesNotMatch"
        /// The session token has expired.
        public static let expiredToken: Code = "ExpiredToken"
        /// The bucket is in another region (HTTP 301); ``S3Error/bucketRegion`` names it when S3 said.
        public static let permanentRedirect: Code = "PermanentRedirect"
        /// An `If-Match` (or other) precondition failed (HTTP 412).
        public static let preconditionFailed: Code = "PreconditionFailed"
        /// The requested range is not satisfiable (HTTP 416).
        public static let invalidRange: Code = "InvalidRange"
        /// A multipart part other than the last is under the minimum size (5 MiB on AWS).
        public static let entityTooSmall: Code = "EntityTooSmall"
        /// Request rate exceeded; retried.
        public static let slowDown: Code = "SlowDown"
        /// An internal error of S3 (HTTP 500); retried.
        public static let internalError: Code = "InternalError"
        /// S3 is unavailable (HTTP 503); retried.
        public static let serviceUnavailable: Code = "ServiceUnavailable"
        /// No (complete) HTTP answer: connection refused, reset, cut mid-body, DNS failure or timeout; retried.
        public static let network: Code = "NetworkError"
        /// An answer this client cannot read (malformed XML, a missing header).
        public static let invalidResponse: Code = "InvalidResponse"
        /// The object changed while it was being read: a resumed GET pinned to the first answer's ETag got 412.
        public static let objectChanged: Code = "ObjectChanged"

        /// Codes that are retried whatever the HTTP status.
        public static let retryable: Set<Code> = [
            slowDown, internalError, serviceUnavailable, network, "Throttling", "ThrottlingException",
            "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException",
            "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
            "BandwidthLimitExceeded", "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
            "EC2ThrottledException", "InternalFailure",
        ]
    }

    /// A key that `DeleteObjects` could not delete.
    public struct KeyFailure: Sendable, Hashable {
        /// The key.
        public var key: String
        /// S3's code, e.g. `AccessDenied`.
        public var code: Code
        /// S3's message.
        public var message: String

        /// Creates a failure.
        public init(key: String, code: Code, message: String) {
            self.key = key
            self.code = code
            self.message = message
        }
    }

    /// The S3 operation, e.g. `GetObject`.
    public var operation: String
    /// The bucket, when the operation names one.
    public var bucket: String?
    /// The key, when the operation names one.
    public var key: String?
    /// S3's code (or one of this client's own).
    public var code: Code
    /// S3's message, or what this client found wrong.
    public var message: String
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// S3's request id (`x-amz-request-id`), when an answer came.
    public var requestId: String?
    /// The bucket's region (`x-amz-bucket-region`), when S3 named it (PermanentRedirect, AuthorizationHeaderMalformed).
    public var bucketRegion: String?
    /// Attempts made, including the first.
    public var attempts: Int
    /// The keys `DeleteObjects` could not delete.
    public var keyFailures: [KeyFailure]

    /// Creates an error.
    public init(
        operation: String,
        bucket: String? = nil,
        key: String? = nil,
        code: Code,
        message: String,
        httpStatus: Int? = nil,
        requestId: String? = nil,
        bucketRegion: String? = nil,
        attempts: Int = 1,
        keyFailures: [KeyFailure] = []
    ) {
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.bucketRegion = bucketRegion
        self.attempts = attempts
        self.keyFailures = keyFailures
    }

    /// Whether the call may succeed when repeated: HTTP 500, 502, 503, 504, throttling and transport failures.
    public var isRetryable: Bool {
        if let httpStatus, [500, 502, 503, 504].contains(httpStatus) { return true }
        return Code.retryable.contains(code)
    }

    /// `s3://bucket/key`, `s3://bucket` or empty, for messages.
    public var location: String {
        guard let bucket else { return "" }
        guard let key else { return "s3://\(bucket)" }
        return "s3://\(bucket)/\(key)"
    }

    /// One line: `S3 <Operation> s3://bucket/key: <Code>: <message>`, plus the attempts when there were several.
    public var description: String {
        var text = "S3 \(operation)"
        if bucket != nil { text += " \(location)" }
        text += ": \(code): \(message)"
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return text
    }
}
