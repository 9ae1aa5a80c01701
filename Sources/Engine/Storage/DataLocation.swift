import Foundation
import S3

/// Where a file or dataset lives: a local path or an S3 object or prefix.
///
/// Anywhere a path goes (job-file inputs and outputs, `--input`, `--output`, the worker's task input), `s3://bucket/key`
/// names an object and `s3://bucket/prefix` (with or without the trailing slash) a dataset.
public enum DataLocation: Sendable, Hashable, CustomStringConvertible {
    /// An absolute local path.
    case local(String)
    /// An S3 object or prefix.
    case s3(S3Location)

    /// Parses `text`: an `s3://` URL, or a path resolved against `base` when relative.
    ///
    /// - Throws: `S3LocationError` for a malformed `s3://` URL.
    public init(_ text: String, relativeTo base: String) throws {
        // Anything that starts like an S3 URL is one, so that `s3:/bucket/key` is an error, not a local path.
        if text.prefix(3).lowercased() == "s3:" {
            self = .s3(try S3Location(parsing: text))
        } else if text.hasPrefix("/") {
            self = .local(URL(fileURLWithPath: text).standardizedFileURL.path)
        } else {
            self = .local(URL(fileURLWithPath: base).appendingPathComponent(text).standardizedFileURL.path)
        }
    }

    /// The location of `name` inside this directory or prefix.
    public func appending(_ name: String) -> DataLocation {
        switch self {
        case .local(let path):
            return .local((path as NSString).appendingPathComponent(name))
        case .s3(let location):
            return .s3(location.appending(name))
        }
    }

    /// Whether this is an S3 location.
    public var isS3: Bool {
        if case .s3 = self { return true }
        return false
    }

    /// The path, or the `s3://` URL.
    public var description: String {
        switch self {
        case .local(let path): path
        case .s3(let location): location.description
        }
    }
}
