import AWS
import Foundation
import TestSupport
import Testing

@testable import S3

/// ListObjectsV2 pages, prefixes and delimiters, and DeleteObjects in batches, against moto.
@Suite(.timeLimit(.minutes(5)), .tags(.pythonPeers), .needsPythonPeers) struct S3ListingTests {
    @Test func pagesOfTwoOverFiveKeys() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "listing")
        let keys = ["sales/1.csv", "sales/2.csv", "sales/3.csv", "sales/4.csv", "sales/5.csv"]
        try await S3Peers.withClient(endpoint: moto.endpoint) { s3 in
            for (index, key) in keys.enumerated() {
                try await s3.putObject(bucket: bucket, key: key, body: S3Peers.bytes(10 + index))
            }
            try await s3.putObject(bucket: bucket, key: "sales/sub/6.csv", body: [1])
            try await s3.putObject(bucket: bucket, key: "salesman.csv", body: [2])

            var pages: [[String]] = []
            var token: String?
            repeat {
                let page = try await s3.listObjectsV2(
                    bucket: bucket,
                    prefix: "sales/",
                    delimiter: "/",
                    continuationToken: token,
                    maxKeys: 2
                )
                pages.append(page.objects.map(\.key) + page.commonPrefixes)
                #expect(page.isTruncated == (page.nextContinuationToken != nil))
                token = page.nextContinuationToken
            } while token != nil && pages.count < 10
            #expect(pages.flatMap { $0 } == keys + ["sales/sub/"])
            #expect(pages.count == 3)

            let all = try await s3.listAllObjects(bucket: bucket, prefix: "sales/", maxKeys: 2)
            #expect(all.map(\.key) == keys + ["sales/sub/6.csv"])
            #expect(all.map(\.size) == [10, 11, 12, 13, 14, 1])
            #expect(all.allSatisfy { $0.eTag.hasPrefix("\"") && $0.lastModified != nil })

            let after = try await s3.listObjectsV2(bucket: bucket, prefix: "sales/", startAfter: "sales/3.csv")
            #expect(after.objects.map(\.key) == ["sales/4.csv", "sales/5.csv", "sales/sub/6.csv"])
            #expect(!after.isTruncated)
            let empty = try await s3.listObjectsV2(bucket: bucket, prefix: "nothing/")
            #expect(empty.objects.isEmpty && empty.commonPrefixes.isEmpty && !empty.isTruncated)
        }
    }

    @Test func deleteObjectsInBatchesOfAThousand() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "delete")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        defer { proxy.stop() }
        let keys = (0..<1005).map { String(format: "run/part-%04d.parquet", $0) }
        try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for slice in stride(from: 0, to: keys.count, by: 100) {
                    group.addTask {
                        for key in keys[slice..<min(slice + 100, keys.count)] {
                            try await s3.putObject(bucket: bucket, key: key, body: Array(key.utf8))
                        }
                    }
                }
                try await group.waitForAll()
            }
            try await s3.putObject(bucket: bucket, key: "keep/_SUCCESS", body: [])
            #expect(try await s3.listAllObjects(bucket: bucket, prefix: "run/").count == 1005)
            try proxy.reset()
            try await s3.deleteObjects(bucket: bucket, keys: keys)
            let deletes = try proxy.requests().filter { $0.method == "POST" && $0.path.contains("delete") }
            #expect(deletes.count == 2)
            #expect(deletes.allSatisfy { $0.status == 200 })
            #expect(try await s3.listAllObjects(bucket: bucket).map(\.key) == ["keep/_SUCCESS"])
            // No keys: no request.
            try await s3.deleteObjects(bucket: bucket, keys: [])
        }
    }
}
