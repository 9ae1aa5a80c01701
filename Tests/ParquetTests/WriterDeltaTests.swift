import Columnar
import Foundation
import TestSupport
import Testing

@testable import Parquet

/// DELTA_BINARY_PACKED in the writer: the encoder against the decoder on edge counts and wrapping deltas, and the
/// writer choosing it for the pages of sorted integers (never for unordered ones), read back by every peer.
@Suite("Writer delta encoding", .tags(.pythonPeers), .needsPythonPeers)
struct WriterDeltaTests {
    static let counts = [0, 1, 2, 31, 32, 33, 127, 128, 129, 160, 1_000, 4_097, 8_200]

    static func patterns<T: FixedWidthInteger & SignedInteger>(_ count: Int, as _: T.Type) -> [String: [T]] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func random() -> T {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return T(truncatingIfNeeded: state)
        }
        return [
            "consecutive": (0..<count).map { T(truncatingIfNeeded: 20_000 + $0) },
            "constant": Array(repeating: T(-7), count: count),
            "descending steps": (0..<count).map { T(truncatingIfNeeded: 1_000_000 - $0 * ($0 % 5)) },
            "random": (0..<count).map { _ in random() },
            // Each miniblock of 32 values at its own width, 1 to 64 bits and round again.
            "every width": (0..<count).map { i in
                let bits = (i / 32) % (MemoryLayout<T>.size * 8) + 1
                return random() & T(truncatingIfNeeded: (UInt64(1) << UInt64(bits)) &- 1)
            },
            // Deltas that overflow the type: they must wrap, as readers add them back with wrapping.
            "extremes": (0..<count).map { $0 % 3 == 0 ? T.min : ($0 % 3 == 1 ? T.max : 0) },
        ]
    }

    static func roundTrip<T: FixedWidthInteger & SignedInteger>(_ values: [T]) throws -> [T] {
        var plain: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.littleEndian) { plain.append(contentsOf: $0) } }
        var encoded: [UInt8] = []
        plain.withUnsafeBytes { DeltaBinaryPackedEncoder.encode(plain: $0, as: T.self, into: &encoded) }
        let (decoded, consumed) = try encoded.withUnsafeBytes {
            try DeltaBinaryPackedDecoder.decode(
                $0,
                count: values.count,
                maximumBitWidth: MemoryLayout<T>.size * 8,
                exactCount: true
            )
        }
        #expect(consumed == encoded.count, "the decoder reads exactly what was written")
        return decoded.map { T(truncatingIfNeeded: $0) }
    }

    @Test("INT32 values survive the encoder and decoder", arguments: counts)
    func int32RoundTrip(count: Int) throws {
        for (name, values) in Self.patterns(count, as: Int32.self) {
            #expect(try Self.roundTrip(values) == values, "\(name), \(count) values")
        }
    }

    @Test("INT64 values survive the encoder and decoder", arguments: counts)
    func int64RoundTrip(count: Int) throws {
        for (name, values) in Self.patterns(count, as: Int64.self) {
            #expect(try Self.roundTrip(values) == values, "\(name), \(count) values")
        }
    }

    @Test("consecutive values take no bits at all; the sample sees unordered values as wide")
    func sizes() throws {
        var plain: [UInt8] = []
        for value in 0..<Int32(10_000) {
            withUnsafeBytes(of: (value + 5).littleEndian) { plain.append(contentsOf: $0) }
        }
        var encoded: [UInt8] = []
        plain.withUnsafeBytes { DeltaBinaryPackedEncoder.encode(plain: $0, as: Int32.self, into: &encoded) }
        // Header, then per block of 128 a one-byte minimum delta and four zero widths.
        #expect(encoded.count < 10_000 / 128 * 5 + 16)
        #expect(plain.withUnsafeBytes { DeltaBinaryPackedEncoder.sampledBitWidth(plain: $0, as: Int32.self) } == 0)
        let random = Self.patterns(1_000, as: Int64.self)["random"]!
        var wide: [UInt8] = []
        for value in random { withUnsafeBytes(of: value.littleEndian) { wide.append(contentsOf: $0) } }
        #expect(wide.withUnsafeBytes { DeltaBinaryPackedEncoder.sampledBitWidth(plain: $0, as: Int64.self) } >= 60)
    }

    static func batch(rows: Int) -> RecordBatch {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let schema = Schema([
            Field("date", .date, isNullable: false),
            Field("id", .int64, isNullable: false),
            Field("noise", .int64, isNullable: false),
            Field("counter", .int32),
        ])
        var id: Int64 = -5_000_000
        let ids = (0..<rows).map { _ -> Int64 in
            id += Int64(random() % 9)
            return id
        }
        return RecordBatch(
            schema: schema,
            columns: [
                Column(type: .date, values: .int32((0..<rows).map { Int32(-200_000 + $0) })),
                Column(type: .int64, values: .int64(ids)),
                Column(type: .int64, values: .int64((0..<rows).map { _ in Int64(bitPattern: random() << 11) })),
                Column(
                    type: .int32,
                    values: .int32((0..<rows).map { Int32($0 * 3) }),
                    validity: (0..<rows).map { $0 % 11 != 4 }
                ),
            ]
        )
    }

    @Test("sorted integer columns are written DELTA_BINARY_PACKED once their dictionary is abandoned; peers read them")
    func writerChoosesDelta() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer-delta")
        defer { try? FileManager.default.removeItem(at: directory) }
        let batch = Self.batch(rows: 120_000)
        var options = ParquetWriteOptions(compression: .snappy)
        options.dictionaryPageSizeLimit = 64 << 10
        let path = directory.appendingPathComponent("delta.parquet").path
        let footer = try WriterInteropTests.write([batch], schema: batch.schema, to: path, options: options)
        var plainOptions = options
        plainOptions.deltaEncoding = false
        let plainPath = directory.appendingPathComponent("plain.parquet").path
        _ = try WriterInteropTests.write([batch], schema: batch.schema, to: plainPath, options: plainOptions)

        let chunks = footer.rowGroups[0].columns.map { $0.metaData! }
        func dataPages(_ chunk: ColumnMetaData, _ encoding: Encoding) -> Int32 {
            chunk.encodingStats!.filter { $0.pageType == .dataPage && $0.encoding == encoding }.reduce(0) {
                $0 + $1.count
            }
        }
        for c in [0, 1, 3] {
            #expect(dataPages(chunks[c], .deltaBinaryPacked) > 0, "\(batch.schema.names[c]): delta pages")
            #expect(dataPages(chunks[c], .plain) == 0, "\(batch.schema.names[c]): no PLAIN page")
            #expect(chunks[c].encodings.contains(.deltaBinaryPacked))
        }
        #expect(dataPages(chunks[2], .deltaBinaryPacked) == 0, "unordered values stay PLAIN")
        #expect(dataPages(chunks[2], .plain) > 0)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let plainSize = try FileManager.default.attributesOfItem(atPath: plainPath)[.size] as! Int
        #expect(size * 10 < plainSize * 8, "delta: \(size) bytes, PLAIN: \(plainSize) bytes")

        let reader = try ParquetReader(path: path)
        var row = 0
        for result in reader.batches() {
            let read = try result.get()
            for r in 0..<read.count where read.row(r) != batch.row(row + r) {
                Issue.record("row \(row + r): \(read.row(r)) != \(batch.row(row + r))")
                break
            }
            row += read.count
        }
        #expect(row == batch.count)
        let results = try WriterPeers.read([
            WriterPeers.Job(
                path: path,
                kinds: batch.schema.fields.map { WriterPeers.kind(of: $0.type) },
                readers: WriterPeers.readers
            )
        ])
        WriterInteropTests.expectEqual(results[path] ?? [:], [batch], schema: batch.schema, label: "delta")
    }
}
