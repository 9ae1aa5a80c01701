import Columnar
import Foundation
import TestSupport
import Testing

@testable import Parquet

/// Files from Sluice's own writer read back by the reader: every type, with nulls, every codec and page version.
@Suite struct ReaderRoundTripTests {
    static func sampleBatch(rows: Int) -> RecordBatch {
        let fields: [Field] = [
            Field("b", .boolean), Field("i8", .int8), Field("u16", .uint16), Field("i32", .int32, isNullable: false),
            Field("i64", .int64), Field("u64", .uint64), Field("f", .float), Field("d", .double), Field("day", .date),
            Field("ts", .timestamp(.microseconds, isAdjustedToUTC: true)),
            Field("dec", .decimal(precision: 9, scale: 2)),
            Field("dec18", .decimal(precision: 18, scale: 4)), Field("dec30", .decimal(precision: 30, scale: 3)),
            Field("s", .string), Field("bin", .binary), Field("fixed", .fixedBinary(3)),
        ]
        let validity = (0..<rows).map { $0 % 7 != 3 }
        func column(_ type: DataType, _ values: ColumnValues, nullable: Bool = true) -> Column {
            Column(type: type, values: values, validity: nullable ? validity : nil)
        }
        var strings = ByteArrays()
        var binaries = ByteArrays()
        var fixed = ByteArrays()
        var wide = ByteArrays()
        for i in 0..<rows {
            strings.append(validity[i] ? "value \(i % 50) ü" : "")
            binaries.append(validity[i] ? [UInt8](repeating: UInt8(i % 256), count: i % 5) : [])
            fixed.append([UInt8(i % 256), 1, 2])
            wide.append([UInt8](repeating: i % 2 == 0 ? 0xFF : 0, count: 12) + [UInt8(i % 256)])
        }
        let columns = [
            column(.boolean, .boolean((0..<rows).map { $0 % 3 == 0 })),
            column(.int8, .int32((0..<rows).map { Int32($0 % 256) - 128 })),
            column(.uint16, .int32((0..<rows).map { Int32($0 * 7 % 65536) })),
            column(.int32, .int32((0..<rows).map { Int32($0) * 1000 - 5000 }), nullable: false),
            column(.int64, .int64((0..<rows).map { Int64($0) * 1_000_000_007 })),
            column(.uint64, .int64((0..<rows).map { Int64(bitPattern: UInt64.max - UInt64($0)) })),
            column(.float, .float((0..<rows).map { Float($0) / 3 })),
            column(.double, .double((0..<rows).map { Double($0) * -1.5e10 })),
            column(.date, .int32((0..<rows).map { Int32($0) - 700 })),
            column(
                .timestamp(.microseconds, isAdjustedToUTC: true),
                .int64((0..<rows).map { Int64($0) * 3_600_000_000 })
            ),
            column(.decimal(precision: 9, scale: 2), .int32((0..<rows).map { Int32($0) * 13 - 999 })),
            column(.decimal(precision: 18, scale: 4), .int64((0..<rows).map { Int64($0) * 1_234_567_891 })),
            column(.decimal(precision: 30, scale: 3), .bytes(wide)),
            column(.string, .bytes(strings)),
            column(.binary, .bytes(binaries)),
            column(.fixedBinary(3), .bytes(fixed)),
        ]
        return RecordBatch(schema: Schema(fields), columns: columns)
    }

    static let configurations: [(ParquetWriteOptions.Compression, ParquetWriteOptions.PageVersion, Bool)] =
        [ParquetWriteOptions.Compression.uncompressed, .snappy, .gzip, .zstd].flatMap { codec in
            [ParquetWriteOptions.PageVersion.v1, .v2].flatMap { version in [true, false].map { (codec, version, $0) } }
        }

    @Test(arguments: configurations)
    func roundTrip(
        compression: ParquetWriteOptions.Compression,
        version: ParquetWriteOptions.PageVersion,
        dictionary: Bool
    )
        throws
    {
        let batch = Self.sampleBatch(rows: 3000)
        let path = try Paths.temporaryDirectory("sluice-parquet-roundtrip").appendingPathComponent("t.parquet").path
        var options = ParquetWriteOptions()
        options.compression = compression
        options.pageVersion = version
        options.dictionary = dictionary
        options.rowGroupMaxRows = 1000
        options.dataPageMaxRows = 300
        let writer = try ParquetWriter(path: path, schema: batch.schema, options: options)
        try writer.write(batch)
        _ = try writer.close()

        let reader = try ParquetReader(path: path)
        #expect(reader.schema == batch.schema)
        #expect(reader.rowGroupCount == 3)
        var row = 0
        for result in reader.batches() {
            let read = try result.get()
            for r in 0..<read.count {
                #expect(read.row(r) == batch.row(row), "row \(row)")
                row += 1
            }
        }
        #expect(row == 3000)
        // The writer's statistics prune: i32 = 1000 * row - 5000 ascends, so only the last row group has i32 > 2_000_000.
        #expect(try reader.rowGroups(matching: ParquetPredicate("i32", .greater, .int(2_000_000))) == [2])
        #expect(try reader.rowGroups(matching: ParquetPredicate("s", .equal, .string("zzz"))) == [])
        // Decimals compare by their unscaled value at the column's scale: dec = (13 × row - 999) / 100.
        let decimalCases: [(ParquetPredicate, [Int])] = [
            (ParquetPredicate("dec", .greater, .decimal(unscaled: "15000", scale: 2)), [1, 2]),
            (ParquetPredicate("dec", .greater, .decimal(unscaled: "150", scale: 0)), [1, 2]),
            (ParquetPredicate("dec", .less, .int(0)), [0]),
            (ParquetPredicate("dec", .greater, .decimal(unscaled: "1500001", scale: 4)), [0, 1, 2]),  // inexact
            (ParquetPredicate("dec18", .lessOrEqual, .int(-1)), []),
            // ts = row hours in microseconds; a literal in other units is converted when that is exact.
            (
                ParquetPredicate(
                    "ts",
                    .greaterOrEqual,
                    .timestamp(2000 * 3_600_000, .milliseconds, isAdjustedToUTC: true)
                ), [2]
            ),
            (ParquetPredicate("ts", .less, .timestamp(3_600_000_000_000, .nanoseconds, isAdjustedToUTC: true)), [0]),
            (
                ParquetPredicate(
                    "ts",
                    .greater,
                    .timestamp(1_000_000_000_000_001, .nanoseconds, isAdjustedToUTC: true)
                ), [0, 1, 2]
            ),
        ]
        for (predicate, groups) in decimalCases {
            #expect(try reader.rowGroups(matching: predicate) == groups, "\(predicate)")
        }
    }
}
