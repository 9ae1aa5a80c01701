import AWS
import Foundation

extension S3Client {
    /// `CreateMultipartUpload`: starts an upload of `key` and returns its upload id.
    public func createMultipartUpload(bucket: String, key: String, contentType: String? = nil) async throws -> String {
        var request = S3Request(operation: "CreateMultipartUpload", method: .POST, bucket: bucket, key: key)
        request.query = [("uploads", "")]
        if let contentType { request.headers.append(("Content-Type", contentType)) }
        let response = try await perform(request)
        guard let root = XMLNode.parse(response.body), let uploadId = root.value("UploadId"), !uploadId.isEmpty else {
            throw Self.invalidResponse(request, "the InitiateMultipartUploadResult has no UploadId", response)
        }
        return uploadId
    }

    /// `UploadPart`: uploads part `partNumber` (1...10,000) and returns its ETag. Every part but the last must be at
    /// least 5 MiB; S3 says so (``S3Error/Code/entityTooSmall``) only at ``completeMultipartUpload(bucket:key:uploadId:parts:)``.
    public func uploadPart(
        bucket: String,
        key: String,
        uploadId: String,
        partNumber: Int,
        body: [UInt8]
    ) async throws -> String {
        var request = S3Request(operation: "UploadPart", method: .PUT, bucket: bucket, key: key, body: body)
        request.query = [("partNumber", String(partNumber)), ("uploadId", uploadId)]
        let response = try await perform(request)
        return try Self.requireETag(request, response.headers)
    }

    /// `CompleteMultipartUpload`: assembles `parts` (in part-number order) into the object and returns its ETag.
    ///
    /// When a retried completion finds the upload gone (``S3Error/Code/noSuchUpload``), the first attempt may have
    /// succeeded with its answer lost: the object's ETag is then checked (a multipart ETag ends in `-<parts>`) and
    /// returned when it matches.
    @discardableResult
    public func completeMultipartUpload(
        bucket: String,
        key: String,
        uploadId: String,
        parts: [S3CompletedPart]
    ) async throws -> String {
        var xml = XMLWriter()
        xml.open("CompleteMultipartUpload", namespace: true)
        for part in parts.sorted(by: { $0.partNumber < $1.partNumber }) {
            xml.open("Part")
            xml.element("PartNumber", String(part.partNumber))
            xml.element("ETag", part.eTag)
            xml.close("Part")
        }
        xml.close("CompleteMultipartUpload")
        var request = S3Request(
            operation: "CompleteMultipartUpload",
            method: .POST,
            bucket: bucket,
            key: key,
            body: xml.bytes
        )
        request.query = [("uploadId", uploadId)]
        request.headers.append(("Content-Type", "application/xml"))
        do {
            let response = try await perform(request)
            guard let root = XMLNode.parse(response.body), let eTag = root.value("ETag") else {
                throw Self.invalidResponse(request, "the CompleteMultipartUploadResult has no ETag", response)
            }
            return eTag
        } catch let error as S3Error where error.code == .noSuchUpload && error.attempts > 1 {
            if let info = try? await headObject(bucket: bucket, key: key),
                info.eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).hasSuffix("-\(parts.count)")
            {
                return info.eTag
            }
            throw error
        }
    }

    /// `AbortMultipartUpload`: discards the upload and its parts. An upload already gone counts as aborted.
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        var request = S3Request(operation: "AbortMultipartUpload", method: .DELETE, bucket: bucket, key: key)
        request.query = [("uploadId", uploadId)]
        do {
            _ = try await perform(request)
        } catch let error as S3Error where error.code == .noSuchUpload {
            return
        }
    }

    /// `ListMultipartUploads`: every incomplete upload in `bucket` whose key starts with `prefix`, all pages.
    public func listMultipartUploads(bucket: String, prefix: String = "") async throws -> [S3MultipartUpload] {
        var uploads: [S3MultipartUpload] = []
        var keyMarker: String?
        var uploadIdMarker: String?
        while true {
            var request = S3Request(operation: "ListMultipartUploads", method: .GET, bucket: bucket)
            request.query = [("uploads", "")]
            if !prefix.isEmpty { request.query.append(("prefix", prefix)) }
            if let keyMarker { request.query.append(("key-marker", keyMarker)) }
            if let uploadIdMarker { request.query.append(("upload-id-marker", uploadIdMarker)) }
            let response = try await perform(request)
            guard let root = XMLNode.parse(response.body), root.name == "ListMultipartUploadsResult" else {
                throw Self.invalidResponse(request, "the answer is not a ListMultipartUploadsResult", response)
            }
            for upload in root.children("Upload") {
                guard let key = upload.value("Key"), let uploadId = upload.value("UploadId") else { continue }
                uploads.append(
                    S3MultipartUpload(
                        key: key,
                        uploadId: uploadId,
                        initiated: upload.value("Initiated").flatMap(AWSHTTP.parseISO8601)
                    )
                )
            }
            guard root.value("IsTruncated") == "true" else { return uploads }
            let nextKey = root.value("NextKeyMarker") ?? uploads.last?.key
            let nextUploadId = root.value("NextUploadIdMarker") ?? uploads.last?.uploadId
            guard let nextKey, nextKey != keyMarker || nextUploadId != uploadIdMarker else {
                throw Self.invalidResponse(request, "a truncated listing without a next marker", response)
            }
            keyMarker = nextKey
            uploadIdMarker = nextUploadId
        }
    }
}
