import AWS
import Foundation
import TestSupport
import Testing

@testable import S3

/// Put, get, ranged get, head, copy and delete against moto's S3, and the errors they raise.
@Suite(.timeLimit(.minutes(3)), .tags(.pythonPeers), .needsPythonPeers) struct S3ObjectTests {
    @Test func putGetRangedGetAndHead() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "objects")
        let data = S3Peers.bytes(300_000, seed: 3)
        let before = Date().addingTimeInterval(-5)
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            let eTag = try await s3.putObject(bucket: bucket, key: "data/blob.bin", body: data, contentType: "x/test")
            #expect(eTag.hasPrefix("\"") && eTag.count == 34)
            #expect(try await s3.getObject(bucket: bucket, key: "data/blob.bin") == data)
            #expect(
                try await s3.getObject(bucket: bucket, key: "data/blob.bin", range: 1000..<1500)
                    == Array(data[1000..<1500])
            )
            // A range past the end gives what the object holds; an empty range gives nothing.
            #expect(
                try await s3.getObject(bucket: bucket, key: "data/blob.bin", range: 299_990..<400_000)
                    == Array(data[299_990...])
            )
            #expect(try await s3.getObject(bucket: bucket, key: "data/blob.bin", range: 7..<7) == [])
            let info = try await s3.headObject(bucket: bucket, key: "data/blob.bin")
            #expect(info.size == 300_000)
            #expect(info.eTag == eTag)
            #expect(info.contentType == "x/test")
            let modified = try #require(info.lastModified)
            #expect(modified > before && modified < Date().addingTimeInterval(5))
            // With the right ETag pinned the read works; with another it is refused.
            #expect(
                try await s3.getObject(bucket: bucket, key: "data/blob.bin", range: 0..<4, ifMatch: eTag)
                    == Array(data[0..<4])
            )
            let error = await #expect(throws: S3Error.self) {
                try await s3.getObject(bucket: bucket, key: "data/blob.bin", ifMatch: "\"0123\"")
            }
            #expect(error?.code == .preconditionFailed)
            #expect(error?.httpStatus == 412)
        }
    }

    @Test func emptyObjectsAndKeysThatNeedEncoding() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "keys")
        let keys = ["a b+c%d=é/ü.txt", "x/y/../z", "sp ace", "q?a&b#c", "tilde~_-.", "emoji-🦆"]
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            for (index, key) in keys.enumerated() {
                try await s3.putObject(bucket: bucket, key: key, body: Array("value \(index)".utf8))
            }
            for (index, key) in keys.enumerated() {
                #expect(try await s3.getObject(bucket: bucket, key: key) == Array("value \(index)".utf8))
            }
            let listed = try await s3.listAllObjects(bucket: bucket).map(\.key)
            #expect(listed == keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            try await s3.putObject(bucket: bucket, key: "empty", body: [])
            #expect(try await s3.getObject(bucket: bucket, key: "empty") == [])
            #expect(try await s3.headObject(bucket: bucket, key: "empty").size == 0)
        }
    }

    @Test func copyAndDelete() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "copy")
        let other = try S3Peers.bucket(moto, "copy-target")
        let data = S3Peers.bytes(10_000, seed: 4)
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            let eTag = try await s3.putObject(bucket: bucket, key: "src/a file.bin", body: data)
            let copied = try await s3.copyObject(
                bucket: other,
                key: "dst/copy.bin",
                sourceBucket: bucket,
                sourceKey: "src/a file.bin"
            )
            #expect(copied == eTag)
            #expect(try await s3.getObject(bucket: other, key: "dst/copy.bin") == data)

            try await s3.deleteObject(bucket: bucket, key: "src/a file.bin")
            let error = await #expect(throws: S3Error.self) {
                try await s3.headObject(bucket: bucket, key: "src/a file.bin")
            }
            #expect(error?.code == .noSuchKey)
            // Deleting what is not there is no error, as in S3.
            try await s3.deleteObject(bucket: bucket, key: "src/a file.bin")
        }
    }

    @Test func missingKeyAndBucketAreNamedInOneLine() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "errors")
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            let missingKey = await #expect(throws: S3Error.self) {
                try await s3.getObject(bucket: bucket, key: "no/such.csv")
            }
            #expect(missingKey?.code == .noSuchKey)
            #expect(missingKey?.httpStatus == 404)
            #expect(missingKey?.attempts == 1)
            #expect(
                missingKey?.description
                    == "S3 GetObject s3://\(bucket)/no/such.csv: NoSuchKey: The specified key does not exist."
            )

            let head = await #expect(throws: S3Error.self) { try await s3.headObject(bucket: bucket, key: "nothing") }
            #expect(head?.code == .noSuchKey)
            #expect(
                head?.description
                    == "S3 HeadObject s3://\(bucket)/nothing: NoSuchKey: The specified key does not exist."
            )

            let missingBucket = await #expect(throws: S3Error.self) {
                try await s3.getObject(bucket: "no-such-bucket-sluice", key: "k")
            }
            #expect(missingBucket?.code == .noSuchBucket)
            #expect(
                missingBucket?.description.hasPrefix("S3 GetObject s3://no-such-bucket-sluice/k: NoSuchBucket: ")
                    == true
            )

            let listing = await #expect(throws: S3Error.self) {
                try await s3.listObjectsV2(bucket: "no-such-bucket-sluice")
            }
            #expect(listing?.code == .noSuchBucket)
            #expect(
                listing?.description.hasPrefix("S3 ListObjectsV2 s3://no-such-bucket-sluice: NoSuchBucket: ") == true
            )

            let put = await #expect(throws: S3Error.self) {
                try await s3.putObject(bucket: "no-such-bucket-sluice", key: "k", body: [1])
            }
            #expect(put?.code == .noSuchBucket)
        }
    }

    @Test func signaturesAreVerifiedByMoto() async throws {
        // moto checks every SigV4 signature here: payload hashes, encoded keys and queries must all be right.
        let moto = try await MotoS3Server.start(verifySignatures: true, lifetime: 300)
        defer { moto.stop() }
        let bucket = try S3Peers.bucket(moto, "signed")
        let data = S3Peers.bytes(70_000, seed: 5)
        try await S3Peers.withClient(endpoint: moto.endpoint, credentials: moto.credentials) { s3 in
            let key = "dir with space/a+b=c&d é.bin"
            try await s3.putObject(bucket: bucket, key: key, body: data)
            #expect(try await s3.getObject(bucket: bucket, key: key, range: 5..<70) == Array(data[5..<70]))
            #expect(try await s3.headObject(bucket: bucket, key: key).size == data.count)
            let page = try await s3.listObjectsV2(
                bucket: bucket,
                prefix: "dir with space/",
                delimiter: "/",
                maxKeys: 10
            )
            #expect(page.objects.map(\.key) == [key])
            let upload = try await s3.createMultipartUpload(bucket: bucket, key: "multi part")
            #expect(try await s3.listMultipartUploads(bucket: bucket, prefix: "multi").map(\.uploadId) == [upload])
            try await s3.abortMultipartUpload(bucket: bucket, key: "multi part", uploadId: upload)
            try await s3.copyObject(bucket: bucket, key: "copy", sourceBucket: bucket, sourceKey: key)
            try await s3.deleteObjects(bucket: bucket, keys: [key, "copy"])
            #expect(try await s3.listAllObjects(bucket: bucket).isEmpty)
        }
        // A wrong secret is refused, and the secret appears nowhere in the error.
        try await S3Peers.withClient(endpoint: moto.endpoint, credentials: (moto.credentials.keyId, "WRONG-secret-xyz"))
        { s3 in
            let error = await #expect(throws: S3Error.self) { try await s3.getObject(bucket: bucket, key: "any") }
            #expect(error?.code == .signatureDoesNotMatch)
            #expect(error?.httpStatus == 403)
            #expect(error.map { "\($0)" }?.contains("WRONG-secret-xyz") == false)
            #expect(error.map { "\($0)" }?.contains(moto.credentials.secret) == false)
        }
    }
}
