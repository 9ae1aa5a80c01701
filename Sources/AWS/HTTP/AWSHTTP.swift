import AsyncHTTPClient
import Foundation
import NIOCore

/// HTTP helpers shared by the AWS service clients: the `Host` header as signed, endpoint and transport-error
/// texts for messages (never with user info or query), and `Duration` → NIO `TimeAmount`.
public enum AWSHTTP {
    /// `host[:port]`, the port only when it is not the scheme's default (as async-http-client sends it); IPv6
    /// literals in brackets.
    public static func hostHeader(_ url: URL) -> String {
        var host = url.host ?? ""
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        if let port = url.port {
            let scheme = url.scheme?.lowercased()
            let isDefault = (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
            if !isDefault { host += ":\(port)" }
        }
        return host
    }

    /// The endpoint without user info or query, for messages: `scheme://host[:port]/path`.
    public static func describe(_ url: URL) -> String {
        "\(url.scheme ?? "https")://\(hostHeader(url))\(url.path)"
    }

    /// A readable text for an HTTP transport failure (timeouts, closed connections, `errno` texts).
    public static func describeTransportError(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connect timed out"
            case .readTimeout: return "no response before the read timeout"
            case .deadlineExceeded: return "no response before the deadline"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return "\(error)"
            }
        }
        if let error = error as? IOError {
            return "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"
        }
        return "\(error)"
    }

    /// `duration` as a NIO `TimeAmount` (nanosecond precision).
    public static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// An ISO 8601 timestamp (`2024-05-01T12:00:00Z`, with or without fractional seconds).
    public static func parseISO8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// An HTTP date (RFC 7231 IMF-fixdate, `Wed, 21 Oct 2015 07:28:00 GMT`), as in `Last-Modified`.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
