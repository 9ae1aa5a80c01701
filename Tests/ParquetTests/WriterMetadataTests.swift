import Columnar
import Foundation
import TestSupport
import Testing

@testable import Parquet

/// The footer, statistics, offsets and page index of files we write, as pyarrow reads them (and, where
/// pyarrow does not expose a field, as the page bytes decode).
@Suite("Writer metadata", .tags(.pythonPeers), .needsPythonPeers)
struct WriterMetadataTests {
    /// Dumps what pyarrow reads from a footer as JSON.
    static let script = #"""
        import sys, json
        import pyarrow.parquet as pq

        def show(s, which):
            try:
                v = getattr(s, which)
            except ValueError:
                v = getattr(s, which + '_raw')
            if isinstance(v, (bytes, bytearray)):
                return v.hex()
            return None if v is None else str(v)

        f = pq.ParquetFile(sys.argv[1])
        m = f.metadata
        out = {
            'created_by': m.created_by, 'num_rows': m.num_rows, 'num_row_groups': m.num_row_groups,
            'kv': {k.decode(): v.decode() for k, v in (m.metadata or {}).items()},
            'schema': [{'name': c.name, 'physical': c.physical_type, 'logical': str(c.logical_type),
                        'converted': c.converted_type, 'max_def': c.max_definition_level}
                       for c in (f.schema.column(i) for i in range(len(f.schema)))],
            'row_groups': [],
        }
        for g in range(m.num_row_groups):
            rg = m.row_group(g)
            group = {'num_rows': rg.num_rows, 'total_byte_size': rg.total_byte_size, 'columns': []}
            for c in range(rg.num_columns):
                cc = rg.column(c)
                s = cc.statistics
                group['columns'].append({
                    'file_offset': cc.file_offset, 'data_page_offset': cc.data_page_offset,
                    'dictionary_page_offset': cc.dictionary_page_offset, 'has_dictionary_page': cc.has_dictionary_page,
                    'total_compressed_size': cc.total_compressed_size,
                    'total_uncompressed_size': cc.total_uncompressed_size, 'num_values': cc.num_values,
                    'encodings': list(cc.encodings), 'compression': cc.compression,
                    'has_column_index': cc.has_column_index, 'has_offset_index': cc.has_offset_index,
                    'stats': None if s is None else {
                        'has_min_max': s.has_min_max, 'null_count': s.null_count,
                        'min': show(s, 'min') if s.has_min_max else None,
                        'max': show(s, 'max') if s.has_min_max else None,
                    },
                })
            out['row_groups'].append(group)
        print(json.dumps(out))
        """#

    struct Footer: Decodable {
        struct Column: Decodable {
            var name: String
            var physical: String
            var logical: String
            var converted: String
            var max_def: Int
        }
        struct Stats: Decodable {
            var has_min_max: Bool
            var null_count: Int?
            var min: String?
            var max: String?
        }
        struct Chunk: Decodable {
            var file_offset: Int
            var data_page_offset: Int
            var dictionary_page_offset: Int?
            var has_dictionary_page: Bool
            var total_compressed_size: Int
            var total_uncompressed_size: Int
            var num_values: Int
            var encodings: [String]
            var compression: String
            var has_column_index: Bool
            var has_offset_index: Bool
            var stats: Stats?
        }
        struct Group: Decodable {
            var num_rows: Int
            var total_byte_size: Int
            var columns: [Chunk]
        }
        var created_by: String
        var num_rows: Int
        var num_row_groups: Int
        var kv: [String: String]
        var schema: [Column]
        var row_groups: [Group]
    }

    static func footer(_ path: String) throws -> Footer {
        try JSONDecoder().decode(Footer.self, from: Data(try Python.run(script, [path]).utf8))
    }

    static func column(_ name: String, _ type: DataType, _ values: ColumnValues, nulls: [Int] = []) -> (Field, Column) {
        let validity: [Bool]? = nulls.isEmpty ? nil : (0..<values.count).map { !nulls.contains($0) }
        return (Field(name, type, isNullable: true), Column(type: type, values: values, validity: validity))
    }

    @Test("statistics: signed and unsigned order, unsigned-byte strings, truncation, NaN and zeros, all-null")
    func statistics() throws {
        let long = String(repeating: "x", count: 100) + "1"
        let accented = String(repeating: "é", count: 50)
        let columns = [
            Self.column("i32", .int32, .int32([3, -5, 0, 7]), nulls: [2]),
            Self.column("u32", .uint32, .int32([1, -1, 5, 7])),
            Self.column("u64", .uint64, .int64([-1, 2, 3, 4])),
            Self.column("str", .string, .bytes(ByteArrays(strings: ["b", "é", "a", "ab"]))),
            Self.column("long", .string, .bytes(ByteArrays(strings: [long, accented, long, long]))),
            Self.column("nulls", .string, .bytes(ByteArrays(strings: ["", "", "", ""])), nulls: [0, 1, 2, 3]),
            Self.column("f64", .double, .double([0.0, -0.0, .nan, 2.5])),
            Self.column("f32", .float, .float([.nan, 0.0, -1.5, .nan])),
            Self.column("bool", .boolean, .boolean([true, true, false, true])),
            Self.column(
                "dec",
                .decimal(precision: 30, scale: 2),
                .bytes(ByteArrays(offsets: [0, 1, 2, 3, 4], data: [0xFF, 0x05, 0x9C, 0x00]))
            ),
            Self.column(
                "fixed",
                .fixedBinary(2),
                .bytes(ByteArrays(offsets: [0, 2, 4, 6, 8], data: [0xFF, 0, 0, 1, 0x80, 0, 0x7F, 0xFF]))
            ),
            Self.column("date", .date, .int32([19_000, -3, 4, 5])),
        ]
        let schema = Schema(columns.map(\.0))
        let batch = RecordBatch(schema: schema, columns: columns.map(\.1))
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stats.parquet").path
        let written = try WriterInteropTests.write([batch], schema: schema, to: path, options: ParquetWriteOptions())
        let footer = try Self.footer(path)
        let stats = footer.row_groups[0].columns.map { $0.stats! }
        func check(
            _ i: Int,
            _ min: String?,
            _ max: String?,
            nulls: Int,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            #expect(stats[i].min == min, "\(schema.names[i]) min", sourceLocation: sourceLocation)
            #expect(stats[i].max == max, "\(schema.names[i]) max", sourceLocation: sourceLocation)
            #expect(stats[i].null_count == nulls, "\(schema.names[i]) null_count", sourceLocation: sourceLocation)
            #expect(
                stats[i].has_min_max == (min != nil),
                "\(schema.names[i]) has_min_max",
                sourceLocation: sourceLocation
            )
        }
        check(0, "-5", "7", nulls: 1)
        check(1, "1", "4294967295", nulls: 0)
        check(2, "2", "18446744073709551615", nulls: 0)
        check(3, "a", "é", nulls: 0)
        // 64-byte prefixes; the max's last character rounded up (é → ê) so it still bounds the values.
        check(4, String(repeating: "x", count: 64), String(repeating: "é", count: 31) + "ê", nulls: 0)
        check(5, nil, nil, nulls: 4)
        check(6, "-0.0", "2.5", nulls: 0)
        check(7, "-1.5", "0.0", nulls: 0)
        check(8, "False", "True", nulls: 0)
        check(9, "-1.00", "0.05", nulls: 0)
        check(10, "0001", "ff00", nulls: 0)
        check(11, "1969-12-29", "2022-01-08", nulls: 0)

        // Exactness flags and NaN counts are not exposed by pyarrow: check the footer we wrote.
        let chunkStats = written.rowGroups[0].columns.map { $0.metaData!.statistics! }
        #expect(chunkStats[0].isMinValueExact == true && chunkStats[0].isMaxValueExact == true)
        #expect(chunkStats[4].isMinValueExact == false && chunkStats[4].isMaxValueExact == false)
        #expect(chunkStats[4].minValue?.count == 64)
        #expect(chunkStats[6].nanCount == 1 && chunkStats[7].nanCount == 2)
        #expect(chunkStats[5].minValue == nil && chunkStats[5].nullCount == 4)
        #expect(written.columnOrders == Array(repeating: .typeDefinedOrder, count: columns.count))
    }

    @Test(
        "layout: offsets, sizes with headers, dictionary pages, num_values with nulls, created_by, key-value metadata"
    )
    func layout() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        for dictionary in [true, false] {
            for pageVersion in ParquetWriteOptions.PageVersion.allCases {
                let batch = WriterTestData.allTypes(rows: 3_000, nullable: true)
                var options = ParquetWriteOptions(
                    compression: .snappy,
                    pageVersion: pageVersion,
                    dictionary: dictionary
                )
                options.rowGroupMaxRows = 1_200
                options.dataPageMaxRows = 500
                // The layout of dictionary and PLAIN pages (the delta choice is covered by WriterDeltaTests).
                options.deltaEncoding = false
                options.abandonsUselessDictionaries = false
                options.keyValueMetadata = ["origin": "sluice tests", "ünïcode": "✓"]
                let path = directory.appendingPathComponent("layout-\(dictionary)-\(pageVersion).parquet").path
                try WriterInteropTests.write([batch], schema: batch.schema, to: path, options: options)
                let footer = try Self.footer(path)
                let label = "dictionary=\(dictionary) \(pageVersion)"
                #expect(footer.created_by == "sluice version 0.1.0", "\(label)")
                #expect(footer.num_rows == 3_000)
                #expect(footer.row_groups.map(\.num_rows) == [1_200, 1_200, 600], "\(label)")
                #expect(footer.kv == options.keyValueMetadata, "\(label)")
                #expect(footer.schema.map(\.max_def) == Array(repeating: 1, count: batch.columns.count))
                var position = 4  // after the leading magic
                for group in footer.row_groups {
                    var uncompressed = 0
                    for (c, chunk) in group.columns.enumerated() {
                        let name = batch.schema.names[c]
                        let start = chunk.dictionary_page_offset ?? chunk.data_page_offset
                        // Chunks are back to back, so each total size covers every page and header.
                        #expect(start == position, "\(label) \(name): chunk starts where the previous ended")
                        position = start + chunk.total_compressed_size
                        uncompressed += chunk.total_uncompressed_size
                        #expect(chunk.file_offset == 0, "\(label) \(name): file_offset")
                        #expect(chunk.num_values == group.num_rows, "\(label) \(name): num_values counts nulls")
                        #expect(chunk.compression == "SNAPPY")
                        #expect(chunk.has_column_index && chunk.has_offset_index, "\(label) \(name): page index")
                        let isBoolean = batch.schema.fields[c].type == .boolean
                        if dictionary && !isBoolean {
                            #expect(chunk.has_dictionary_page, "\(label) \(name): dictionary page")
                            #expect(chunk.dictionary_page_offset != nil && chunk.data_page_offset > start)
                            #expect(chunk.encodings == ["PLAIN", "RLE", "RLE_DICTIONARY"], "\(label) \(name)")
                        } else {
                            #expect(!chunk.has_dictionary_page && chunk.dictionary_page_offset == nil)
                            let expected = isBoolean && pageVersion == .v2 ? ["RLE"] : ["PLAIN", "RLE"]
                            #expect(chunk.encodings == expected, "\(label) \(name)")
                        }
                    }
                    #expect(group.total_byte_size == uncompressed, "\(label): total_byte_size is uncompressed")
                }
            }
        }
    }

    @Test("a dictionary that outgrows its limit falls back to PLAIN within the chunk")
    func dictionaryFallback() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let strings = (0..<5_000).map { "value number \($0)" }
        let schema = Schema([Field("s", .string, isNullable: false), Field("i", .int64, isNullable: false)])
        let batch = RecordBatch(
            schema: schema,
            columns: [
                Column(type: .string, values: .bytes(ByteArrays(strings: strings))),
                Column(type: .int64, values: .int64((0..<5_000).map { Int64($0 % 10) })),
            ]
        )
        var options = ParquetWriteOptions()
        options.dictionaryPageSizeLimit = 4_096
        options.dataPageMaxRows = 100
        // Distinct strings: the dictionary is kept until it outgrows its limit (not given up on the first page).
        options.abandonsUselessDictionaries = false
        let path = directory.appendingPathComponent("fallback.parquet").path
        let written = try WriterInteropTests.write([batch], schema: schema, to: path, options: options)
        let footer = try Self.footer(path)
        let strs = footer.row_groups[0].columns[0]
        #expect(strs.has_dictionary_page)
        #expect(strs.encodings == ["PLAIN", "RLE", "RLE_DICTIONARY"])
        let stats = written.rowGroups[0].columns[0].metaData!.encodingStats!
        let plainPages = stats.first { $0.pageType == .dataPage && $0.encoding == .plain }?.count ?? 0
        let dictionaryPages = stats.first { $0.pageType == .dataPage && $0.encoding == .rleDictionary }?.count ?? 0
        #expect(plainPages > 0 && dictionaryPages > 0, "both kinds of data pages: \(stats)")
        // The low-cardinality column keeps its dictionary throughout.
        let ints = written.rowGroups[0].columns[1].metaData!.encodingStats!
        #expect(!ints.contains { $0.encoding == .plain && $0.pageType == .dataPage })
        let results = try WriterPeers.read([
            WriterPeers.Job(path: path, kinds: ["string", "int"], readers: WriterPeers.readers)
        ])
        WriterInteropTests.expectEqual(results[path] ?? [:], [batch], schema: schema, label: "fallback")
    }

    @Test("row groups and pages are cut by size")
    func cutBySize() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = Schema([Field("s", .string, isNullable: false)])
        let values = (0..<20_000).map { "row \($0) " + String(repeating: "z", count: $0 % 50) }
        let batch = RecordBatch(
            schema: schema,
            columns: [Column(type: .string, values: .bytes(ByteArrays(strings: values)))]
        )
        var options = ParquetWriteOptions(compression: .uncompressed, dictionary: false)
        options.rowGroupMaxBytes = 200_000
        options.dataPageSize = 16_384
        let path = directory.appendingPathComponent("sized.parquet").path
        let written = try WriterInteropTests.write([batch], schema: schema, to: path, options: options)
        #expect(written.rowGroups.count >= 3)
        for group in written.rowGroups {
            let chunk = group.columns[0].metaData!
            // A row group closes on the first check past the limit: at most one step of rows over.
            #expect(chunk.totalCompressedSize < 200_000 + 16_384 * 64)
        }
        let pageCounts = written.rowGroups.map {
            $0.columns[0].metaData!.encodingStats!.reduce(0) { $0 + Int($1.count) }
        }
        #expect(pageCounts.dropLast().allSatisfy { $0 >= 8 }, "pages of about 16 KiB: \(pageCounts)")
        let results = try WriterPeers.read([WriterPeers.Job(path: path, kinds: ["string"], readers: ["pyarrow"])])
        #expect(results[path]?["pyarrow"]?.rows?.map { $0[0] } == values)
    }

    @Test("statistics and the page index can be turned off")
    func optionalMetadata() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let batch = WriterTestData.allTypes(rows: 300, nullable: true)
        for (statistics, pageIndex) in [(false, false), (false, true), (true, false)] {
            var options = ParquetWriteOptions()
            options.writeStatistics = statistics
            options.writePageIndex = pageIndex
            let path = directory.appendingPathComponent("optional-\(statistics)-\(pageIndex).parquet").path
            try WriterInteropTests.write([batch], schema: batch.schema, to: path, options: options)
            let footer = try Self.footer(path)
            for chunk in footer.row_groups[0].columns {
                #expect((chunk.stats != nil) == statistics)
                #expect(chunk.has_offset_index == pageIndex)
                // The column index holds per-page bounds, so it needs statistics.
                #expect(chunk.has_column_index == (pageIndex && statistics))
            }
            let results = try WriterPeers.read([
                WriterPeers.Job(
                    path: path,
                    kinds: batch.schema.fields.map { WriterPeers.kind(of: $0.type) },
                    readers: WriterPeers.readers
                )
            ])
            WriterInteropTests.expectEqual(
                results[path] ?? [:],
                [batch],
                schema: batch.schema,
                label: "statistics=\(statistics) pageIndex=\(pageIndex)"
            )
        }
    }

    @Test("the writer streams: finished row groups reach the file before close, at most one row group behind")
    func streams() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stream.parquet").path
        let schema = Schema(WriterTestData.fields(nullable: true))
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 1_000
        let writer = try ParquetWriter(path: path, schema: schema, options: options)
        func fileSize() throws -> Int {
            try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        }
        var sizes: [Int] = []
        for n in 0..<4 {
            try writer.write(WriterTestData.allTypes(rows: 1_000, nullable: true, offset: n * 1_000))
            sizes.append(try fileSize())
        }
        // Row groups are written in the background, one at a time: flushing a row group waits for the one before.
        #expect(zip(sizes, sizes.dropFirst(2)).allSatisfy { $0 < $1 }, "each row group is written out: \(sizes)")
        let footer = try writer.close()
        #expect(footer.rowGroups.count == 4)
        #expect(try fileSize() > sizes.last!)
    }
}
