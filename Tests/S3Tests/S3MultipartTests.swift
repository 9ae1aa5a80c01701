import AWS
import Foundation
import TestSupport
import Testing

@testable import S3

/// The multipart family against moto: S3's real 5 MiB part minimum, a small minimum, listing and aborting.
@Suite(.timeLimit(.minutes(3)), .tags(.pythonPeers), .needsPythonPeers) struct S3MultipartTests {
    static let mebibyte = 1 << 20

    @Test func partsUnderFiveMebibytesAreRefusedClearly() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "multipart-min")
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: "out/small.bin")
            var parts: [S3CompletedPart] = []
            for number in 1...2 {
                let eTag = try await s3.uploadPart(
                    bucket: bucket,
                    key: "out/small.bin",
                    uploadId: uploadId,
                    partNumber: number,
                    body: S3Peers.bytes(Self.mebibyte, seed: UInt64(number))
                )
                parts.append(S3CompletedPart(partNumber: number, eTag: eTag))
            }
            let error = await #expect(throws: S3Error.self) {
                try await s3.completeMultipartUpload(
                    bucket: bucket,
                    key: "out/small.bin",
                    uploadId: uploadId,
                    parts: parts
                )
            }
            #expect(error?.code == .entityTooSmall)
            #expect(error?.attempts == 1)
            #expect(
                error?.description.hasPrefix(
                    "S3 CompleteMultipartUpload s3://\(bucket)/out/small.bin: EntityTooSmall: "
                ) == true
            )
            try await s3.abortMultipartUpload(bucket: bucket, key: "out/small.bin", uploadId: uploadId)
            #expect(try await s3.listMultipartUploads(bucket: bucket).isEmpty)
        }
    }

    @Test func fiveMebibytePartsAssembleIntoTheObject() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "multipart")
        let first = S3Peers.bytes(5 * Self.mebibyte, seed: 11)
        let last = S3Peers.bytes(12_345, seed: 12)
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: "big.bin", contentType: "x/parquet")
            let eTag1 = try await s3.uploadPart(
                bucket: bucket,
                key: "big.bin",
                uploadId: uploadId,
                partNumber: 1,
                body: first
            )
            let eTag2 = try await s3.uploadPart(
                bucket: bucket,
                key: "big.bin",
                uploadId: uploadId,
                partNumber: 2,
                body: last
            )
            let eTag = try await s3.completeMultipartUpload(
                bucket: bucket,
                key: "big.bin",
                uploadId: uploadId,
                parts: [S3CompletedPart(partNumber: 2, eTag: eTag2), S3CompletedPart(partNumber: 1, eTag: eTag1)]
            )
            #expect(eTag.hasSuffix("-2\""))
            let info = try await s3.headObject(bucket: bucket, key: "big.bin")
            #expect(info.size == first.count + last.count)
            #expect(info.contentType == "x/parquet")
            #expect(try await s3.getObject(bucket: bucket, key: "big.bin") == first + last)
            #expect(
                try await s3.getObject(
                    bucket: bucket,
                    key: "big.bin",
                    range: (5 * Self.mebibyte - 3)..<(5 * Self.mebibyte + 3)
                ) == Array(first.suffix(3)) + Array(last.prefix(3))
            )
        }
    }

    @Test func smallPartsWhenTheServerAllowsThem() async throws {
        let moto = try await S3Peers.smallPartMoto()
        let bucket = try S3Peers.bucket(moto, "small-parts")
        let pieces = (1...3).map { S3Peers.bytes(2048, seed: UInt64(20 + $0)) }
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: "parts.bin")
            var parts: [S3CompletedPart] = []
            for (index, piece) in pieces.enumerated() {
                let eTag = try await s3.uploadPart(
                    bucket: bucket,
                    key: "parts.bin",
                    uploadId: uploadId,
                    partNumber: index + 1,
                    body: piece
                )
                parts.append(S3CompletedPart(partNumber: index + 1, eTag: eTag))
            }
            let eTag = try await s3.completeMultipartUpload(
                bucket: bucket,
                key: "parts.bin",
                uploadId: uploadId,
                parts: parts
            )
            #expect(eTag.hasSuffix("-3\""))
            #expect(try await s3.getObject(bucket: bucket, key: "parts.bin") == pieces.flatMap { $0 })
        }
    }

    @Test func aCompletionWhoseAnswerIsLostIsRetried() async throws {
        let moto = try await S3Peers.smallPartMoto()
        let bucket = try S3Peers.bucket(moto, "lost-answer")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        defer { proxy.stop() }
        // Upload a part and complete: the completion reaches moto, but its answer never comes back.
        try proxy.script([
            .init(fault: .cut, method: "PUT", path: "partNumber=1"),
            .init(fault: .cut, method: "POST", path: "uploadId="),
        ])
        let piece = S3Peers.bytes(4096, seed: 30)
        try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
            let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: "once.bin")
            let eTag = try await s3.uploadPart(
                bucket: bucket,
                key: "once.bin",
                uploadId: uploadId,
                partNumber: 1,
                body: piece
            )
            let final = try await s3.completeMultipartUpload(
                bucket: bucket,
                key: "once.bin",
                uploadId: uploadId,
                parts: [S3CompletedPart(partNumber: 1, eTag: eTag)]
            )
            #expect(final.hasSuffix("-1\""))
            #expect(try await s3.getObject(bucket: bucket, key: "once.bin") == piece)
        }
        let summary = try proxy.requests().map { "\($0.method) \($0.fault?.rawValue ?? "-")" }
        #expect(summary == ["POST -", "PUT cut", "PUT -", "POST cut", "POST -", "GET -"])
    }

    @Test func listAndAbortIncompleteUploads() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "uploads")
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            var created: [String: String] = [:]
            for key in ["tmp/a.parquet", "tmp/b.parquet", "tmp/sub/c.parquet", "other/d.parquet"] {
                created[key] = try await s3.createMultipartUpload(bucket: bucket, key: key)
            }
            let listed = try await s3.listMultipartUploads(bucket: bucket, prefix: "tmp/")
            #expect(Set(listed.map(\.key)) == ["tmp/a.parquet", "tmp/b.parquet", "tmp/sub/c.parquet"])
            for upload in listed { #expect(created[upload.key] == upload.uploadId) }
            #expect(try await s3.listMultipartUploads(bucket: bucket).count == 4)
            for upload in listed {
                try await s3.abortMultipartUpload(bucket: bucket, key: upload.key, uploadId: upload.uploadId)
            }
            // Aborting twice is no error.
            try await s3.abortMultipartUpload(bucket: bucket, key: "tmp/a.parquet", uploadId: created["tmp/a.parquet"]!)
            #expect(try await s3.listMultipartUploads(bucket: bucket).map(\.key) == ["other/d.parquet"])
        }
    }
}
