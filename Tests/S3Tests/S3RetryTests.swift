import AWS
import Foundation
import TestSupport
import Testing

@testable import S3

/// Retries and resumed reads through the fault proxy in front of moto.
@Suite(.timeLimit(.minutes(5)), .tags(.pythonPeers), .needsPythonPeers) struct S3RetryTests {
    /// The first offset of a `Range: bytes=a-[b]` header; 0 without one.
    static func rangeStart(_ header: String?) -> Int {
        guard let header, header.hasPrefix("bytes="), let dash = header.firstIndex(of: "-") else { return 0 }
        return Int(header[header.index(header.startIndex, offsetBy: 6)..<dash]) ?? -1
    }

    @Test func slowDownServerErrorsAndResetsAreRetriedOnEveryCall() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "retries")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        defer { proxy.stop() }
        try proxy.script([
            .init(fault: .slowdown, method: "PUT", times: 2),
            .init(fault: .error500, method: "GET", path: "list-type=2"),
            .init(fault: .error502, method: "HEAD"),
            .init(fault: .reset, method: "POST", path: "delete"),
            .init(fault: .slowdown, method: "GET", path: "uploads"),
        ])
        try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
            try await s3.putObject(bucket: bucket, key: "a.txt", body: Array("hello".utf8))
            #expect(try await s3.listAllObjects(bucket: bucket).map(\.key) == ["a.txt"])
            #expect(try await s3.headObject(bucket: bucket, key: "a.txt").size == 5)
            #expect(try await s3.listMultipartUploads(bucket: bucket).isEmpty)
            try await s3.deleteObjects(bucket: bucket, keys: ["a.txt"])
        }
        let log = try proxy.requests()
        let summary = log.map { "\($0.method) \($0.fault?.rawValue ?? "-") \($0.status.map(String.init) ?? "none")" }
        #expect(
            summary == [
                "PUT slowdown 503", "PUT slowdown 503", "PUT - 200",
                "GET error500 500", "GET - 200",
                "HEAD error502 502", "HEAD - 200",
                "GET slowdown 503", "GET - 200",
                "POST reset none", "POST - 200",
            ]
        )
        #expect(
            try await S3Peers.withClient(endpoint: moto.endpoint) { try await $0.listAllObjects(bucket: bucket) }
                .isEmpty
        )
    }

    @Test func persistentSlowDownStopsAfterTheAttemptLimitAndSaysSo() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "slowdown")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        defer { proxy.stop() }
        try proxy.script([.init(fault: .slowdown, times: 100)])
        let error = await #expect(throws: S3Error.self) {
            try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
                try await s3.listObjectsV2(bucket: bucket, prefix: "x/")
            }
        }
        #expect(error?.code == .slowDown)
        #expect(error?.attempts == S3Peers.fastRetries.maxAttempts)
        #expect(
            error?.description
                == "S3 ListObjectsV2 s3://\(bucket): SlowDown: Please reduce your request rate. (after 4 attempts)"
        )
        #expect(try proxy.requests().count == 4)
    }

    @Test func aCutBodyResumesFromTheByteWhereItBrokeWithTheETagPinned() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "resume")
        let data = S3Peers.bytes(2_000_000, seed: 8)
        let eTag = try await S3Peers.withClient(endpoint: moto.endpoint) {
            try await $0.putObject(bucket: bucket, key: "big.bin", body: data)
        }
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        defer { proxy.stop() }
        try proxy.script([
            .init(fault: .cut, method: "GET", path: "big.bin", after: 700_000),
            .init(fault: .cut, method: "GET", path: "big.bin", after: 300_001),
        ])
        try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
            let whole = try await s3.getObject(bucket: bucket, key: "big.bin")
            #expect(whole == data)
        }
        let gets = try proxy.requests()
        // Each resumed GET starts after what the client kept of the one before (at most what was sent: the HTTP
        // client may drop the last chunks it held when the connection breaks), pinned to the first ETag, and the
        // last one carries the rest.
        #expect(gets.count == 3)
        #expect(gets.map(\.ifMatch) == [nil, eTag, eTag])
        #expect(gets.map(\.bytesSent).prefix(2) == [700_000, 300_001])
        let starts = gets.map { Self.rangeStart($0.range) }
        #expect(starts[0] == 0)
        #expect(starts[1] > 0 && starts[1] <= 700_000)
        #expect(starts[2] > starts[1] && starts[2] <= starts[1] + 300_001)
        #expect(gets[1].range == "bytes=\(starts[1])-" && gets[2].range == "bytes=\(starts[2])-")
        #expect(gets[2].bytesSent == data.count - starts[2])
        #expect(eTag.count == 34)

        // A ranged read resumes inside its range.
        try proxy.reset()
        try proxy.script([.init(fault: .cut, method: "GET", path: "big.bin", after: 1000)])
        try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
            let part = try await s3.getObject(bucket: bucket, key: "big.bin", range: 100..<1_500_000)
            #expect(part == Array(data[100..<1_500_000]))
        }
        let ranged = try proxy.requests().map(\.range)
        #expect(ranged.count == 2 && ranged.first == "bytes=100-1499999")
        let resumedAt = Self.rangeStart(ranged.last ?? nil)
        #expect(resumedAt > 100 && resumedAt <= 1100)
        #expect(ranged.last == "bytes=\(resumedAt)-1499999")
    }

    @Test func anObjectReplacedDuringAResumedReadIsAClearError() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "changed")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        defer { proxy.stop() }
        try await S3Peers.withClient(endpoint: moto.endpoint) { direct in
            try await direct.putObject(bucket: bucket, key: "data.csv", body: S3Peers.bytes(100_000, seed: 1))
            // The first GET is cut; the resumed one is held in the proxy before it is forwarded, while the object
            // is replaced.
            try proxy.script([
                .init(fault: .cut, method: "GET", path: "data.csv", after: 5000),
                .init(fault: .hold, method: "GET", path: "data.csv", delay: 3),
            ])
            let read = Task {
                try await S3Peers.withClient(endpoint: proxy.endpoint) { s3 in
                    try await s3.getObject(bucket: bucket, key: "data.csv")
                }
            }
            var cut = false
            let deadline = Date().addingTimeInterval(20)
            while !cut, Date() < deadline {
                cut = try await offPool { try proxy.requests().contains { $0.fault == .cut } }
                if !cut { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(cut)
            try await direct.putObject(bucket: bucket, key: "data.csv", body: S3Peers.bytes(100_000, seed: 2))
            let error = await #expect(throws: S3Error.self) { try await read.value }
            #expect(error?.code == .objectChanged)
            #expect(error?.httpStatus == 412)
            #expect(
                error?.description.contains(
                    "s3://\(bucket)/data.csv: ObjectChanged: the object changed while it was being read"
                ) == true
            )
        }
    }

    @Test func randomFaultsOnTenPercentOfRequestsLeaveTheBytesIdentical() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "chaos")
        let objects = (0..<12).map { S3Peers.bytes(150_000 + $0 * 7_919, seed: UInt64(100 + $0)) }
        let proxy = try await FaultProxy.start(
            upstream: moto.endpoint,
            rate: 0.1,
            seed: 7,
            faults: [.slowdown, .error500, .cut, .reset]
        )
        defer { proxy.stop() }
        let patient = RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))
        try await S3Peers.withClient(endpoint: proxy.endpoint, retryPolicy: patient) { s3 in
            for (index, object) in objects.enumerated() {
                try await s3.putObject(bucket: bucket, key: "obj-\(index)", body: object)
            }
            for round in 0..<3 {
                for (index, object) in objects.enumerated() {
                    let back = try await s3.getObject(bucket: bucket, key: "obj-\(index)")
                    #expect(back == object, "round \(round), object \(index)")
                    let slice = (index * 1000)..<(index * 1000 + 50_000)
                    #expect(
                        try await s3.getObject(bucket: bucket, key: "obj-\(index)", range: slice)
                            == Array(object[slice])
                    )
                }
            }
            #expect(try await s3.listAllObjects(bucket: bucket, maxKeys: 5).count == objects.count)
        }
        let log = try proxy.requests()
        #expect(log.contains { $0.fault == .cut && $0.method == "GET" && $0.bytesSent > 0 })
        #expect(log.filter { $0.fault != nil }.count >= 5)
    }
}
