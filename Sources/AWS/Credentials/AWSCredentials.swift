import Foundation

/// A set of AWS credentials: an access key pair and, for temporary credentials, a session token and an expiry.
///
/// `description` and `debugDescription` never show the secret key or the session token, so credentials can be
/// logged or interpolated into errors safely.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key id, e.g. `AKIDEXAMPLE`. Not secret.
    public var accessKeyId: String
    /// The secret access key. Never logged.
    public var secretAccessKey: String
    /// The session token of temporary credentials. Never logged.
    public var sessionToken: String?
    /// When temporary credentials expire; `nil` for long-term credentials.
    public var expiration: Date?

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Whether these credentials expire within `interval` seconds of `now` (never, without an expiry).
    public func expires(within interval: TimeInterval, of now: Date = Date()) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= interval
    }

    /// The access key id with the secrets redacted.
    public var description: String {
        var text = "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    /// Same as ``description``: secrets redacted.
    public var debugDescription: String { description }
}
