import Columnar
import Foundation
import Storage
import Synchronization
import TestSupport
import Testing

@testable import Parquet

/// A byte source that records the ranges read.
final class RecordingSource: ByteSource {
    let inner: MemoryByteSource
    let reads = Mutex<[Range<Int>]>([])

    init(_ bytes: [UInt8]) { inner = MemoryByteSource(bytes) }

    var name: String { inner.name }
    var size: Int { inner.size }

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        reads.withLock { $0.append(offset..<offset + count) }
        return try inner.read(at: offset, count: count)
    }
}

@Suite(.tags(.pythonPeers), .needsPythonPeers) struct ReaderProjectionTests {
    @Test func projectionReadsOnlyTheRequestedChunks() throws {
        let path = try ReaderFixtures.path("pyarrow-v2-zstd-plain")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let source = RecordingSource(bytes)
        let reader = try ParquetReader(source: source)
        source.reads.withLock { $0.removeAll() }

        let batch = try reader.readRowGroup(1, columns: ["s", "i32"])
        #expect(batch.schema.names == ["s", "i32"])
        #expect(batch.count == 1000)

        let group = reader.metadata.rowGroups[1]
        let expected = ["s", "i32"].map { name -> Range<Int> in
            let index = reader.schema.index(of: name)!
            let meta = group.columns[index].metaData!
            let start = Int(meta.dictionaryPageOffset.map { min($0, meta.dataPageOffset) } ?? meta.dataPageOffset)
            return start..<start + Int(meta.totalCompressedSize)
        }
        let reads = source.reads.withLock { $0 }
        #expect(Set(reads) == Set(expected))
        #expect(reads.map(\.count).reduce(0, +) < bytes.count / 5)

        // The projected values equal the full read's.
        let full = try reader.readRowGroup(1)
        #expect(batch.columns[0] == full.column(named: "s"))
        #expect(batch.columns[1] == full.column(named: "i32"))
    }

    @Test func rowGroupsReadTogetherEqualOneByOne() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-delta-sorted"))
        #expect(reader.rowGroupCount == 3)
        for columns in [nil, ["name", "id"]] as [[String]?] {
            let together = try reader.readRowGroups([2, 0, 1], columns: columns)
            let separately = try [2, 0, 1].map { try reader.readRowGroup($0, columns: columns) }
            #expect(together.map(\.count) == [1000, 2000, 2000])
            #expect(together.map(\.schema) == separately.map(\.schema))
            #expect(together.map(\.columns) == separately.map(\.columns))
        }
        #expect(throws: ParquetError.self) { try reader.readRowGroups([0, 3]) }
    }

    @Test func unknownColumnIsAnError() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-one-row"))
        #expect(throws: ParquetError.self) { try reader.readRowGroup(0, columns: ["nope"]) }
        do {
            _ = try reader.readRowGroup(0, columns: ["nope"])
        } catch let error as ParquetError {
            #expect(error.kind == .invalidArgument)
            #expect(error.message.contains("no column named 'nope'"))
        }
    }

    @Test(arguments: [
        (ParquetPredicate("id", .greater, .int(4500)), [2]),
        (ParquetPredicate("id", .equal, .int(2500)), [1]),
        (ParquetPredicate("id", .less, .int(100)), [0]),
        (ParquetPredicate("id", .greaterOrEqual, .int(2000)), [1, 2]),
        (ParquetPredicate("id", .lessOrEqual, .int(-1)), []),
        (ParquetPredicate("id", .notEqual, .int(5)), [0, 1, 2]),
        (ParquetPredicate("id", .isNull), []),
        (ParquetPredicate("id", .isNotNull), [0, 1, 2]),
        (ParquetPredicate("name", .less, .string("name-01000")), [0]),
        (ParquetPredicate("name", .greater, .string("name-03999")), [2]),
        (ParquetPredicate("small", .equal, .int(9)), []),
        (ParquetPredicate("small", .equal, .string("not comparable")), [0, 1, 2]),
    ])
    func rowGroupPruning(predicate: ParquetPredicate, groups: [Int]) throws {
        // id 0..<5000 and name-NNNNN in row groups of 2000 rows; small = id % 7.
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-delta-sorted"))
        #expect(reader.rowGroupCount == 3)
        #expect(try reader.rowGroups(matching: predicate) == groups)
    }

    @Test func batchesStreamTheMatchingRowGroups() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("pyarrow-delta-sorted"))
        let batches = try reader.batches(columns: ["id"], where: ParquetPredicate("id", .greater, .int(3500)))
            .map { try $0.get() }
        #expect(batches.map(\.count) == [2000, 1000])
        #expect(batches[0].columns[0].value(at: 0) == .int(2000))
        #expect(batches[1].columns[0].value(at: 999) == .int(4999))
        #expect(batches.allSatisfy { $0.schema.names == ["id"] })

        var iterator = reader.batches().makeIterator()
        var rows = 0
        while let batch = try iterator.nextBatch() { rows += batch.count }
        #expect(rows == 5000)
    }

    @Test(arguments: [true, false])
    func batchesStopAtTheFirstCorruptRowGroup(prefetch: Bool) throws {
        let path = try ReaderFixtures.path("pyarrow-delta-sorted")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let original = try ParquetReader(bytes: bytes)
        let meta = try #require(original.metadata.rowGroups[1].columns[0].metaData)
        let pageOffset = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
        bytes[pageOffset] = 0x1F  // a field header of wire type 15, which does not exist
        let reader = try ParquetReader(
            bytes: bytes,
            name: "corrupt.parquet",
            options: .init(prefetchesRowGroups: prefetch)
        )
        var iterator = reader.batches(columns: ["id"]).makeIterator()
        let first = iterator.next()
        #expect(try first?.get().count == 2000)
        let second = iterator.next()
        guard case .failure(let error) = second else {
            Issue.record("row group 1 decoded")
            return
        }
        #expect(error.kind == .invalidMetadata)
        #expect(error.column == "id")
        #expect(error.path == "corrupt.parquet")
        #expect(error.offset == pageOffset)
        let end = iterator.next()
        #expect(end == nil)
    }

    @Test func decimalStatisticsOfBigEndianBytes() {
        let leaf = LeafColumn(
            index: 0,
            element: SchemaElement(type: .fixedLenByteArray, typeLength: 9, name: "d"),
            physicalType: .fixedLenByteArray,
            typeLength: 9,
            maxDefinitionLevel: 0,
            field: Field("d", .decimal(precision: 20, scale: 0))
        )
        func value(_ bytes: [UInt8]) -> Int64? {
            guard case .signed(let v) = StatisticValue(plain: bytes, for: leaf) else { return nil }
            return v
        }
        #expect(value([0xFF, 0x7F]) == -129)
        #expect(value([0x00, 0x80]) == 128)
        #expect(value([0xFF] + Array(repeating: 0xFF, count: 8)) == -1)
        #expect(value([0x00, 0x7F] + Array(repeating: 0xFF, count: 7)) == Int64.max)
        #expect(value([0x00, 0x80] + Array(repeating: 0, count: 7)) == nil)  // 2^63 does not fit
    }

    @Test func withoutStatisticsNothingIsPruned() throws {
        let reader = try ParquetReader(path: try ReaderFixtures.path("polars-snappy-nostats"))
        let all = Array(0..<reader.rowGroupCount)
        #expect(try reader.rowGroups(matching: ParquetPredicate("id", .less, .int(-5))) == all)
    }

    @Test func legacyConvertedTypesOnly() throws {
        // A file whose schema has only ConvertedType annotations (no LogicalType), as old writers produce.
        func plain64(_ values: [Int64]) -> [UInt8] {
            values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        }
        func byteArrays(_ values: [[UInt8]]) -> [UInt8] {
            values.flatMap { v in withUnsafeBytes(of: UInt32(v.count).littleEndian) { Array($0) } + v }
        }
        typealias Spec = TestParquetFile.ColumnSpec
        let columns: [(Spec, [UInt8])] = [
            (Spec(name: "i8", convertedType: 15), TestParquetFile.plainInt32([-128, 0, 127])),
            (Spec(name: "u16", convertedType: 12), TestParquetFile.plainInt32([0, 65535, 7])),
            (Spec(name: "day", convertedType: 6), TestParquetFile.plainInt32([-1, 0, 19000])),
            (
                Spec(name: "d52", convertedType: 5, scale: 2, precision: 5),
                TestParquetFile.plainInt32([-99999, 0, 12345])
            ),
            (Spec(name: "ms", physicalType: 2, convertedType: 9), plain64([-1, 0, 1_700_000_000_123])),
            (Spec(name: "us", physicalType: 2, convertedType: 10), plain64([-1, 0, 1_700_000_000_123_456])),
            (Spec(name: "u64", physicalType: 2, convertedType: 14), plain64([-1, 0, 42])),
            (
                Spec(name: "text", physicalType: 6, convertedType: 0),
                byteArrays([Array("ü".utf8), [], Array("abc".utf8)])
            ),
            (Spec(name: "raw", physicalType: 6), byteArrays([[0xFF], [], [0, 1]])),
            (
                Spec(name: "fd", physicalType: 7, typeLength: 3, convertedType: 5, scale: 1, precision: 6),
                [0xFF, 0xFF, 0xFF, 0, 0, 0, 0x01, 0x00, 0x00]
            ),
        ]
        let file = TestParquetFile(
            columns: columns.map(\.0),
            pages: columns.map { [TestParquetFile.dataPage(values: 3, body: $0.1)] },
            rows: 3
        )
        let directory = try Paths.temporaryDirectory("sluice-parquet-legacy")
        let path = directory.appendingPathComponent("legacy.parquet").path
        try Data(file.bytes()).write(to: URL(fileURLWithPath: path))
        try ReaderFixtures.dump([path])
        #expect(try ReaderFixtures.differences(path: path) == [])
        let reader = try ParquetReader(path: path)
        #expect(
            reader.schema.fields.map(\.type) == [
                .int8, .uint16, .date, .decimal(precision: 5, scale: 2),
                .timestamp(.milliseconds, isAdjustedToUTC: true),
                .timestamp(.microseconds, isAdjustedToUTC: true), .uint64, .string, .binary,
                .decimal(precision: 6, scale: 1),
            ]
        )
    }
}
