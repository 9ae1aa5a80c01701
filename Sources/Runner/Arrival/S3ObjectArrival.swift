import Foundation

/// An S3 object that has arrived, and the data-arrival activity it completes (`<prefix>-<last key segment>`).
public struct S3ObjectArrival: Sendable, Hashable {
    /// The bucket.
    public var bucket: String
    /// The object's key, decoded.
    public var key: String
    /// Its size in bytes.
    public var size: Int64
    /// Its ETag, without quotes.
    public var eTag: String
    /// Its `LastModified` as S3 lists it (ISO 8601), when known; with the key and ETag it identifies an upload.
    public var lastModified: String?
    /// The activity completed.
    public var activityArn: String

    /// Creates an arrival; quotes around `eTag` are removed.
    public init(
        bucket: String,
        key: String,
        size: Int64,
        eTag: String,
        lastModified: String? = nil,
        activityArn: String
    ) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.eTag = eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        self.lastModified = lastModified
        self.activityArn = activityArn
    }

    /// The key's last `/`-separated segment: the file name.
    public var fileName: String {
        key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key
    }

    /// The object as an `s3://bucket/key` URL.
    public var url: String { "s3://\(bucket)/\(key)" }

    /// The task output: `{"S3BucketName", "S3Key", "SFNActivityArn", "size", "eTag"}` (the first three as the
    /// seed's S3 Lambda sends them), plus `path` (the `s3://` URL) and `bytes` (the size) as `sluice watch DIR`
    /// reports local files.
    public var output: String {
        let object: [String: Any] = [
            "S3BucketName": bucket, "S3Key": key, "SFNActivityArn": activityArn, "size": size, "eTag": eTag,
            "path": url, "bytes": size,
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
