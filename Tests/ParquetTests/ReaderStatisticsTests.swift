import Columnar
import Parquet
import TestSupport
import Testing

/// ``ParquetReader/integerRange(of:)``: the smallest and largest value of an integer or date column over every row
/// group, from the statistics our writer records.
@Suite struct ReaderStatisticsTests {
    static func file(_ columns: [(Field, Column)], rowGroupRows: Int) throws -> ParquetReader {
        let schema = Schema(columns.map(\.0))
        var options = ParquetWriteOptions()
        options.rowGroupMaxRows = rowGroupRows
        let sink = MemoryByteSink()
        let writer = try ParquetWriter(sink: sink, schema: schema, options: options)
        try writer.write(RecordBatch(schema: schema, columns: columns.map(\.1)))
        try writer.close()
        return try ParquetReader(bytes: sink.bytes)
    }

    @Test func theRangeSpansEveryRowGroupAndOnlyIntegerColumnsHaveOne() throws {
        // 1,000 rows in four row groups: keys 5…1004 shuffled so each group's range differs, dates over ten days.
        var keys = (0..<1_000).map { Int64($0 + 5) }
        var generator = SeededGenerator(seed: 7)
        keys.shuffle(using: &generator)
        let days = (0..<1_000).map { Int32(19_000 + $0 % 10) }
        let reader = try Self.file(
            [
                (Field("k", .int64), Column(type: .int64, values: .int64(keys))),
                (Field("d", .date), Column(type: .date, values: .int32(days))),
                (Field("x", .double), Column(type: .double, values: .double(keys.map(Double.init)))),
                (Field("s", .string), Column(type: .string, values: .bytes(ByteArrays(strings: keys.map { "\($0)" })))),
            ],
            rowGroupRows: 250
        )
        #expect(reader.rowGroupCount == 4)
        #expect(reader.integerRange(of: "k") == 5...1_004)
        #expect(reader.integerRange(of: "d") == 19_000...19_009)
        #expect(reader.integerRange(of: "x") == nil)
        #expect(reader.integerRange(of: "s") == nil)
        #expect(reader.integerRange(of: "missing") == nil)
    }
}
