import Columnar
import Foundation
import Parquet
import TestSupport
import Testing

/// Bad input to the writer is an error naming the file, the column and what was expected.
@Suite("Writer errors")
struct WriterErrorTests {
    static func expectError(
        _ kind: ParquetError.Kind,
        column: String? = nil,
        containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected an error containing \"\(text)\"", sourceLocation: sourceLocation)
        } catch let error as ParquetError {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
            #expect(error.path != nil, "names the file: \(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("nulls in a non-nullable column, wrong fixed widths, oversized decimals, schema mismatches, misuse")
    func errors() throws {
        let directory = try Paths.temporaryDirectory("sluice-writer")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.parquet").path

        let required = Schema([Field("id", .int32, isNullable: false)])
        Self.expectError(.invalidArgument, column: "id", containing: "row 2 is null") {
            let writer = try ParquetWriter(path: path, schema: required)
            try writer.write(
                RecordBatch(
                    schema: required,
                    columns: [Column(type: .int32, values: .int32([1, 2, 3]), validity: [true, true, false])]
                )
            )
        }

        Self.expectError(.invalidArgument, containing: "an earlier write failed") {
            let writer = try ParquetWriter(path: path, schema: required)
            let bad = RecordBatch(
                schema: required,
                columns: [Column(type: .int32, values: .int32([1]), validity: [false])]
            )
            try? writer.write(bad)
            try writer.close()
        }

        let narrow = Schema([Field("u8", .uint8)])
        Self.expectError(.invalidArgument, column: "u8", containing: "row 1 holds 256, outside the uint8 range 0...255")
        {
            let writer = try ParquetWriter(path: path, schema: narrow)
            try writer.write(
                RecordBatch(
                    schema: narrow,
                    columns: [Column(type: .uint8, values: .int32([255, 256, -1]), validity: [true, true, true])]
                )
            )
        }

        let wide = Schema([Field("d", .decimal(precision: 12, scale: 2))])
        Self.expectError(.invalidArgument, column: "d", containing: "cannot be stored as byte arrays") {
            let writer = try ParquetWriter(path: path, schema: wide)
            try writer.write(
                RecordBatch(
                    schema: wide,
                    columns: [
                        Column(type: wide.fields[0].type, values: .bytes(ByteArrays(offsets: [0, 1], data: [1])))
                    ]
                )
            )
        }

        let fixed = Schema([Field("f", .fixedBinary(3))])
        Self.expectError(.invalidArgument, column: "f", containing: "row 1 has 2 bytes, the fixed width is 3") {
            let writer = try ParquetWriter(path: path, schema: fixed)
            try writer.write(
                RecordBatch(
                    schema: fixed,
                    columns: [
                        Column(
                            type: .fixedBinary(3),
                            values: .bytes(ByteArrays(offsets: [0, 3, 5], data: [1, 2, 3, 4, 5]))
                        )
                    ]
                )
            )
        }

        // decimal(20, 0) takes 9 bytes; a 10-byte value that is not a sign extension does not fit.
        let decimal = Schema([Field("d", .decimal(precision: 20, scale: 0))])
        Self.expectError(.invalidArgument, column: "d", containing: "does not fit the 9 bytes") {
            let writer = try ParquetWriter(path: path, schema: decimal)
            let value: [UInt8] = [0x01] + Array(repeating: 0, count: 9)
            try writer.write(
                RecordBatch(
                    schema: decimal,
                    columns: [
                        Column(type: decimal.fields[0].type, values: .bytes(ByteArrays(offsets: [0, 10], data: value)))
                    ]
                )
            )
        }

        Self.expectError(.invalidArgument, column: "id", containing: "does not match") {
            let writer = try ParquetWriter(path: path, schema: required)
            let other = Schema([Field("id", .int64, isNullable: false)])
            try writer.write(RecordBatch(schema: other, columns: [Column(type: .int64, values: .int64([1]))]))
        }

        Self.expectError(.invalidArgument, containing: "already closed") {
            let writer = try ParquetWriter(path: path, schema: required)
            try writer.close()
            try writer.close()
        }

        Self.expectError(.invalidArgument, column: "x", containing: "two columns are named x") {
            _ = try ParquetWriter(path: path, schema: Schema([Field("x", .int32), Field("x", .string)]))
        }

        Self.expectError(.invalidArgument, containing: "rowGroupMaxRows must be at least 1") {
            var options = ParquetWriteOptions()
            options.rowGroupMaxRows = 0
            _ = try ParquetWriter(path: path, schema: required, options: options)
        }

        Self.expectError(.io, containing: "cannot create the file") {
            _ = try ParquetWriter(
                path: directory.appendingPathComponent("missing/dir/x.parquet").path,
                schema: required
            )
        }
    }
}
