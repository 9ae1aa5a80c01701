import Foundation

/// The objects an S3 event notification (the body of an SQS message) reports as created.
///
/// The body is AWS's record shape: `{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name":
/// …}, "object": {"key": …, "size": …, "eTag": …}}}]}`, with the key URL-quoted (`+` for a space). The test event
/// S3 sends when a notification is configured (`{"Event": "s3:TestEvent", …}`) reports nothing.
public enum S3EventRecords {
    /// An object created, as an event record reports it.
    public struct Created: Sendable, Hashable {
        /// The bucket.
        public var bucket: String
        /// The key, URL-decoded.
        public var key: String
        /// The size in bytes (0 when the record has none).
        public var size: Int64
        /// The ETag, without quotes (empty when the record has none).
        public var eTag: String
        /// The record's `eventTime`.
        public var eventTime: String?
    }

    /// A message body that is not an S3 event notification.
    public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var reason: String
        /// The start of the body.
        public var excerpt: String

        public var description: String { "not an S3 event notification (\(reason)): \(excerpt)" }
    }

    /// The `ObjectCreated:*` records of `body`, in order; other events (removals, the test event) are skipped.
    ///
    /// - Throws: ``FormatError`` when the body is not JSON or not in the record shape.
    public static func created(in body: String) throws(FormatError) -> [Created] {
        let excerpt = body.count > 200 ? String(body.prefix(200)) + "…" : body
        guard let root = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw FormatError(reason: "not a JSON object", excerpt: excerpt)
        }
        if root["Event"] as? String == "s3:TestEvent" { return [] }
        guard let records = root["Records"] as? [[String: Any]] else {
            throw FormatError(reason: "no \"Records\" list", excerpt: excerpt)
        }
        var result: [Created] = []
        for record in records {
            guard let name = record["eventName"] as? String, name.hasPrefix("ObjectCreated:") else { continue }
            guard let s3 = record["s3"] as? [String: Any],
                let bucket = (s3["bucket"] as? [String: Any])?["name"] as? String,
                let object = s3["object"] as? [String: Any], let quoted = object["key"] as? String,
                let key = decodeKey(quoted)
            else { throw FormatError(reason: "a record without s3.bucket.name and s3.object.key", excerpt: excerpt) }
            result.append(
                Created(
                    bucket: bucket,
                    key: key,
                    size: (object["size"] as? NSNumber)?.int64Value ?? 0,
                    eTag: ((object["eTag"] as? String) ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\"")),
                    eventTime: record["eventTime"] as? String
                )
            )
        }
        return result
    }

    /// A key as event records carry it, decoded like Python's `unquote_plus`: `+` is a space, `%XX` a byte.
    public static func decodeKey(_ quoted: String) -> String? {
        quoted.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
