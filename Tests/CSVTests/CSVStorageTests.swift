import Columnar
import Foundation
import Storage
import TestSupport
import Testing

@testable import CSV

/// The reader over a ``SequentialByteSource`` and the writer over a ``ByteSink``: the same rows and bytes as the
/// path initialisers, errors naming the source or sink, sinks aborted on failure.
@Suite struct CSVStorageTests {
    static let sales = Paths.sample("SalesPipeline_QuickSightSample.csv").path

    static func salesBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: sales)))
    }

    @Test(arguments: [1, 2])
    func aSourceReadsTheRowsOfThePath(threads: Int) throws {
        let columns = try CSVReader.inferSchema(path: Self.sales)
        // Small chunks, so that the read-ahead thread and the split into parts are used many times.
        var options = CSVOptions(chunkSize: 64 << 10, threads: threads)
        options.batchSize = 1_000
        let expected = try readRows(Self.sales, columns: columns, options: options)
        #expect(expected.count > 1_000)
        let source = MemorySequentialSource(try Self.salesBytes(), name: "s3://bucket/sales.csv")
        let reader = try CSVReader(source: source, columns: columns, options: options)
        #expect(reader.path == "s3://bucket/sales.csv")
        #expect(reader.fileSize == source.bytes.count)
        #expect(try rows(of: reader) == expected)
        #expect(reader.bytesRead == source.bytes.count)
        #expect(source.readCount > source.bytes.count / (64 << 10))
    }

    @Test func inferenceReadsTheSourceAgainThroughReopen() throws {
        let bytes = try Self.salesBytes()
        #expect(
            try CSVReader.inferSchema(source: MemorySequentialSource(bytes)) == CSVReader.inferSchema(path: Self.sales)
        )
        let projection = ["Region", "Forecasted Monthly Revenue", "Date"]
        let expected = try readRows(Self.sales, columns: nil, projection: projection)
        var reopened = 0
        let reader = try CSVReader(
            source: MemorySequentialSource(bytes),
            columns: nil,
            projection: projection,
            reopen: {
                reopened += 1
                return MemorySequentialSource(bytes)
            }
        )
        #expect(reopened == 1)
        #expect(reader.schema.fields.map(\.type) == [.string, .int64, .date])
        #expect(try rows(of: reader) == expected)

        // Every column typed: no second read is needed.
        let typed = try CSVReader(
            source: MemorySequentialSource(bytes),
            columns: [CSVColumn(name: "Region", type: .string(emptyIsNull: true))],
            projection: ["Region"]
        )
        #expect(try rows(of: typed).count == expected.count)

        // Columns to infer and no way to read the source again: a clear error.
        let error = csvError {
            _ = try CSVReader(source: MemorySequentialSource(bytes, name: "s3://b/sales.csv"), columns: nil)
        }
        #expect(error?.file == "s3://b/sales.csv")
        #expect(error?.description.contains("need a second read of the source") == true)
    }

    @Test func aFailingSourceIsAnErrorNamingIt() throws {
        let bytes = try Self.salesBytes()
        let columns = try CSVReader.inferSchema(path: Self.sales)
        let source = MemorySequentialSource(bytes, name: "s3://bucket/sales.csv", failAfter: 100_000)
        let reader = try CSVReader(source: source, columns: columns, options: CSVOptions(chunkSize: 32 << 10))
        let error = csvError { _ = try rows(of: reader) }
        #expect(error?.description == "s3://bucket/sales.csv: read failed: injected")

        let early = csvError {
            _ = try CSVReader(
                source: MemorySequentialSource(bytes, name: "s3://b/k.csv", failAfter: 0),
                columns: columns
            )
        }
        #expect(early?.description == "s3://b/k.csv: read failed: injected")
    }

    static let batch = RecordBatch(
        schema: Schema([Field("id", .int64), Field("name", .string), Field("day", .date)]),
        columns: [
            Column(type: .int64, values: .int64(Array(0..<50_000))),
            Column(
                type: .string,
                values: .bytes(ByteArrays(strings: (0..<50_000).map { $0 % 3 == 0 ? "a,\"b\"" : "row \($0)" })),
                validity: (0..<50_000).map { $0 % 5 != 0 }
            ),
            Column(type: .date, values: .int32((0..<50_000).map { Int32($0 % 20_000) })),
        ]
    )

    @Test func aSinkGetsTheBytesOfTheFile() throws {
        let sink = MemoryByteSink(name: "s3://bucket/out.csv")
        let writer = CSVWriter(sink: sink, schema: Self.batch.schema)
        #expect(writer.path == "s3://bucket/out.csv")
        try writer.write(Self.batch)
        try writer.write(Self.batch)
        try writer.close()
        try writer.close()
        #expect(sink.closes == 1)
        #expect(sink.aborts == 0)
        #expect(sink.writes > 1)  // in pieces of about 1 MiB

        let directory = try Paths.temporaryDirectory("sluice-csv-sink")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.csv").path
        let local = try CSVWriter(path: path, schema: Self.batch.schema)
        try local.write(Self.batch)
        try local.write(Self.batch)
        try local.close()
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == sink.bytes)
        let start = "id,name,day\n0,,1970-01-01\n1,row 1,1970-01-02\n2,row 2,1970-01-03\n3,\"a,\"\"b\"\"\",1970-01-04\n"
        #expect(sink.bytes.starts(with: Array(start.utf8)))
    }

    @Test func aFailingSinkIsAnErrorNamingItAndIsAborted() throws {
        let sink = MemoryByteSink(name: "s3://bucket/out.csv", failingWrite: 1)
        let writer = CSVWriter(sink: sink, schema: Self.batch.schema)
        let error = csvError {
            try writer.write(Self.batch)
            try writer.write(Self.batch)
            try writer.close()
        }
        #expect(error?.file == "s3://bucket/out.csv")
        #expect(error?.description == "s3://bucket/out.csv: write failed: injected failure of write 1")
        #expect(sink.aborts == 1)
        #expect(sink.closes == 0)
        #expect(
            csvError { try writer.write(Self.batch) }?.kind == .io("the writer is closed or an earlier write failed")
        )

        let closing = MemoryByteSink(name: "s3://bucket/out.csv", failsClose: true)
        let closed = CSVWriter(sink: closing, schema: Self.batch.schema)
        try closed.write(Self.batch)
        #expect(csvError { try closed.close() }?.description == "s3://bucket/out.csv: close failed: injected")
        #expect(closing.aborts == 1)

        let dropped = MemoryByteSink()
        do {
            let writer = CSVWriter(sink: dropped, schema: Self.batch.schema)
            try writer.write(Self.batch)
        }
        #expect(dropped.aborts == 1)
        #expect(dropped.closes == 0)
    }

    @Test func aFileThatCannotBeCreated() {
        let error = csvError { _ = try CSVWriter(path: "/nonexistent/dir/out.csv", schema: Self.batch.schema) }
        #expect(error?.description == "/nonexistent/dir/out.csv:0: cannot create the file: No such file or directory")
    }
}
