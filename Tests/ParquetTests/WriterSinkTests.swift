import Columnar
import Foundation
import Parquet
import Storage
import TestSupport
import Testing

/// The writer over a ``ByteSink``: the same bytes as a local file, closed once on success, aborted on any failure
/// or when dropped unclosed.
@Suite("Writer sinks", .tags(.pythonPeers), .needsPythonPeers)
struct WriterSinkTests {
    static let schema = WriterTestData.allTypes(rows: 1, nullable: true).schema

    static func options() -> ParquetWriteOptions {
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 1_500
        return options
    }

    static func write(_ writer: ParquetWriter) throws {
        for offset in stride(from: 0, to: 4_000, by: 1_000) {
            try writer.write(WriterTestData.allTypes(rows: 1_000, nullable: true, offset: offset))
        }
    }

    @Test func aMemorySinkGetsTheBytesOfTheFile() throws {
        let sink = MemoryByteSink(name: "memory://out.parquet")
        let writer = try ParquetWriter(sink: sink, schema: Self.schema, options: Self.options())
        #expect(writer.path == "memory://out.parquet")
        try Self.write(writer)
        let footer = try writer.close()
        #expect(footer.rowGroups.count == 3)
        #expect(sink.closes == 1)
        #expect(sink.aborts == 0)

        // The same bytes as the path writer's file.
        let directory = try Paths.temporaryDirectory("sluice-writer-sink")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.parquet").path
        let local = try ParquetWriter(path: path, schema: Self.schema, options: Self.options())
        try Self.write(local)
        try local.close()
        let bytes = sink.bytes
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)

        // pyarrow reads the bytes (written to a file of their own), and so does the reader over a memory source.
        let copy = directory.appendingPathComponent("copy.parquet").path
        try Data(bytes).write(to: URL(fileURLWithPath: copy))
        let expected = RecordBatch.concatenate(
            stride(from: 0, to: 4_000, by: 1_000).map {
                WriterTestData.allTypes(rows: 1_000, nullable: true, offset: $0)
            },
            schema: Self.schema
        )
        try WriterDictionaryTests.expectPyarrowReads(copy, expected)
        let reader = try ParquetReader(source: MemoryByteSource(bytes, name: "memory://out.parquet"))
        let batches = try reader.readRowGroups(Array(0..<reader.rowGroupCount))
        #expect(WriterPeers.canonicalRows(batches) == WriterPeers.canonicalRows([expected]))
    }

    @Test(arguments: [0, 1, 5, -2, -1])
    func aFailingWriteNamesTheSinkAndAbortsIt(fromStartOrEnd: Int) throws {
        // Write 0 is the leading magic; then row-group buffers (on the write-behind thread), the page index
        // and, last (-1), the footer.
        let count = MemoryByteSink()
        let complete = try ParquetWriter(sink: count, schema: Self.schema, options: Self.options())
        try Self.write(complete)
        try complete.close()
        let failing = fromStartOrEnd >= 0 ? fromStartOrEnd : count.writes + fromStartOrEnd
        let sink = MemoryByteSink(name: "s3://bucket/out.parquet", failingWrite: failing)
        do {
            let writer = try ParquetWriter(sink: sink, schema: Self.schema, options: Self.options())
            try Self.write(writer)
            try writer.close()
            Issue.record("the writer did not fail")
        } catch let error as ParquetError {
            #expect(error.kind == .io)
            #expect(error.path == "s3://bucket/out.parquet")
            #expect(error.description.contains("s3://bucket/out.parquet"))
            #expect(error.description.contains("injected failure of write \(failing)"))
            #expect(error.offset != nil)
        }
        #expect(sink.aborts == 1)
        #expect(sink.closes == 0)
    }

    @Test func aStorageErrorOfTheSinkKeepsItsText() throws {
        let sink = MemoryByteSink(
            name: "s3://bucket/out.parquet",
            failingWrite: 1,
            failingWriteError: StorageError(name: "s3://bucket/out.parquet", offset: 4, message: "UploadPart failed")
        )
        let writer = try ParquetWriter(sink: sink, schema: Self.schema, options: Self.options())
        #expect(throws: ParquetError(.io, "UploadPart failed", path: "s3://bucket/out.parquet", offset: 4)) {
            try Self.write(writer)
            try writer.close()
        }
        #expect(sink.aborts == 1)
    }

    @Test func aFailingCloseAbortsTheSink() throws {
        let sink = MemoryByteSink(name: "s3://bucket/out.parquet", failsClose: true)
        let writer = try ParquetWriter(sink: sink, schema: Self.schema, options: Self.options())
        try Self.write(writer)
        #expect(throws: ParquetError(.io, "close failed: injected", path: "s3://bucket/out.parquet")) {
            try writer.close()
        }
        #expect(sink.closes == 1)
        #expect(sink.aborts == 1)
    }

    @Test func badInputAndDroppingTheWriterAbortTheSink() throws {
        let required = Schema([Field("id", .int32, isNullable: false)])
        let bad = MemoryByteSink()
        do {
            let writer = try ParquetWriter(sink: bad, schema: required)
            #expect(throws: ParquetError.self) {
                try writer.write(
                    RecordBatch(
                        schema: required,
                        columns: [Column(type: .int32, values: .int32([1, 2]), validity: [true, false])]
                    )
                )
            }
            #expect(bad.aborts == 1)  // at once: the file cannot be finished
            #expect(throws: ParquetError.self) { try writer.close() }
        }
        #expect(bad.aborts == 1)
        #expect(bad.closes == 0)

        let dropped = MemoryByteSink()
        do {
            let writer = try ParquetWriter(sink: dropped, schema: Self.schema, options: Self.options())
            try Self.write(writer)
        }
        #expect(dropped.aborts == 1)
        #expect(dropped.closes == 0)

        let invalid = MemoryByteSink()
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = 0
        #expect(throws: ParquetError.self) { _ = try ParquetWriter(sink: invalid, schema: required, options: options) }
        #expect(invalid.aborts == 1)
        #expect(invalid.writes == 0)
    }

    @Test func aDroppedOrFailedLocalWriterLeavesNoFile() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer-abort")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("part.parquet").path
        do {
            let writer = try ParquetWriter(path: path, schema: Self.schema, options: Self.options())
            try Self.write(writer)
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
