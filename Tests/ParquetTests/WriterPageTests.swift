import Columnar
import Foundation
import TestSupport
import Testing

@testable import Parquet

/// Page-level checks of files we write: page headers, v2 counts, page statistics and the page index, decoded
/// from the file's bytes.
@Suite("Writer pages")
struct WriterPageTests {
    /// Every page header of a chunk, with its absolute offset and total size.
    static func pages(
        of chunk: ColumnMetaData,
        in bytes: [UInt8]
    ) throws -> [(offset: Int, size: Int, header: PageHeader)] {
        var position = Int(chunk.dictionaryPageOffset ?? chunk.dataPageOffset)
        let end = position + Int(chunk.totalCompressedSize)
        var result: [(offset: Int, size: Int, header: PageHeader)] = []
        while position < end {
            let (header, bodyStart) = try PageHeader.decode(bytes, range: position..<end)
            let size = bodyStart - position + Int(header.compressedPageSize)
            result.append((position, size, header))
            position += size
        }
        #expect(position == end, "pages fill the chunk exactly")
        return result
    }

    @Test("v1 and v2 page headers: counts with nulls, exact v2 null and row counts, page statistics, page index")
    func pageHeadersAndIndex() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rows = 2_500
        // Ascending values with nulls in runs, so the column index has null pages and an ascending order.
        let validity = (0..<rows).map { !($0 % 7 == 0 || (1_000..<1_400).contains($0)) }
        let schema = Schema([Field("v", .int64, isNullable: true), Field("b", .boolean, isNullable: true)])
        let batch = RecordBatch(
            schema: schema,
            columns: [
                Column(type: .int64, values: .int64((0..<rows).map { Int64($0) * 3 }), validity: validity),
                Column(type: .boolean, values: .boolean((0..<rows).map { $0 % 3 == 0 }), validity: validity),
            ]
        )
        for pageVersion in ParquetWriteOptions.PageVersion.allCases {
            for compression in [ParquetWriteOptions.Compression.uncompressed, .zstd] {
                var options = ParquetWriteOptions(compression: compression, pageVersion: pageVersion)
                options.dataPageMaxRows = 200
                options.abandonsUselessDictionaries = false  // the dictionary page's place is checked below
                let path = directory.appendingPathComponent("pages-\(pageVersion)-\(compression).parquet").path
                let footer = try WriterInteropTests.write([batch], schema: schema, to: path, options: options)
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                let label = "\(pageVersion) \(compression)"
                for (c, chunkMeta) in footer.rowGroups[0].columns.enumerated() {
                    let meta = chunkMeta.metaData!
                    let pages = try Self.pages(of: meta, in: bytes)
                    var dataPages = pages
                    if c == 0 {
                        #expect(pages.first?.header.type == .dictionaryPage, "\(label): dictionary page first")
                        #expect(Int64(pages[1].offset) == meta.dataPageOffset, "\(label): data_page_offset")
                        dataPages.removeFirst()
                    } else {
                        #expect(meta.dictionaryPageOffset == nil && Int64(pages[0].offset) == meta.dataPageOffset)
                    }
                    #expect(dataPages.count == rows / 200 + 1, "\(label): pages of 200 rows")
                    let offsetIndex = try OffsetIndex.decode(
                        bytes,
                        range: Int(chunkMeta.offsetIndexOffset!)..<Int(chunkMeta.offsetIndexOffset!)
                            + Int(chunkMeta.offsetIndexLength!)
                    ).0
                    let columnIndex = try ColumnIndex.decode(
                        bytes,
                        range: Int(chunkMeta.columnIndexOffset!)..<Int(chunkMeta.columnIndexOffset!)
                            + Int(chunkMeta.columnIndexLength!)
                    ).0
                    #expect(offsetIndex.pageLocations.count == dataPages.count)
                    var firstRow = 0
                    for (p, page) in dataPages.enumerated() {
                        let pageRows = min(200, rows - firstRow)
                        let nulls = validity[firstRow..<firstRow + pageRows].filter { !$0 }.count
                        let location = offsetIndex.pageLocations[p]
                        #expect(location.offset == Int64(page.offset) && Int(location.compressedPageSize) == page.size)
                        #expect(location.firstRowIndex == Int64(firstRow))
                        let statistics: Statistics?
                        switch pageVersion {
                        case .v1:
                            let header = try #require(page.header.dataPageHeader)
                            #expect(page.header.type == .dataPage)
                            #expect(header.numValues == Int32(pageRows), "\(label): num_values counts nulls")
                            #expect(header.definitionLevelEncoding == .rle)
                            statistics = header.statistics
                        case .v2:
                            let header = try #require(page.header.dataPageHeaderV2)
                            #expect(page.header.type == .dataPageV2)
                            #expect(header.numValues == Int32(pageRows) && header.numRows == Int32(pageRows))
                            #expect(header.numNulls == Int32(nulls), "\(label): exact num_nulls")
                            #expect(header.repetitionLevelsByteLength == 0 && header.definitionLevelsByteLength > 0)
                            // An all-null page has no values to compress, except the 4-byte length of RLE booleans.
                            let hasValueBytes = nulls < pageRows || c == 1
                            #expect(header.isCompressed == (compression != .uncompressed && hasValueBytes))
                            if c == 1 { #expect(header.encoding == .rle, "v2 booleans are RLE") }
                            statistics = header.statistics
                        }
                        #expect(statistics?.nullCount == Int64(nulls), "\(label): page null_count")
                        #expect(columnIndex.nullCounts?[p] == Int64(nulls))
                        #expect(columnIndex.nullPages[p] == (nulls == pageRows))
                        if c == 0 && nulls < pageRows {
                            let values = (firstRow..<firstRow + pageRows).filter { validity[$0] }.map { Int64($0) * 3 }
                            let low = withUnsafeBytes(of: values.min()!.littleEndian) { [UInt8]($0) }
                            let high = withUnsafeBytes(of: values.max()!.littleEndian) { [UInt8]($0) }
                            #expect(statistics?.minValue == low && statistics?.maxValue == high)
                            #expect(columnIndex.minValues[p] == low && columnIndex.maxValues[p] == high)
                        }
                        firstRow += pageRows
                    }
                    if c == 0 { #expect(columnIndex.boundaryOrder == .ascending, "\(label)") }
                }
            }
        }
    }

    @Test("Thrift: a footer with every field set decodes to itself")
    func thriftRoundTrip() throws {
        let statistics = Statistics(
            max: [1],
            min: [0],
            nullCount: 3,
            distinctCount: 9,
            maxValue: [0xFF, 0x00],
            minValue: [],
            isMaxValueExact: false,
            isMinValueExact: true,
            nanCount: 0
        )
        let logicalTypes: [LogicalType] = [
            .string, .map, .list, .enum, .decimal(scale: 2, precision: 30), .date,
            .time(isAdjustedToUTC: false, unit: .micros), .timestamp(isAdjustedToUTC: true, unit: .nanos),
            .integer(bitWidth: -8 + 16, isSigned: false), .unknown, .json, .bson, .uuid, .float16,
            .variant(specificationVersion: 1), .geometry(crs: "OGC:CRS84"), .geography(crs: nil, algorithm: .karney),
        ]
        var schema = [SchemaElement(name: "root", numChildren: Int32(logicalTypes.count))]
        for (i, logical) in logicalTypes.enumerated() {
            schema.append(
                SchemaElement(
                    type: .fixedLenByteArray,
                    typeLength: 16,
                    repetitionType: .optional,
                    name: "c\(i) ünïcode",
                    convertedType: .decimal,
                    scale: 2,
                    precision: 30,
                    fieldID: Int32(i) * 1_000,
                    logicalType: logical
                )
            )
        }
        var bbox = BoundingBox()
        bbox.xmin = -1.5
        bbox.xmax = 2
        bbox.zmin = 0
        let meta = ColumnMetaData(
            type: .byteArray,
            encodings: [.plain, .rle, .rleDictionary],
            pathInSchema: ["a", "b"],
            codec: .zstd,
            numValues: 1 << 40,
            totalUncompressedSize: 123_456_789_012,
            totalCompressedSize: 17,
            keyValueMetadata: [KeyValue(key: "k", value: nil), KeyValue(key: "k2", value: "v")],
            dataPageOffset: 4,
            indexPageOffset: 5,
            dictionaryPageOffset: 6,
            statistics: statistics,
            encodingStats: [PageEncodingStats(pageType: .dataPageV2, encoding: .rleDictionary, count: 20)],
            bloomFilterOffset: 99,
            bloomFilterLength: 100,
            sizeStatistics: SizeStatistics(
                unencodedByteArrayDataBytes: 5,
                repetitionLevelHistogram: [1, 2],
                definitionLevelHistogram: Array(repeating: -3, count: 20)
            ),
            geospatialStatistics: GeospatialStatistics(bbox: bbox, geospatialTypes: [1, 2, 3])
        )
        let chunk = ColumnChunk(
            filePath: "x",
            fileOffset: 0,
            metaData: meta,
            offsetIndexOffset: 1,
            offsetIndexLength: 2,
            columnIndexOffset: 3,
            columnIndexLength: 4
        )
        let footer = FileMetaData(
            version: 1,
            schema: schema,
            numRows: 42,
            rowGroups: [
                RowGroup(
                    columns: [chunk, ColumnChunk(metaData: ColumnMetaData())],
                    totalByteSize: 10,
                    numRows: 42,
                    sortingColumns: [SortingColumn(columnIndex: 1, descending: true, nullsFirst: false)],
                    fileOffset: 4,
                    totalCompressedSize: 8,
                    ordinal: 300
                )
            ],
            keyValueMetadata: [KeyValue(key: "a", value: "b")],
            createdBy: ParquetWriter.createdBy,
            columnOrders: [.typeDefinedOrder, .ieee754TotalOrder, .int96TimestampOrder]
        )
        let (decoded, end) = try FileMetaData.decode(footer.thriftEncoded())
        #expect(decoded == footer)
        #expect(end == footer.thriftEncoded().count)

        let header = PageHeader(
            type: .dataPageV2,
            uncompressedPageSize: 100,
            compressedPageSize: 50,
            crc: -5,
            dataPageHeaderV2: DataPageHeaderV2(
                numValues: 10,
                numNulls: 2,
                numRows: 10,
                encoding: .rleDictionary,
                definitionLevelsByteLength: 3,
                repetitionLevelsByteLength: 0,
                isCompressed: false,
                statistics: statistics
            )
        )
        #expect(try PageHeader.decode(header.thriftEncoded()).0 == header)
        let index = ColumnIndex(
            nullPages: (0..<20).map { $0 % 3 == 0 },
            minValues: (0..<20).map { [UInt8($0)] },
            maxValues: (0..<20).map { _ in [] },
            boundaryOrder: .descending,
            nullCounts: (0..<20).map { Int64($0) },
            nanCounts: [0]
        )
        #expect(try ColumnIndex.decode(index.thriftEncoded()).0 == index)
    }

    @Test("Thrift compact field headers: short deltas, long ids, backwards ids, booleans in the header")
    func thriftFieldHeaders() {
        struct Probe: ThriftEncodable {
            func encodeFields(to writer: inout ThriftCompactWriter) {
                writer.field(1, i32: 5)
                writer.field(20, i64: -1)
                writer.field(21, bool: true)
                writer.field(5, string: "a")
            }
        }
        #expect(Probe().thriftEncoded() == [0x15, 0x0A, 0x06, 0x28, 0x01, 0x11, 0x08, 0x0A, 0x01, 0x61, 0x00])
    }

    @Test("RLE/bit-packed hybrid: levels as bytes encode exactly as the same values as UInt32")
    func rleHybridLevelBytes() throws {
        var state: UInt64 = 0x5EED
        for (pattern, nullPercent) in [(0, 45), (1, 5), (2, 95), (3, 50)] {
            var levels: [UInt8] = []
            while levels.count < 10_000 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let random = Int(state >> 33)
                // Single values, and now and then runs of 2...20 (some reach eight).
                let length = pattern == 3 && random % 5 == 0 ? 2 + random % 19 : 1
                let level: UInt8 = (random / 7) % 100 < nullPercent ? 0 : 1
                levels.append(contentsOf: repeatElement(level, count: length))
            }
            for count in [levels.count, 17, 16, 9, 3] {
                let prefix = Array(levels.prefix(count))
                var bytes: [UInt8] = []
                var words: [UInt8] = []
                RLEHybridEncoder.encode(prefix, bitWidth: 1, into: &bytes)
                RLEHybridEncoder.encode(prefix.map(UInt32.init), bitWidth: 1, into: &words)
                #expect(bytes == words, "pattern \(pattern), \(count) levels")
                let decoded = try bytes.withUnsafeBytes { buffer in
                    var decoder = try RLEHybridDecoder(buffer, bitWidth: 1)
                    return try decoder.decode(count: prefix.count)
                }
                #expect(decoded == prefix.map(UInt32.init), "pattern \(pattern), \(count) levels")
            }
        }
    }

    @Test("RLE/bit-packed hybrid: the spec's example, runs, padding, and a round trip")
    func rleHybrid() throws {
        func encode(_ values: [UInt32], _ width: Int) -> [UInt8] {
            var out: [UInt8] = []
            RLEHybridEncoder.encode(values, bitWidth: width, into: &out)
            return out
        }
        // parquet-format Encodings.md: 0..7 at bit width 3.
        #expect(encode(Array(0..<8), 3) == [0x03, 0x88, 0xC6, 0xFA])
        #expect(encode(Array(repeating: 1, count: 8), 1) == [0x10, 0x01])
        #expect(encode([0, 1, 0, 1, 0, 1, 0, 1], 1) == [0x03, 0xAA])
        #expect(encode([1, 2, 3], 2) == [0x03, 0x39, 0x00])
        // Three literals borrow five values of the run to fill a group; the rest is one RLE run.
        #expect(encode([1, 2, 3] + Array(repeating: 5, count: 20), 3) == [0x03, 0xD1, 0xDA, 0xB6, 0x1E, 0x05])
        #expect(encode(Array(repeating: 300, count: 1_000), 9) == [0xD0, 0x0F, 0x2C, 0x01])

        var state: UInt64 = 0x1234_5678
        for width in [1, 2, 5, 8, 13, 20, 32] {
            let values: [UInt32] = (0..<5_000).map { i in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let random = UInt32(truncatingIfNeeded: state >> 33)
                let value = (i / 37) % 3 == 0 ? UInt32(i / 37) : random
                return width == 32 ? value : value & ((1 << width) - 1)
            }
            let bytes = encode(values, width)
            let decoded = try bytes.withUnsafeBytes { buffer in
                var decoder = try RLEHybridDecoder(buffer, bitWidth: width)
                return try decoder.decode(count: values.count)
            }
            #expect(decoded == values, "bit width \(width)")
        }
    }

    @Test("bounds truncation: prefixes for minima, rounded-up prefixes for maxima")
    func truncation() {
        let bytes = [UInt8](repeating: 0x41, count: 63) + [0xFF, 0xFF, 0x10]
        #expect(ValueStatistics.truncatedLowerBound(bytes, isUTF8: false) == Array(bytes[0..<64]))
        #expect(
            ValueStatistics.truncatedUpperBound(bytes, isUTF8: false) == [UInt8](repeating: 0x41, count: 62) + [0x42]
        )
        let allFF = [UInt8](repeating: 0xFF, count: 70)
        #expect(ValueStatistics.truncatedUpperBound(allFF, isUTF8: false) == allFF, "no shorter upper bound exists")
        let short = [UInt8](repeating: 0x41, count: 64)
        #expect(ValueStatistics.truncatedUpperBound(short, isUTF8: false) == short)
        // UTF-8: the cut falls inside a 3-byte character, which is dropped from the minimum.
        let text = Array((String(repeating: "a", count: 63) + "€€").utf8)
        #expect(
            ValueStatistics.truncatedLowerBound(text, isUTF8: true) == Array(String(repeating: "a", count: 63).utf8)
        )
        #expect(
            ValueStatistics.truncatedUpperBound(text, isUTF8: true)
                == Array((String(repeating: "a", count: 62) + "b").utf8)
        )
        // The largest scalar cannot be incremented: the one before it is.
        let top = Array(("a" + String(repeating: "\u{10FFFF}", count: 20)).utf8)
        #expect(ValueStatistics.truncatedUpperBound(top, isUTF8: true) == Array("b".utf8))
        // U+D7FF steps over the surrogates to U+E000.
        let surrogate = Array((String(repeating: "\u{D7FF}", count: 30)).utf8)
        #expect(
            ValueStatistics.truncatedUpperBound(surrogate, isUTF8: true)
                == Array((String(repeating: "\u{D7FF}", count: 20) + "\u{E000}").utf8)
        )
    }

    @Test("Snappy: pages of distinct UUID-like strings are stored, not compressed; compressible pages stay compressed")
    func poorlyCompressingPagesAreStored() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer-stored")
        defer { try? FileManager.default.removeItem(at: directory) }
        let rows = 100_000
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func hex(_ count: Int) -> String {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return String(String(state >> 1, radix: 16).suffix(count))
                .padding(toLength: count, withPad: "0", startingAt: 0)
        }
        let uuids = (0..<rows).map { _ in "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))" }
        let names = (0..<rows).map { "customer-\($0)-of-the-northern-region" }
        let schema = Schema([Field("id", .string, isNullable: false), Field("name", .string, isNullable: false)])
        let batch = RecordBatch(
            schema: schema,
            columns: [
                Column(type: .string, values: .bytes(ByteArrays(strings: uuids))),
                Column(type: .string, values: .bytes(ByteArrays(strings: names))),
            ]
        )
        let options = ParquetWriteOptions(compression: .snappy)  // 20,000-row pages
        let path = directory.appendingPathComponent("stored.parquet").path
        let footer = try WriterInteropTests.write([batch], schema: schema, to: path, options: options)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let chunks = footer.rowGroups[0].columns.map { $0.metaData! }
        let ids = try Self.pages(of: chunks[0], in: bytes).filter { $0.header.type == .dataPage }
        let compressed = ids.filter { $0.header.compressedPageSize < $0.header.uncompressedPageSize }
        // Snappy saves ~11% on such a page (the length prefixes): the first page is compressed, then up to 15 are
        // stored as literals before it tries again.
        #expect(ids.count == rows / options.dataPageMaxRows)
        #expect(compressed.count >= 1 && compressed.count <= ids.count / 16 + 1, "\(compressed.count) compressed")
        let stored = ids.filter { $0.header.compressedPageSize >= $0.header.uncompressedPageSize }
        // A stored page: the length's varint and a 3-byte literal tag per 64 KiB.
        #expect(stored.allSatisfy { $0.header.compressedPageSize <= $0.header.uncompressedPageSize * 101 / 100 })
        #expect(stored.count == ids.count - compressed.count)
        let namePages = try Self.pages(of: chunks[1], in: bytes).filter { $0.header.type == .dataPage }
        #expect(namePages.allSatisfy { $0.header.compressedPageSize * 2 < $0.header.uncompressedPageSize })
        try WriterDictionaryTests.expectPyarrowReads(path, batch)
    }
}
