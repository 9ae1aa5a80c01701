import AWS
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension S3Client {
    /// `HeadObject`: the object's size, ETag and modification time. A missing key is ``S3Error/Code/noSuchKey``,
    /// a forbidden one ``S3Error/Code/accessDenied`` (HEAD answers have no body to say more).
    public func headObject(bucket: String, key: String) async throws -> S3ObjectInfo {
        let request = S3Request(operation: "HeadObject", method: .HEAD, bucket: bucket, key: key)
        let response = try await perform(request)
        return try Self.objectInfo(request, response.headers)
    }

    /// `GetObject`: the object's bytes, or those of `range` (offsets into the object), optionally only while its
    /// ETag is `ifMatch`.
    ///
    /// A body cut mid-way (connection reset, timeout, retryable error) is resumed from the byte where it broke by a
    /// new ranged GET pinned with `If-Match` to the ETag of the first answer, so the bytes never mix two versions
    /// of the object; if it changed meanwhile, ``S3Error/Code/objectChanged`` is thrown. Failures in a row are
    /// bounded by the retry policy; progress starts the count afresh.
    public func getObject(
        bucket: String,
        key: String,
        range: Range<Int>? = nil,
        ifMatch: String? = nil
    ) async throws -> [UInt8] {
        if let range, range.isEmpty { return [] }
        var received: [UInt8] = []
        if let range { received.reserveCapacity(range.count) }
        try await streamObject(bucket: bucket, key: key, range: range, ifMatch: ifMatch) { buffer in
            received.append(contentsOf: buffer.readableBytesView)
        }
        return received
    }

    /// `GetObject`, streamed: hands the object's bytes (or those of `range`) to `consume` in order, as they arrive,
    /// without holding them; `consume` may wait (the body is not read meanwhile, so a slow consumer holds the
    /// download back instead of buffering it).
    ///
    /// Failures are handled as ``getObject(bucket:key:range:ifMatch:)`` does: a body cut mid-way is resumed from
    /// the first byte not yet handed out, pinned with `If-Match` to the first answer's ETag, so `consume` sees
    /// every byte exactly once and never two versions of the object.
    public func streamObject(
        bucket: String,
        key: String,
        range: Range<Int>? = nil,
        ifMatch: String? = nil,
        consume: (ByteBuffer) async throws -> Void
    ) async throws {
        if let range, range.isEmpty { return }
        var delivered = 0
        var pinnedETag = ifMatch
        var expectedTotal: Int? = range?.count
        let start = range?.lowerBound ?? 0
        let progress = RetryProgress()
        do {
            try await retrying("GetObject", bucket: bucket, key: key, progress: progress) { _ in
                defer { progress.units = delivered }
                var request = S3Request(operation: "GetObject", method: .GET, bucket: bucket, key: key)
                let offset = start + delivered
                if let range {
                    request.headers.append(("Range", "bytes=\(offset)-\(range.upperBound - 1)"))
                } else if delivered > 0 {
                    request.headers.append(("Range", "bytes=\(offset)-"))
                }
                if let pinnedETag { request.headers.append(("If-Match", pinnedETag)) }

                let response = try await sendOnce(request)
                let status = Int(response.status.code)
                guard status == 200 || status == 206 else {
                    let body =
                        (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
                    var error = Self.error(for: request, status: status, headers: response.headers, body: body)
                    if error.code == .preconditionFailed, delivered > 0 || (ifMatch == nil && pinnedETag != nil) {
                        error.code = .objectChanged
                        error.message =
                            "the object changed while it was being read (its ETag is no longer \(pinnedETag ?? "")); "
                            + "read it again"
                    } else if error.code == .preconditionFailed, let ifMatch {
                        error.message = "the object's ETag is not \(ifMatch) (it changed)"
                    }
                    throw error
                }
                if pinnedETag == nil { pinnedETag = response.headers.first(name: "ETag") }
                // A server that ignores `Range` answers 200 with the whole object: skip to the offset wanted.
                var skip = status == 200 && (range != nil || offset > 0) ? offset : 0
                if expectedTotal == nil || range != nil, let size = Self.objectSize(status, response.headers) {
                    // The object may end before the range does: expect what it holds.
                    let end = min(range?.upperBound ?? size, size)
                    expectedTotal = max(0, end - start)
                }
                do {
                    for try await var buffer in response.body {
                        if skip > 0 {
                            let dropped = min(skip, buffer.readableBytes)
                            buffer.moveReaderIndex(forwardBy: dropped)
                            skip -= dropped
                        }
                        if let expectedTotal, buffer.readableBytes > expectedTotal - delivered {
                            buffer = buffer.getSlice(at: buffer.readerIndex, length: expectedTotal - delivered)!
                        }
                        guard buffer.readableBytes > 0 else { continue }
                        let count = buffer.readableBytes
                        AWSMetrics.bytes(service: "s3", operation: "GetObject", direction: "received", count: count)
                        do {
                            try await consume(buffer)
                        } catch {
                            throw ConsumerFailure(underlying: error)
                        }
                        delivered += count
                    }
                } catch let failure as ConsumerFailure {
                    throw failure
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    if Task.isCancelled { throw CancellationError() }
                    throw S3Error(
                        operation: "GetObject",
                        bucket: bucket,
                        key: key,
                        code: .network,
                        message: "the body broke off after \(delivered) bytes: "
                            + AWSHTTP.describeTransportError(error),
                        httpStatus: status,
                        requestId: response.headers.first(name: "x-amz-request-id")
                    )
                }
                if let expectedTotal, delivered < expectedTotal {
                    throw S3Error(
                        operation: "GetObject",
                        bucket: bucket,
                        key: key,
                        code: .network,
                        message: "the body ended after \(delivered) of \(expectedTotal) bytes",
                        httpStatus: status
                    )
                }
            }
        } catch let failure as ConsumerFailure {
            throw failure.underlying
        }
    }

    /// `PutObject`: stores `body` as the object and returns its ETag.
    @discardableResult
    public func putObject(
        bucket: String,
        key: String,
        body: [UInt8],
        contentType: String? = nil
    ) async throws -> String {
        var request = S3Request(operation: "PutObject", method: .PUT, bucket: bucket, key: key, body: body)
        if let contentType { request.headers.append(("Content-Type", contentType)) }
        let response = try await perform(request)
        return try Self.requireETag(request, response.headers)
    }

    /// `CopyObject`: copies `sourceBucket`/`sourceKey` to `bucket`/`key` inside S3 (objects up to 5 GB) and returns
    /// the new object's ETag.
    @discardableResult
    public func copyObject(bucket: String, key: String, sourceBucket: String, sourceKey: String) async throws -> String
    {
        var request = S3Request(operation: "CopyObject", method: .PUT, bucket: bucket, key: key)
        request.headers.append(("x-amz-copy-source", "/" + sourceBucket + "/" + URIEncoding.encodePath(sourceKey)))
        let response = try await perform(request)
        guard let root = XMLNode.parse(response.body), let eTag = root.value("ETag") else {
            throw Self.invalidResponse(request, "the CopyObjectResult has no ETag", response)
        }
        return eTag
    }

    /// `DeleteObject`: deletes the object (no error when it does not exist, as S3 answers).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await perform(S3Request(operation: "DeleteObject", method: .DELETE, bucket: bucket, key: key))
    }

    /// The object's whole size from an answer: `Content-Range: bytes a-b/size` of a 206, `Content-Length` of a 200.
    static func objectSize(_ status: Int, _ headers: HTTPHeaders) -> Int? {
        if status == 206 {
            guard let range = headers.first(name: "Content-Range"), let slash = range.lastIndex(of: "/") else {
                return nil
            }
            return Int(range[range.index(after: slash)...])
        }
        return headers.first(name: "Content-Length").flatMap(Int.init)
    }

    static func objectInfo(_ request: S3Request, _ headers: HTTPHeaders) throws -> S3ObjectInfo {
        guard let size = headers.first(name: "Content-Length").flatMap(Int.init) else {
            throw S3Error(
                operation: request.operation,
                bucket: request.bucket,
                key: request.key,
                code: .invalidResponse,
                message: "the answer has no Content-Length",
                httpStatus: 200
            )
        }
        return S3ObjectInfo(
            size: size,
            eTag: try requireETag(request, headers),
            lastModified: headers.first(name: "Last-Modified").flatMap(AWSHTTP.parseHTTPDate),
            contentType: headers.first(name: "Content-Type")
        )
    }

    static func requireETag(_ request: S3Request, _ headers: HTTPHeaders) throws -> String {
        guard let eTag = headers.first(name: "ETag"), !eTag.isEmpty else {
            throw S3Error(
                operation: request.operation,
                bucket: request.bucket,
                key: request.key,
                code: .invalidResponse,
                message: "the answer has no ETag",
                httpStatus: 200,
                requestId: headers.first(name: "x-amz-request-id")
            )
        }
        return eTag
    }

    static func invalidResponse(_ request: S3Request, _ message: String, _ response: S3Response) -> S3Error {
        S3Error(
            operation: request.operation,
            bucket: request.bucket,
            key: request.key,
            code: .invalidResponse,
            message: message,
            httpStatus: response.status,
            requestId: response.headers.first(name: "x-amz-request-id")
        )
    }
}

/// An error thrown by a streamed GET's consumer: passed through as it is, never retried or taken for a network
/// failure.
private struct ConsumerFailure: Error {
    var underlying: any Error
}
