import Codecs
import Columnar
import Foundation
import TestSupport
import Testing

@testable import Parquet

/// Malformed input must end in a ``ParquetError`` that names the file, the column and the byte offset: never a
/// crash, a hang or a huge allocation.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct ReaderMalformedTests {
    /// The bytes of a generated pyarrow file.
    static func sampleBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try ReaderFixtures.path("pyarrow-v1-snappy-dict"))))
    }

    /// The error thrown by opening and fully reading `bytes`.
    static func failure(_ bytes: [UInt8], name: String = "bad.parquet") -> ParquetError? {
        do {
            let reader = try ParquetReader(bytes: bytes, name: name)
            for group in 0..<reader.rowGroupCount { _ = try reader.readRowGroup(group) }
            return nil
        } catch let error as ParquetError {
            return error
        } catch {
            Issue.record("not a ParquetError: \(error)")
            return nil
        }
    }

    /// A valid one-column INT32 file: a dictionary [10, 20] and a data page of `indices` (RLE_DICTIONARY).
    static func dictionaryFile(indexBody: [UInt8], rows: Int32) -> [UInt8] {
        TestParquetFile(
            columns: [.init()],
            pages: [
                [
                    TestParquetFile.dictionaryPage(values: 2, body: TestParquetFile.plainInt32([10, 20])),
                    TestParquetFile.dataPage(values: rows, encoding: 8, body: indexBody),
                ]
            ],
            rows: Int64(rows)
        ).bytes()
    }

    @Test func handBuiltFilesAreReadable() throws {
        // Guards the malformed cases below: the same files, well formed, read correctly.
        let plain = TestParquetFile(
            columns: [.init()],
            pages: [[TestParquetFile.dataPage(values: 3, body: TestParquetFile.plainInt32([7, -8, 9]))]],
            rows: 3
        ).bytes()
        let batch = try ParquetReader(bytes: plain).readRowGroup(0)
        #expect(batch.columns[0].values == .int32([7, -8, 9]))
        // Bit width 2, an RLE run of 2 × index 1, then a bit-packed group of 8: 0,1,0,1,0,1,0,1.
        let dictionary = Self.dictionaryFile(indexBody: [2, 4, 1, 3, 0b0100_0100, 0b0100_0100], rows: 10)
        let values = try ParquetReader(bytes: dictionary).readRowGroup(0).columns[0].values
        #expect(values == .int32([20, 20, 10, 20, 10, 20, 10, 20, 10, 20]))
    }

    @Test func missingFileAndDirectory() throws {
        for path in ["/nonexistent/sluice.parquet", NSTemporaryDirectory()] {
            do {
                _ = try ParquetReader(path: path)
                Issue.record("opened \(path)")
            } catch let error as ParquetError {
                #expect(error.kind == .io)
                #expect(error.path == path)
            }
        }
    }

    @Test func truncatedFile() throws {
        let bytes = try Self.sampleBytes()
        let cut = Array(bytes.prefix(bytes.count / 2))
        let error = try #require(Self.failure(cut, name: "cut.parquet"))
        #expect(error.kind == .truncated)
        #expect(error.path == "cut.parquet")
        #expect(error.offset == cut.count - 4)
        #expect(error.message.contains("does not end with PAR1"))
        #expect(error.description.contains("cut.parquet"))

        let tiny = try #require(Self.failure(Array(bytes.prefix(5))))
        #expect(tiny.kind == .truncated)
        #expect(tiny.message.contains("at least 12"))
    }

    @Test func badMagic() throws {
        var bytes = try Self.sampleBytes()
        bytes.replaceSubrange(0..<4, with: Array("PAR2".utf8))
        let error = try #require(Self.failure(bytes))
        #expect(error.kind == .badMagic)
        #expect(error.offset == 0)
        #expect(error.message.contains("PAR1"))
    }

    @Test func footerLengthPastEndOfFile() throws {
        var bytes = try Self.sampleBytes()
        let size = bytes.count
        let length = UInt32(size)
        bytes.replaceSubrange(size - 8..<size - 4, with: withUnsafeBytes(of: length.littleEndian) { Array($0) })
        let error = try #require(Self.failure(bytes))
        #expect(error.kind == .truncated)
        #expect(error.offset == size - 8)
        #expect(error.message.contains("footer length \(size)"))
    }

    /// Replaces the footer of a valid file with `footer`.
    static func withFooter(_ footer: [UInt8]) -> [UInt8] {
        let valid = TestParquetFile(
            columns: [.init()],
            pages: [[TestParquetFile.dataPage(values: 1, body: TestParquetFile.plainInt32([1]))]],
            rows: 1
        ).bytes()
        let length = Int(UInt32(valid[valid.count - 8]) | UInt32(valid[valid.count - 7]) << 8)
        let body = Array(valid.prefix(valid.count - 8 - length))
        return body + footer + withUnsafeBytes(of: UInt32(footer.count).littleEndian) { Array($0) } + Array("PAR1".utf8)
    }

    @Test func thriftThatDoesNotDecode() throws {
        // Wire type 13 does not exist.
        let unknownType = Self.withFooter([0x1D, 0x00, 0x00])
        let footerStart = unknownType.count - 8 - 3
        let error = try #require(Self.failure(unknownType))
        #expect(error.kind == .invalidMetadata)
        #expect(error.offset == footerStart)
        #expect(error.message.contains("unknown wire type 13"))

        // A list that claims a million schema elements in a few bytes: rejected before any allocation.
        let hugeList = Self.withFooter([0x15, 0x02, 0x19, 0xFC, 0x80, 0x89, 0x7A, 0x00])
        let list = try #require(Self.failure(hugeList))
        #expect(list.kind == .invalidMetadata)
        #expect(list.message.contains("exceeds"))

        // Structs nested 200 deep inside an unknown field: the depth limit stops the recursion.
        let deep = Self.withFooter([0xFC] + Array(repeating: 0x1C, count: 200) + Array(repeating: 0, count: 202))
        let nesting = try #require(Self.failure(deep))
        #expect(nesting.kind == .invalidMetadata)
        #expect(nesting.message.contains("nesting deeper than 64"))

        // A required field missing: FileMetaData without its schema.
        let missing = Self.withFooter(TestThrift.structure { $0.i32(1, 1) })
        let required = try #require(Self.failure(missing))
        #expect(required.message.contains("required field schema of FileMetaData is missing"))
    }

    @Test func pageSizeOverrunsItsChunk() throws {
        // The page header claims 1000 bytes; the chunk holds 12.
        let header = TestThrift.structure { t in
            t.i32(1, 0)
            t.i32(2, 1000)
            t.i32(3, 1000)
            t.struct(5) { d in
                d.i32(1, 3)
                d.i32(2, 0)
                d.i32(3, 3)
                d.i32(4, 3)
            }
        }
        let bytes = TestParquetFile(
            columns: [.init(name: "amount")],
            pages: [[header + TestParquetFile.plainInt32([1, 2, 3])]],
            rows: 3
        ).bytes()
        let error = try #require(Self.failure(bytes, name: "overrun.parquet"))
        #expect(error.kind == .invalidMetadata)
        #expect(error.column == "amount")
        #expect(error.path == "overrun.parquet")
        #expect(error.offset == 4)
        #expect(error.message.contains("overruns its column chunk"))
    }

    @Test func chunkPastTheFooter() throws {
        var file = TestParquetFile(
            columns: [.init()],
            pages: [[TestParquetFile.dataPage(values: 1, body: TestParquetFile.plainInt32([1]))]],
            rows: 1
        )
        file.chunkLengthAdjustment = 1_000_000
        let error = try #require(Self.failure(file.bytes()))
        #expect(error.kind == .invalidMetadata)
        #expect(error.message.contains("outside the data section"))
    }

    @Test func dictionaryIndexOutOfRange() throws {
        // Bit width 2, an RLE run of 3 × index 3; the dictionary has 2 entries.
        let bytes = Self.dictionaryFile(indexBody: [2, 6, 3], rows: 3)
        let error = try #require(Self.failure(bytes))
        #expect(error.kind == .corruptPage)
        #expect(error.column == "x")
        #expect(error.message.contains("dictionary index 3"))
        #expect(error.message.contains("out of range"))
        // The data page follows the dictionary page: its offset is past the leading magic and the dictionary page.
        #expect((error.offset ?? 0) > 4)
    }

    @Test func bitWidthOver32() throws {
        let wide = try #require(Self.failure(Self.dictionaryFile(indexBody: [33, 6, 1], rows: 3)))
        #expect(wide.kind == .corruptPage)
        #expect(wide.message.contains("bit width 33 exceeds 32"))
    }

    @Test func bitWidthZeroIndexesTheFirstEntryOfAnyDictionary() throws {
        // Arrow writes width 0 for a page written while the dictionary had one entry; the chunk's dictionary may
        // have grown since. An RLE run of 3 (header 6) with no value bytes: three times entry 0.
        let batch = try ParquetReader(bytes: Self.dictionaryFile(indexBody: [0, 6], rows: 3)).readRowGroup(0)
        #expect(batch.columns[0].values == .int32([10, 10, 10]))
    }

    @Test func decompressedSizeDiffersFromHeader() throws {
        let compressed = Snappy.compress(TestParquetFile.plainInt32([1, 2, 3]))
        let bytes = TestParquetFile(
            columns: [.init(codec: 1)],
            pages: [[TestParquetFile.dataPage(values: 3, uncompressedSize: 16, body: compressed)]],
            rows: 3
        ).bytes()
        let error = try #require(Self.failure(bytes))
        #expect(error.kind == .corruptPage)
        #expect(error.offset == 4)
        #expect(error.message.contains("does not decompress"))

        // The same page with the right size reads.
        let good = TestParquetFile(
            columns: [.init(codec: 1)],
            pages: [[TestParquetFile.dataPage(values: 3, uncompressedSize: 12, body: compressed)]],
            rows: 3
        ).bytes()
        #expect(try ParquetReader(bytes: good).readRowGroup(0).columns[0].values == .int32([1, 2, 3]))
    }

    @Test func truncatedPageBody() throws {
        // PLAIN INT32 page that holds 2 of the 3 values it declares.
        let bytes = TestParquetFile(
            columns: [.init()],
            pages: [[TestParquetFile.dataPage(values: 3, body: TestParquetFile.plainInt32([1, 2]))]],
            rows: 3
        ).bytes()
        let error = try #require(Self.failure(bytes))
        #expect(error.kind == .corruptPage)
        #expect(error.message.contains("PLAIN values need 12 bytes"))
    }

    @Test func unsupportedCodecAndNestedSchema() throws {
        let lz4 = TestParquetFile(
            columns: [.init(codec: 5)],
            pages: [[TestParquetFile.dataPage(values: 1, body: TestParquetFile.plainInt32([1]))]],
            rows: 1
        ).bytes()
        let codec = try #require(Self.failure(lz4))
        #expect(codec.kind == .unsupported)
        #expect(codec.message.contains("lz4"))

        // A repeated leaf is a list, which flat reading does not support.
        let repeated = TestParquetFile(
            columns: [.init(name: "tags", repetition: 2)],
            pages: [[TestParquetFile.dataPage(values: 1, body: TestParquetFile.plainInt32([1]))]],
            rows: 1
        ).bytes()
        let nested = try #require(Self.failure(repeated))
        #expect(nested.kind == .unsupported)
        #expect(nested.column == "tags")
        #expect(nested.message.contains("flat"))
    }

    @Test func pageClaimingMoreValuesThanTheRowGroup() throws {
        let bytes = TestParquetFile(
            columns: [.init()],
            pages: [[TestParquetFile.dataPage(values: Int32.max, body: TestParquetFile.plainInt32([1]))]],
            rows: 1
        ).bytes()
        let error = try #require(Self.failure(bytes))
        #expect(error.kind == .invalidMetadata)
        #expect(error.message.contains("only 1 of the row group's 1 remain"))
    }
}
