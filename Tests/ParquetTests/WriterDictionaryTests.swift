import Columnar
import Foundation
import Parquet
import TestSupport
import Testing

/// The dictionary encoder's lookup structures (a direct table that grows both ways and widens its slots, an
/// open-addressing hash table, the fallback to PLAIN), checked through pyarrow reading the values back.
@Suite("Writer dictionaries", .tags(.pythonPeers), .needsPythonPeers)
struct WriterDictionaryTests {
    static let rows = 200_000

    /// Columns that each drive one path of the fixed-width dictionary, plus statistics checks.
    static func batch() -> RecordBatch {
        var state: UInt64 = 0x9E37_79B9
        func random() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let n = rows
        // 70,000 distinct values in a range of 210,000: the direct table passes 65,535 entries (wider slots).
        let widening = (0..<n).map { (i: Int) -> Int64 in Int64(i % 70_000) * 3 - 100_000 }
        // Alternating signs: the range grows below and above; int32 keys are sign-extended.
        let bothWays = (0..<n).map { (i: Int) -> Int32 in Int32(i / 2) * (i % 2 == 0 ? 1 : -1) }
        // 5,000 distinct values spread over the whole 64-bit range, shuffled: the hash table.
        let keys = (0..<5_000).map { _ in Int64(bitPattern: random() << 11 | random() & 0x7FF) }
        let hashed = (0..<n).map { _ in keys[Int(random() % 5_000)] }
        // Distinct wide values: the hash table grows, then the dictionary outgrows 1 MiB and falls back to PLAIN.
        let fallback = (0..<n).map { _ in Int64(bitPattern: random() << 11) }
        // Doubles by bit pattern: -0.0 and 0.0 stay distinct, NaN is kept out of the bounds.
        let doubles = (0..<n).map { i -> Double in
            switch i % 1_000 {
            case 0: .nan
            case 1: -0.0
            case 2: 0.0
            default: Double(i % 3_000) * 0.25 - 100
            }
        }
        // A nullable counter with a null every 7th row.
        let sparse = (0..<n).map { (i: Int) -> Int64 in Int64(i % 40_000) }
        let validity = (0..<n).map { $0 % 7 != 3 }
        let schema = Schema([
            Field("widening", .int64, isNullable: false),
            Field("both_ways", .int32, isNullable: false),
            Field("hashed", .int64, isNullable: false),
            Field("fallback", .int64, isNullable: false),
            Field("doubles", .double, isNullable: false),
            Field("sparse", .int64),
        ])
        return RecordBatch(
            schema: schema,
            columns: [
                Column(type: .int64, values: .int64(widening)),
                Column(type: .int32, values: .int32(bothWays)),
                Column(type: .int64, values: .int64(hashed)),
                Column(type: .int64, values: .int64(fallback)),
                Column(type: .double, values: .double(doubles)),
                Column(type: .int64, values: .int64(sparse), validity: validity),
            ]
        )
    }

    @Test("a column whose previous chunk fell back goes PLAIN after a first page of distinct values")
    func earlyFallback() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer-dictionary")
        defer { try? FileManager.default.removeItem(at: directory) }
        let batch = Self.batch()
        let path = directory.appendingPathComponent("early.parquet").path
        var options = ParquetWriteOptions(compression: .snappy)
        options.rowGroupMaxRows = 100_000
        options.dictionaryPageSizeLimit = 256 << 10
        options.abandonsUselessDictionaries = false
        let footer = try WriterInteropTests.write([batch], schema: batch.schema, to: path, options: options)
        #expect(footer.rowGroups.count == 2)
        func dataPages(_ group: Int, _ column: Int, _ encoding: Encoding) -> Int32 {
            footer.rowGroups[group].columns[column].metaData!.encodingStats!.filter {
                $0.pageType == .dataPage && $0.encoding == encoding
            }.reduce(0) { $0 + $1.count }
        }
        // Row group 1 falls back when the dictionary passes 256 KiB (32,768 entries, in the second page, which
        // is cut there).
        #expect(dataPages(0, 3, .rleDictionary) == 2)
        #expect(dataPages(0, 3, .plain) == 4)
        // Row group 2 gives up after its first page, which is all distinct values.
        #expect(dataPages(1, 3, .rleDictionary) == 1)
        #expect(dataPages(1, 3, .plain) == 4)
        // The hashed column (5,000 values) never fell back, so it keeps its dictionary in both row groups.
        #expect(dataPages(1, 2, .rleDictionary) == 5)

        try Self.expectPyarrowReads(path, batch)
    }

    @Test("direct table (growing both ways, widening), hash table and PLAIN fallback: pyarrow reads the values")
    func lookupPaths() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer-dictionary")
        defer { try? FileManager.default.removeItem(at: directory) }
        let batch = Self.batch()
        let path = directory.appendingPathComponent("dictionary.parquet").path
        // Several batches of uneven sizes, so lookups resume across appends.
        let batches = [0..<1, 1..<70_001, 70_001..<123_457, 123_457..<Self.rows].map { batch.slice($0) }
        let footer = try WriterInteropTests.write(
            batches,
            schema: batch.schema,
            to: path,
            options: Self.keepingDictionaries
        )
        let chunks = footer.rowGroups[0].columns.map { $0.metaData! }
        func dataPages(_ chunk: ColumnMetaData, _ encoding: Encoding) -> Int32 {
            chunk.encodingStats!.filter { $0.pageType == .dataPage && $0.encoding == encoding }.reduce(0) {
                $0 + $1.count
            }
        }
        for (name, chunk) in zip(batch.schema.names, chunks) where name != "fallback" {
            #expect(dataPages(chunk, .rleDictionary) > 0, "\(name): dictionary pages")
            #expect(dataPages(chunk, .plain) == 0, "\(name): no PLAIN pages")
        }
        #expect(dataPages(chunks[3], .rleDictionary) > 0, "fallback: starts with the dictionary")
        #expect(dataPages(chunks[3], .plain) > 0, "fallback: ends PLAIN")

        // Chunk statistics.
        func int64(_ bytes: [UInt8]?) -> Int64? {
            bytes.map { $0.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) } }
        }
        func int32(_ bytes: [UInt8]?) -> Int32? {
            bytes.map { $0.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) } }
        }
        let widest = Int64(69_999 * 3 - 100_000)
        let half = Int32(Self.rows / 2 - 1)
        #expect(int64(chunks[0].statistics?.minValue) == Int64(-100_000))
        #expect(int64(chunks[0].statistics?.maxValue) == widest)
        #expect(int32(chunks[1].statistics?.minValue) == -half)
        #expect(int32(chunks[1].statistics?.maxValue) == half)
        #expect(chunks[5].statistics?.nullCount == Int64((0..<Self.rows).filter { $0 % 7 == 3 }.count))

        try Self.expectPyarrowReads(path, batch)
    }

    /// Snappy, and dictionaries kept until they outgrow their limit (the fallback is what these tests look at).
    static var keepingDictionaries: ParquetWriteOptions {
        var options = ParquetWriteOptions(compression: .snappy)
        options.abandonsUselessDictionaries = false
        return options
    }

    @Test("a chunk whose first page is all distinct values has no dictionary; repetitive columns keep theirs")
    func distinctFirstPage() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer-dictionary")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rows = 3_000
        let schema = Schema([
            Field("measure", .int64, isNullable: false),
            Field("name", .string, isNullable: false),
            Field("code", .int32, isNullable: false),
            Field("label", .string),
        ])
        let batch = RecordBatch(
            schema: schema,
            columns: [
                Column(type: .int64, values: .int64((0..<rows).map { Int64($0) &* 2_654_435_761 % 1_000_003 })),
                Column(type: .string, values: .bytes(ByteArrays(strings: (0..<rows).map { "customer-\($0 * 7)" }))),
                Column(type: .int32, values: .int32((0..<rows).map { Int32($0 % 12) })),
                Column(
                    type: .string,
                    values: .bytes(ByteArrays(strings: (0..<rows).map { ["red", "green", "blue"][$0 % 3] })),
                    validity: (0..<rows).map { $0 % 5 != 0 }
                ),
            ]
        )
        let path = directory.appendingPathComponent("distinct.parquet").path
        let footer = try WriterInteropTests.write(
            [batch],
            schema: schema,
            to: path,
            options: ParquetWriteOptions(compression: .snappy)
        )
        let chunks = footer.rowGroups[0].columns.map { $0.metaData! }
        #expect(chunks[0].dictionaryPageOffset == nil && !chunks[0].encodings.contains(.rleDictionary))
        #expect(chunks[1].dictionaryPageOffset == nil && !chunks[1].encodings.contains(.rleDictionary))
        #expect(chunks[2].dictionaryPageOffset != nil && chunks[2].encodings.contains(.rleDictionary))
        #expect(chunks[3].dictionaryPageOffset != nil && chunks[3].encodings.contains(.rleDictionary))
        let results = try WriterPeers.read([
            WriterPeers.Job(path: path, kinds: ["int", "string", "int", "string"], readers: WriterPeers.readers)
        ])
        WriterInteropTests.expectEqual(results[path] ?? [:], [batch], schema: schema, label: "distinct")
    }

    /// pyarrow reads the file at `path` back as exactly the rows of `batch`.
    static func expectPyarrowReads(_ path: String, _ batch: RecordBatch) throws {
        let results = try WriterPeers.read([
            WriterPeers.Job(
                path: path,
                kinds: batch.schema.fields.map { WriterPeers.kind(of: $0.type) },
                readers: ["pyarrow"]
            )
        ])
        let got = results[path]?["pyarrow"]
        #expect(got?.error == nil)
        let rows = got?.rows ?? []
        let expected = WriterPeers.canonicalRows([batch])
        #expect(rows.count == expected.count)
        if let i = (0..<min(rows.count, expected.count)).first(where: { rows[$0] != expected[$0] }) {
            Issue.record("row \(i): got \(rows[i]), expected \(expected[i])")
        }
    }
}
