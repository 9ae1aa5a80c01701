import Crypto
import Foundation

extension S3Client {
    /// The most keys one `DeleteObjects` request takes.
    public static let deleteBatchSize = 1000

    /// `DeleteObjects`: deletes `keys` from `bucket` in batches of at most 1,000 (keys that do not exist count as
    /// deleted, as S3 answers). Every batch is tried; if S3 refused some keys, the error afterwards names how many
    /// and the first, and lists them all in ``S3Error/keyFailures``.
    public func deleteObjects(bucket: String, keys: [String]) async throws {
        var failures: [S3Error.KeyFailure] = []
        var start = 0
        while start < keys.count {
            let batch = Array(keys[start..<min(start + Self.deleteBatchSize, keys.count)])
            failures.append(contentsOf: try await deleteBatch(bucket: bucket, keys: batch))
            start += batch.count
        }
        guard let first = failures.first else { return }
        throw S3Error(
            operation: "DeleteObjects",
            bucket: bucket,
            code: first.code,
            message: "\(failures.count) of \(keys.count) keys were not deleted; the first, \(first.key): "
                + "\(first.code): \(first.message)",
            httpStatus: 200,
            keyFailures: failures
        )
    }

    /// One `POST /?delete` of at most 1,000 keys, quiet (only failures are answered), with the `Content-MD5` S3
    /// requires for it. Returns the keys S3 refused.
    private func deleteBatch(bucket: String, keys: [String]) async throws -> [S3Error.KeyFailure] {
        var xml = XMLWriter()
        xml.open("Delete", namespace: true)
        xml.element("Quiet", "true")
        for key in keys {
            xml.open("Object")
            xml.element("Key", key)
            xml.close("Object")
        }
        xml.close("Delete")
        let body = xml.bytes
        var request = S3Request(operation: "DeleteObjects", method: .POST, bucket: bucket, body: body)
        request.query = [("delete", "")]
        request.headers.append(("Content-Type", "application/xml"))
        request.headers.append(("Content-MD5", Data(Insecure.MD5.hash(data: body)).base64EncodedString()))
        let response = try await perform(request)
        guard let root = XMLNode.parse(response.body), root.name == "DeleteResult" else {
            throw Self.invalidResponse(request, "the answer is not a DeleteResult", response)
        }
        return root.children("Error").map { error in
            S3Error.KeyFailure(
                key: error.value("Key") ?? "",
                code: S3Error.Code(rawValue: error.value("Code") ?? "Unknown"),
                message: error.value("Message") ?? ""
            )
        }
    }
}
