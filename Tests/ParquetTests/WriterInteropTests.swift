import Columnar
import Foundation
import Parquet
import TestSupport
import Testing

/// Files written by Sluice, read back by pyarrow, DuckDB and Polars: the values must equal the source exactly.
@Suite("Writer interop", .tags(.pythonPeers), .needsPythonPeers)
struct WriterInteropTests {
    /// Writes `batches` to `path` and returns the footer.
    @discardableResult
    static func write(
        _ batches: [RecordBatch],
        schema: Schema,
        to path: String,
        options: ParquetWriteOptions
    ) throws
        -> FileMetaData
    {
        let writer = try ParquetWriter(path: path, schema: schema, options: options)
        for batch in batches { try writer.write(batch) }
        return try writer.close()
    }

    /// Checks that every reader returned exactly the canonical rows of `batches`.
    static func expectEqual(
        _ results: [String: WriterPeers.Result],
        _ batches: [RecordBatch],
        schema: Schema,
        label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let expected = WriterPeers.canonicalRows(batches)
        for reader in WriterPeers.readers {
            guard let result = results[reader] else {
                Issue.record("\(label): no result from \(reader)", sourceLocation: sourceLocation)
                continue
            }
            if let error = result.error {
                Issue.record("\(label): \(reader) failed: \(error)", sourceLocation: sourceLocation)
                continue
            }
            #expect(result.names == schema.names, "\(label): \(reader) column names", sourceLocation: sourceLocation)
            if reader == "pyarrow" {
                #expect(
                    result.types == schema.fields.map { WriterPeers.pyarrowType(of: $0.type) },
                    "\(label): pyarrow types",
                    sourceLocation: sourceLocation
                )
            }
            let rows = result.rows ?? []
            #expect(rows.count == expected.count, "\(label): \(reader) row count", sourceLocation: sourceLocation)
            if let i = (0..<min(rows.count, expected.count)).first(where: { rows[$0] != expected[$0] }) {
                let column = (0..<min(rows[i].count, expected[i].count)).first { rows[i][$0] != expected[i][$0] } ?? 0
                Issue.record(
                    """
                    \(label): \(reader) row \(i) column \(schema.names[column]): \
                    got \(rows[i][column] ?? "null"), expected \(expected[i][column] ?? "null")
                    """,
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    @Test("every type, with and without nulls, for each codec, page version and dictionary setting")
    func everyTypeEveryConfiguration() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        var jobs: [WriterPeers.Job] = []
        var sources: [String: (label: String, batches: [RecordBatch], schema: Schema)] = [:]
        for compression in ParquetWriteOptions.Compression.allCases {
            for pageVersion in ParquetWriteOptions.PageVersion.allCases {
                for dictionary in [true, false] {
                    for nullable in [true, false] {
                        let batches = [
                            WriterTestData.allTypes(rows: 700, nullable: nullable),
                            WriterTestData.allTypes(rows: 555, nullable: nullable, offset: 700),
                        ]
                        let schema = batches[0].schema
                        let label = "\(compression) \(pageVersion) dictionary=\(dictionary) nullable=\(nullable)"
                        let path = directory.appendingPathComponent(
                            "\(compression)-\(pageVersion)-\(dictionary)-\(nullable).parquet"
                        ).path
                        var options = ParquetWriteOptions(
                            compression: compression,
                            pageVersion: pageVersion,
                            dictionary: dictionary
                        )
                        options.dataPageMaxRows = 400
                        try Self.write(batches, schema: schema, to: path, options: options)
                        jobs.append(
                            WriterPeers.Job(
                                path: path,
                                kinds: schema.fields.map { WriterPeers.kind(of: $0.type) },
                                readers: WriterPeers.readers
                            )
                        )
                        sources[path] = (label, batches, schema)
                    }
                }
            }
        }
        let results = try WriterPeers.read(jobs)
        for job in jobs {
            let source = sources[job.path]!
            Self.expectEqual(results[job.path] ?? [:], source.batches, schema: source.schema, label: source.label)
        }
    }

    @Test("the empty table, a single row, row-group boundaries, forced dictionary fallback")
    func edgeShapes() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        var cases: [(label: String, batches: [RecordBatch], schema: Schema, options: ParquetWriteOptions)] = []
        let schema = Schema(WriterTestData.fields(nullable: true))
        cases.append(("empty, no batches", [], schema, ParquetWriteOptions()))
        cases.append(("empty batch", [RecordBatch.empty(schema)], schema, ParquetWriteOptions()))
        cases.append(("single row", [WriterTestData.allTypes(rows: 1, nullable: true)], schema, ParquetWriteOptions()))
        cases.append(
            (
                "single row v2 zstd", [WriterTestData.allTypes(rows: 1, nullable: false, offset: 3)],
                Schema(WriterTestData.fields(nullable: false)),
                ParquetWriteOptions(compression: .zstd, pageVersion: .v2)
            )
        )
        var small = ParquetWriteOptions()
        small.rowGroupMaxRows = 100
        cases.append(
            (
                "row groups of 100", (0..<4).map { WriterTestData.allTypes(rows: 70, nullable: true, offset: $0 * 70) },
                schema, small
            )
        )
        var fallback = ParquetWriteOptions(compression: .gzip)
        fallback.dictionaryPageSizeLimit = 64
        fallback.dataPageMaxRows = 50
        cases.append(
            ("dictionary fallback", [WriterTestData.allTypes(rows: 600, nullable: true)], schema, fallback)
        )
        var jobs: [WriterPeers.Job] = []
        var paths: [String] = []
        for (n, item) in cases.enumerated() {
            let path = directory.appendingPathComponent("case\(n).parquet").path
            try Self.write(item.batches, schema: item.schema, to: path, options: item.options)
            paths.append(path)
            jobs.append(
                WriterPeers.Job(
                    path: path,
                    kinds: item.schema.fields.map { WriterPeers.kind(of: $0.type) },
                    readers: WriterPeers.readers
                )
            )
        }
        let results = try WriterPeers.read(jobs)
        for (item, path) in zip(cases, paths) {
            Self.expectEqual(results[path] ?? [:], item.batches, schema: item.schema, label: item.label)
        }
    }

    @Test("a larger file, columns encoded on both cores, several row groups")
    func largerFile() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let batches = [
            WriterTestData.allTypes(rows: 25_000, nullable: true),
            WriterTestData.allTypes(rows: 15_000, nullable: true, offset: 25_000),
        ]
        let schema = batches[0].schema
        var options = ParquetWriteOptions(compression: .zstd)
        options.rowGroupMaxRows = 15_000
        let path = directory.appendingPathComponent("large.parquet").path
        let footer = try Self.write(batches, schema: schema, to: path, options: options)
        #expect(footer.rowGroups.map(\.numRows) == [15_000, 15_000, 10_000])
        let results = try WriterPeers.read([
            WriterPeers.Job(
                path: path,
                kinds: schema.fields.map { WriterPeers.kind(of: $0.type) },
                readers: ["pyarrow"]
            )
        ])
        var expected = results[path] ?? [:]
        expected = expected.filter { $0.key == "pyarrow" }
        let rows = WriterPeers.canonicalRows(batches)
        let got = expected["pyarrow"]?.rows ?? []
        #expect(got.count == rows.count)
        if let i = (0..<min(got.count, rows.count)).first(where: { got[$0] != rows[$0] }) {
            Issue.record("row \(i): got \(got[i]), expected \(rows[i])")
        }
    }
}
