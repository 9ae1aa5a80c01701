/// An S3 object or prefix named as `s3://bucket/key`: `s3://bucket/sales/2024.csv` (a file),
/// `s3://bucket/sales/` or `s3://bucket/sales` (a dataset prefix, as users write both), `s3://bucket` (the root).
///
/// The key is taken as written (not percent-decoded), as the AWS CLI does.
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    /// The bucket, e.g. `my-data`.
    public var bucket: String
    /// The key or prefix after `s3://bucket/`, possibly empty.
    public var key: String

    /// A location from its parts; the bucket is not validated.
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `s3://bucket[/key]`. Throws ``S3LocationError`` naming the URL and what is wrong with it: another
    /// scheme, no bucket, or a bucket name S3 does not allow.
    public init(parsing url: String) throws {
        guard let separator = url.range(of: "://") else {
            throw S3LocationError(url: url, reason: "expected s3://bucket/key")
        }
        let scheme = url[..<separator.lowerBound]
        guard scheme.lowercased() == "s3" else {
            throw S3LocationError(url: url, reason: "the scheme is '\(scheme)', expected s3://bucket/key")
        }
        let rest = url[separator.upperBound...]
        let bucket: Substring
        let key: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            key = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            key = ""
        }
        guard !bucket.isEmpty else { throw S3LocationError(url: url, reason: "no bucket name after s3://") }
        if let problem = Self.bucketNameProblem(String(bucket)) {
            throw S3LocationError(url: url, reason: "bad bucket name '\(bucket)': \(problem)")
        }
        self.bucket = String(bucket)
        self.key = String(key)
    }

    /// Whether `text` starts with `s3://` (any case), i.e. names S3 rather than a local path.
    public static func isS3URL(_ text: String) -> Bool {
        text.prefix(5).lowercased() == "s3://"
    }

    /// What is wrong with `name` as an S3 bucket name (general purpose buckets), or `nil` when it is valid:
    /// 3–63 characters of lower-case letters, digits, `.` and `-`, beginning and ending with a letter or digit,
    /// no `..`, not shaped like an IP address.
    public static func bucketNameProblem(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return "it must be 3 to 63 characters long" }
        func isLetterOrDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        for byte in bytes where !isLetterOrDigit(byte) && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "-") {
            let character = String(decoding: [byte], as: UTF8.self)
            return "'\(character)' is not allowed (only lower-case letters, digits, '.' and '-')"
        }
        guard isLetterOrDigit(bytes[0]), isLetterOrDigit(bytes[bytes.count - 1]) else {
            return "it must begin and end with a letter or digit"
        }
        if name.contains("..") { return "it must not contain '..'" }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return "it must not be shaped like an IP address"
        }
        return nil
    }

    /// `s3://bucket/key` (`s3://bucket/` for the root).
    public var description: String { "s3://\(bucket)/\(key)" }

    /// Whether the key is empty or ends with `/`, i.e. names a prefix rather than an object.
    public var isPrefix: Bool { key.isEmpty || key.hasSuffix("/") }

    /// The key as a dataset prefix: empty, or ending with exactly the `/` it has or one added.
    public var prefix: String { isPrefix ? key : key + "/" }

    /// The location of `name` inside this prefix: `s3://b/out` + `part-0.parquet` = `s3://b/out/part-0.parquet`.
    public func appending(_ name: String) -> S3Location {
        S3Location(bucket: bucket, key: prefix + name)
    }
}

/// A malformed `s3://` URL.
public struct S3LocationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL as given.
    public var url: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an error.
    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    /// `malformed S3 URL 'http://x': the scheme is 'http', expected s3://bucket/key`.
    public var description: String { "malformed S3 URL '\(url)': \(reason)" }
}
