import Codecs
import Columnar
import Foundation
import Testing

@testable import Parquet

/// The Thrift reader and the page decoders on hand-made input.
@Suite struct ReaderDecodingTests {
    @Test func unknownThriftFieldsAreSkippedByWireType() throws {
        var known = TestThrift.structure { t in
            t.i32(1, 0)
            t.i32(2, 12)
            t.i32(3, 12)
            t.struct(5) { d in
                d.i32(1, 3)
                d.i32(2, 0)
            }
        }
        known.removeLast()  // reopen the struct
        let unknown: [UInt8] = [
            0x0B, 0x28, 0x02, 0x58, 0x02, 0x01, 0x61, 0x04, 0x00,  // 20: map<i32, binary> {1: "a", 2: ""}
            0x07, 0x2A, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // 21: double 1.0
            0x09, 0x2C, 0x2C, 0x11, 0x19, 0x21, 0x01, 0x02, 0x00, 0x00,  // 22: list<struct{bool, list<bool>}>
            0x12,  // 23: bool false
            0x1A, 0x16, 0x04,  // 24: set<i64> {2}
            0x1B, 0x00,  // 25: empty map
            0x08, 0x08, 0x02, 0x78, 0x79,  // 4 (crc, an i32) as binary: a known id with another wire type
            0x00,
        ]
        let bytes = known + unknown
        let (header, consumed) = try PageHeader.decode(bytes)
        #expect(consumed == bytes.count)
        #expect(header.type == .dataPage)
        #expect(header.compressedPageSize == 12)
        #expect(header.crc == nil)
        #expect(header.dataPageHeader?.numValues == 3)
    }

    @Test func truncatedThriftNamesTheOffset() throws {
        let bytes = TestThrift.structure { t in
            t.i32(1, 0)
            t.string(4, "a long enough string")
        }
        #expect(throws: ThriftError.self) { try PageHeader.decode(Array(bytes.prefix(6)), baseOffset: 100) }
        do {
            _ = try PageHeader.decode(Array(bytes.prefix(6)), baseOffset: 100)
        } catch let error as ThriftError {
            #expect(error.offset == 103)  // after the field header and the varint length
            #expect(error.message.contains("exceeds"))
        }
    }

    @Test func rleHybridRunsAndBitWidths() throws {
        // An RLE run of 5 × 3 (width 2), then a bit-packed group of 8 values 0...7 (width 3).
        let rle: [UInt8] = [5 << 1, 3]
        let values = try rle.withUnsafeBytes { bytes -> [UInt32] in
            var d = try RLEHybridDecoder(bytes, bitWidth: 2)
            return try d.decode(count: 5)
        }
        #expect(values == [3, 3, 3, 3, 3])
        let packed: [UInt8] = [1 << 1 | 1, 0b1000_1000, 0b1100_0110, 0b1111_1010]
        let unpacked = try packed.withUnsafeBytes { bytes -> [UInt32] in
            var d = try RLEHybridDecoder(bytes, bitWidth: 3)
            return try d.decode(count: 8)
        }
        #expect(unpacked == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(throws: DecoderError.self) { try rle.withUnsafeBytes { _ = try RLEHybridDecoder($0, bitWidth: 33) } }
        // Asking for more values than the runs hold is an error, not a read past the end.
        #expect(throws: DecoderError.self) {
            try rle.withUnsafeBytes { bytes in
                var d = try RLEHybridDecoder(bytes, bitWidth: 2)
                _ = try d.decode(count: 6)
            }
        }
    }

    @Test func deltaBinaryPackedSpecExample() throws {
        // Block of 128 values in 4 miniblocks; 5 values 7, 5, 3, 1, 2: first 7, min delta -2, deltas 0,0,0,3 (width 2).
        let bytes: [UInt8] =
            [0x80, 0x01, 0x04, 0x05, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00, 0b1100_0000]
            + Array(repeating: 0, count: 7)
        let (values, consumed) = try bytes.withUnsafeBytes {
            try DeltaBinaryPackedDecoder.decode($0, count: 5, maximumBitWidth: 32)
        }
        #expect(values == [7, 5, 3, 1, 2])
        #expect(consumed == bytes.count)
        let wide: [UInt8] = [0x80, 0x01, 0x04, 0x02, 0x00, 0x00, 33, 0, 0, 0]
        #expect(throws: DecoderError.self) {
            try wide.withUnsafeBytes { _ = try DeltaBinaryPackedDecoder.decode($0, count: 2, maximumBitWidth: 32) }
        }
    }

    @Test func gzipPageOfSeveralMembers() throws {
        // Two gzip members back to back in one page body: readers must decode both.
        let first = Gzip.compress(TestParquetFile.plainInt32([1, 2]))
        let second = Gzip.compress(TestParquetFile.plainInt32([3]))
        let file = TestParquetFile(
            columns: [.init(codec: 2)],
            pages: [[TestParquetFile.dataPage(values: 3, uncompressedSize: 12, body: first + second)]],
            rows: 3
        )
        #expect(try ParquetReader(bytes: file.bytes()).readRowGroup(0).columns[0].values == .int32([1, 2, 3]))
    }

    @Test func emptyV2PageBodyIsNeverDecompressed() throws {
        // An optional INT32 column with zstd: one page of 3 nulls (levels: an RLE run of 3 × 0) and no value
        // bytes at all, then a page with values [5, 6] compressed and one null, then one stored uncompressed.
        let compressed = Zstd.compress(TestParquetFile.plainInt32([5, 6]))
        let file = TestParquetFile(
            columns: [.init(repetition: 1, codec: 6)],
            pages: [
                [
                    TestParquetFile.dataPageV2(values: 3, nulls: 3, levels: [3 << 1, 0], body: []),
                    TestParquetFile.dataPageV2(
                        values: 3,
                        nulls: 1,
                        levels: [1 << 1 | 1, 0b0000_0101],
                        body: compressed,
                        uncompressedValuesSize: 8
                    ),
                    TestParquetFile.dataPageV2(
                        values: 1,
                        nulls: 0,
                        levels: [1 << 1, 1],
                        body: TestParquetFile.plainInt32([9]),
                        isCompressed: false
                    ),
                ]
            ],
            rows: 7
        )
        let column = try ParquetReader(bytes: file.bytes()).readRowGroup(0).columns[0]
        #expect((0..<7).map { column.value(at: $0) } == [.null, .null, .null, .int(5), .null, .int(6), .int(9)])
    }
}
