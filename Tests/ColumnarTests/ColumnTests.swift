import Columnar
import Testing

@Suite struct ColumnTests {
    @Test func valuesAndNulls() {
        let column = Column(type: .int64, values: .int64([1, 0, 3]), validity: [true, false, true])
        #expect(column.count == 3)
        #expect(column.nullCount == 1)
        #expect(column.value(at: 0) == .int(1))
        #expect(column.value(at: 1) == .null)
    }

    @Test func byteArraysRoundTripStrings() {
        let strings = ByteArrays(strings: ["", "héllo", "x"])
        #expect(strings.count == 3)
        #expect(strings.string(at: 1) == "héllo")
        #expect(strings.range(at: 0).isEmpty)
    }

    @Test(
        arguments: [
            ([0x00], "0"), ([0x7F], "127"), ([0xFF], "-1"), ([0x80], "-128"),
            ([0x01, 0x00], "256"), ([0xFF, 0x00], "-256"),
            (
                [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
                "18446744073709551616"
            ),
        ] as [([UInt8], String)]
    )
    func decimalBytes(bytes: [UInt8], expected: String) {
        let column = Column(
            type: .decimal(precision: 38, scale: 2),
            values: .bytes(ByteArrays(offsets: [0, bytes.count], data: bytes))
        )
        #expect(column.value(at: 0) == .decimal(unscaled: expected, scale: 2))
    }

    @Test func batchLooksUpColumnsByName() {
        let schema = Schema([Field("a", .int32), Field("b", .string)])
        let batch = RecordBatch(
            schema: schema,
            columns: [
                Column(type: .int32, values: .int32([7])),
                Column(type: .string, values: .bytes(ByteArrays(strings: ["x"]))),
            ]
        )
        #expect(batch.count == 1)
        #expect(batch.column(named: "b")?.value(at: 0) == .string("x"))
        #expect(batch.row(0) == [.int(7), .string("x")])
    }
}
