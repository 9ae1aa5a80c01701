import AWS
import Foundation
import Storage
import TestSupport
import Testing

@testable import S3

/// The byte sources and the sink over S3, against moto's server (through the fault proxy where the requests are
/// counted or faults injected).
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct S3StorageAdapterTests {
    /// Writes `bytes` to `sink` in pieces of varying sizes (1 byte to 1 MiB), as the writers do.
    static func write(_ bytes: [UInt8], to sink: any ByteSink) throws {
        var offset = 0
        var step = 1
        while offset < bytes.count {
            let n = min(step, bytes.count - offset)
            try bytes[offset..<offset + n].withUnsafeBytes { try sink.write($0) }
            offset += n
            step = step >= 1 << 20 ? 7 : step * 3 + 1
        }
    }

    /// Everything `source` has, read in steps of varying sizes.
    static func readAll(_ source: any SequentialByteSource, capacity: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: capacity)
        var filled = 0
        var step = 1000
        while true {
            let n = try out.withUnsafeMutableBytes { buffer in
                try source.read(into: buffer.baseAddress! + filled, count: min(step, buffer.count - filled))
            }
            if n == 0 { break }
            filled += n
            step = step * 2 % 3_000_000 + 1
        }
        return Array(out[0..<filled])
    }

    static func object(_ client: S3Client, _ bucket: String, _ key: String) async throws -> [UInt8] {
        try await client.getObject(bucket: bucket, key: key)
    }

    @Test func anObjectSmallerThanAPartIsOnePutObject() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "sink-small")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        let data = S3Peers.bytes(100_000, seed: 3)
        try await S3Peers.withClient(endpoint: proxy.endpoint) { client in
            let sink = S3ByteSink(client: client, location: S3Location(bucket: bucket, key: "small.bin"))
            try await offPool {
                try Self.write(data, to: sink)
                try sink.close()
            }
            #expect(try await Self.object(client, bucket, "small.bin") == data)
        }
        let writes = try proxy.requests().filter { $0.method != "GET" }
        #expect(writes.map(\.method) == ["PUT"])
        #expect(!(writes.first?.path.contains("uploadId") ?? true))
    }

    @Test func partsOfTheRealMinimumStreamAsAMultipartUpload() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "sink-multipart")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        let data = S3Peers.bytes(2 * S3ByteSink.minimumPartSize + 12_345, seed: 4)
        try await S3Peers.withClient(endpoint: proxy.endpoint) { client in
            let sink = S3ByteSink(
                client: client,
                location: S3Location(bucket: bucket, key: "big.bin"),
                partSize: S3ByteSink.minimumPartSize
            )
            try await offPool {
                try Self.write(data, to: sink)
                try sink.close()
            }
            #expect(try await Self.object(client, bucket, "big.bin") == data)
            #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
        }
        let log = try proxy.requests()
        #expect(
            log.filter { $0.method == "POST" && $0.path.contains("uploads") && !$0.path.contains("uploadId") }.count
                == 1
        )
        #expect(log.filter { $0.method == "PUT" && $0.path.contains("partNumber") }.count == 3)
        #expect(log.filter { $0.method == "POST" && $0.path.contains("uploadId") }.count == 1)
    }

    @Test func manySmallPartsWithFewInFlight() async throws {
        let moto = try await S3Peers.smallPartMoto()
        let bucket = try S3Peers.bucket(moto, "sink-small-parts")
        let data = S3Peers.bytes(300_001, seed: 5)
        try await S3Peers.withClient(endpoint: moto.endpoint) { client in
            let sink = S3ByteSink(
                client: client,
                location: S3Location(bucket: bucket, key: "parts.bin"),
                partSize: 4096,
                maxInFlight: 2
            )
            try await offPool {
                try Self.write(data, to: sink)
                try sink.close()
            }
            #expect(sink.bytesWritten == data.count)
            #expect(try await Self.object(client, bucket, "parts.bin") == data)
        }
    }

    @Test func anAbortedUploadLeavesNoObjectAndNoUpload() async throws {
        let moto = try await S3Peers.smallPartMoto()
        let bucket = try S3Peers.bucket(moto, "sink-abort")
        try await S3Peers.withClient(endpoint: moto.endpoint) { client in
            let sink = S3ByteSink(
                client: client,
                location: S3Location(bucket: bucket, key: "aborted.bin"),
                partSize: 2048
            )
            try await offPool {
                try Self.write(S3Peers.bytes(10_000, seed: 6), to: sink)
                sink.abort()
            }
            #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
            await #expect(throws: S3Error.self) { try await client.headObject(bucket: bucket, key: "aborted.bin") }
        }
    }

    @Test func aPartThatKeepsFailingFailsTheCloseAndAbortsTheUpload() async throws {
        let moto = try await S3Peers.smallPartMoto()
        let bucket = try S3Peers.bucket(moto, "sink-fail")
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        try proxy.script([.init(fault: .error500, method: "PUT", pathRegex: "partNumber=2(&|$)", times: 100)])
        try await S3Peers.withClient(endpoint: proxy.endpoint) { client in
            let sink = S3ByteSink(
                client: client,
                location: S3Location(bucket: bucket, key: "failed.bin"),
                partSize: 2048
            )
            let error = await #expect(throws: S3Error.self) {
                try await offPool {
                    try Self.write(S3Peers.bytes(9000, seed: 7), to: sink)
                    try sink.close()
                }
            }
            let failure = try #require(error)
            let text = failure.description
            #expect(failure.operation == "UploadPart")
            #expect(text.contains("s3://\(bucket)/failed.bin"))
            #expect(try await client.listMultipartUploads(bucket: bucket).isEmpty)
            await #expect(throws: S3Error.self) { try await client.headObject(bucket: bucket, key: "failed.bin") }
        }
    }

    @Test func announcedRangesAreCoalescedIntoFewGetsAndReleasedWhenRead() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "source-ranges")
        let data = S3Peers.bytes(6 << 20, seed: 8)
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        try await S3Peers.withClient(endpoint: proxy.endpoint) { client in
            try await client.putObject(bucket: bucket, key: "file.bin", body: data)
            try proxy.reset()
            let source = try await offPool {
                try S3ByteSource.open(client: client, location: S3Location(bucket: bucket, key: "file.bin"))
            }
            #expect(source.size == data.count)
            // Three ranges less than 1 MiB apart are one GET; one 4 MiB further on is another.
            let ranges = [100..<5000, 300_000..<400_000, 1_000_000..<1_100_000, 5_500_000..<5_600_000]
            source.willRead(ranges)
            for range in ranges.reversed() {
                let bytes = try await offPool { try source.read(at: range.lowerBound, count: range.count) }
                #expect(bytes == Array(data[range]))
            }
            #expect(source.heldPieces == 0)
            // A read nothing announced is a ranged GET of its own.
            let tail = try await offPool { try source.read(at: data.count - 10, count: 10) }
            #expect(tail == Array(data.suffix(10)))
        }
        let log = try proxy.requests()
        #expect(log.filter { $0.method == "HEAD" }.count == 1)
        let gets = log.filter { $0.method == "GET" }
        #expect(gets.count == 3)
        #expect(gets.allSatisfy { $0.ifMatch != nil })
        let fetched = gets.map(\.bytesSent).reduce(0, +)
        let announced = 1_100_000 - 100 + 100_000
        #expect(fetched == announced + 10)
    }

    @Test func aLongSpanIsCutIntoPiecesAndReadAcrossThem() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "source-pieces")
        let data = S3Peers.bytes(3 << 20, seed: 9)
        try await S3Peers.withClient(endpoint: moto.endpoint) { client in
            try await client.putObject(bucket: bucket, key: "file.bin", body: data)
            let source = S3ByteSource(
                client: client,
                location: S3Location(bucket: bucket, key: "file.bin"),
                size: data.count,
                eTag: nil,
                options: .init(coalesceGap: 0, pieceSize: 1 << 20)
            )
            source.willRead([10..<(3 << 20) - 10])
            #expect(source.heldPieces == 3)
            let bytes = try await offPool { try source.read(at: 10, count: (3 << 20) - 20) }
            #expect(bytes == Array(data[10..<(3 << 20) - 10]))
            #expect(source.heldPieces == 0)
        }
    }

    @Test func theSequentialSourceReadsAWholeObjectThroughFaults() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "source-sequential")
        let data = S3Peers.bytes(5 << 20 + 333, seed: 10)
        let faults: [FaultProxy.Fault] = [.slowdown, .error500, .cut, .reset]
        let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0.4, seed: 11, faults: faults)
        _ = try await S3Peers.withClient(endpoint: moto.endpoint) { client in
            try await client.putObject(bucket: bucket, key: "file.csv", body: data)
        }
        let patient = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))
        try await S3Peers.withClient(endpoint: proxy.endpoint, retryPolicy: patient) { client in
            let source = S3SequentialSource(
                client: client,
                location: S3Location(bucket: bucket, key: "file.csv"),
                size: data.count,
                eTag: nil,
                blockSize: 256 << 10,
                readAhead: 3
            )
            let read = try await offPool { try Self.readAll(source, capacity: data.count + 10) }
            #expect(read == data)
        }
        let faulted = try proxy.requests().filter { $0.fault != nil }
        #expect(!faulted.isEmpty)
    }
    @Test func theSequentialSourceStreamsAnObjectAsOneGetWithABoundedQueue() async throws {
        let moto = try await S3Peers.moto()
        let bucket = try S3Peers.bucket(moto, "source-streamed")
        let data = S3Peers.bytes(6 << 20 + 17, seed: 12)
        let proxy = try await FaultProxy.start(upstream: moto.endpoint)
        _ = try await S3Peers.withClient(endpoint: moto.endpoint) { client in
            try await client.putObject(bucket: bucket, key: "big.csv", body: data)
        }
        try await S3Peers.withClient(endpoint: proxy.endpoint) { client in
            // The whole object is one block; the reader takes it in small steps through a 64 KiB queue.
            let source = S3SequentialSource(
                client: client,
                location: S3Location(bucket: bucket, key: "big.csv"),
                size: data.count,
                eTag: nil,
                bufferLimit: 64 << 10
            )
            let read = try await offPool { try Self.readAll(source, capacity: data.count + 10) }
            #expect(read == data)
        }
        let gets = try proxy.requests().filter { $0.method == "GET" }
        #expect(gets.count == 1)
        #expect(gets.map(\.bytesSent).reduce(0, +) == data.count)
    }
}
