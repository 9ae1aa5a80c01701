import Columnar
import Testing

@testable import Engine

@Suite("Operators: filter")
struct OperatorsFilterTests {
    let batch = makeBatch([
        "id": int64Column([1, 2, 3, 4, 5, 6]),
        "amount": int64Column([10, nil, 30, 40, nil, 60]),
        "price": doubleColumn([1.5, 2.5, nil, -1, 0, 9.75]),
        "stage": stringColumn(["Lead", "Won", nil, "Lead", "Lost", "Leads"]),
        "day": int32Column(
            [day(2016, 1, 1), day(2016, 1, 2), nil, day(2015, 12, 31), day(2016, 1, 2), day(2017, 3, 4)],
            type: .date
        ),
        "flag": boolColumn([true, false, nil, true, true, false]),
    ])

    func ids(_ filter: Filter) throws -> [Value] {
        values(try filter.apply(batch), "id")
    }

    @Test func integerComparisonsSkipNulls() throws {
        #expect(try ids(Filter("amount", .equal, .int(30))) == [.int(3)])
        #expect(try ids(Filter("amount", .notEqual, .int(30))) == [.int(1), .int(4), .int(6)])
        #expect(try ids(Filter("amount", .less, .int(40))) == [.int(1), .int(3)])
        #expect(try ids(Filter("amount", .lessOrEqual, .int(40))) == [.int(1), .int(3), .int(4)])
        #expect(try ids(Filter("amount", .greater, .int(30))) == [.int(4), .int(6)])
        #expect(try ids(Filter("amount", .greaterOrEqual, .string("30"))) == [.int(3), .int(4), .int(6)])
        #expect(try ids(Filter("amount", in: [.int(10), .int(60), .int(99)])) == [.int(1), .int(6)])
    }

    @Test func stringComparisonsAreExactAndByteOrdered() throws {
        #expect(try ids(Filter("stage", .equal, .string("Lead"))) == [.int(1), .int(4)])
        #expect(try ids(Filter("stage", .notEqual, .string("Lead"))) == [.int(2), .int(5), .int(6)])
        #expect(try ids(Filter("stage", .greater, .string("Lead"))) == [.int(2), .int(5), .int(6)])
        #expect(try ids(Filter("stage", .less, .string("Leads"))) == [.int(1), .int(4)])
        #expect(try ids(Filter("stage", in: [.string("Won"), .string("Lost")])) == [.int(2), .int(5)])
    }

    @Test func byteEqualityMatchesAReferenceAtEveryLength() throws {
        // Values of lengths 0...20 that differ from the literal in one byte at every position, nulls that hold the
        // literal's bytes, and literals of every length: =, != and in must agree with a plain comparison.
        let alphabet = Array("abcdefghijklmnopqrstu".utf8)
        var values: [[UInt8]] = []
        for length in 0...20 {
            let word = Array(alphabet.prefix(length))
            values.append(word)
            for position in 0..<length {
                var changed = word
                changed[position] = UInt8(ascii: "z")
                values.append(changed)
            }
        }
        var valid = values.indices.map { $0 % 7 != 3 }
        valid[0] = true
        let column = Column(
            type: .string,
            values: .bytes(
                ByteArrays(
                    offsets: [0] + values.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1.count) },
                    data: values.flatMap { $0 }
                )
            ),
            validity: valid
        )
        let rows = RecordBatch(schema: Schema([Field("s", .string)]), columns: [column])
        for length in 0...20 {
            let literal = Array(alphabet.prefix(length))
            let text = String(decoding: literal, as: UTF8.self)
            let equal = values.indices.filter { valid[$0] && values[$0] == literal }.map { Int32($0) }
            let notEqual = values.indices.filter { valid[$0] && values[$0] != literal }.map { Int32($0) }
            #expect(try Filter("s", .equal, .string(text)).selection(rows) == equal)
            #expect(try Filter("s", .notEqual, .string(text)).selection(rows) == notEqual)
            let other = String(decoding: values[values.count - 1 - length], as: UTF8.self)
            let either = values.indices.filter {
                valid[$0] && (values[$0] == literal || values[$0] == Array(other.utf8))
            }.map { Int32($0) }
            #expect(try Filter("s", in: [.string(text), .string(other)]).selection(rows) == either)
        }
        let allValid = RecordBatch(
            schema: rows.schema,
            columns: [Column(type: .string, values: column.values, validity: nil)]
        )
        #expect(try Filter("s", .notEqual, .string("abc")).selection(allValid).count == values.count - 1)
    }

    @Test func dateDoubleAndBooleanLiterals() throws {
        #expect(try ids(Filter("day", .equal, .string("2016-01-02"))) == [.int(2), .int(5)])
        #expect(try ids(Filter("day", .less, .date(day(2016, 1, 2)))) == [.int(1), .int(4)])
        #expect(try ids(Filter("price", .greater, .int(0))) == [.int(1), .int(2), .int(6)])
        #expect(try ids(Filter("price", .lessOrEqual, .double(0))) == [.int(4), .int(5)])
        #expect(try ids(Filter("flag", .equal, .boolean(true))) == [.int(1), .int(4), .int(5)])
        #expect(try ids(Filter("flag", .notEqual, .string("true"))) == [.int(2), .int(6)])
    }

    @Test func timestampLiteralsConvertUnits() throws {
        let micros = TimeUnit.microseconds.perSecond
        let batch = makeBatch([
            "t": int64Column(
                [0, 86_400 * micros, 86_400 * micros + 1_500_000],
                type: .timestamp(.microseconds, isAdjustedToUTC: false)
            )
        ])
        let equal = try Filter("t", .equal, .string("1970-01-02 00:00:00")).selection(batch)
        #expect(equal == [1])
        let after = try Filter("t", .greater, .timestamp(86_400_001, .milliseconds, isAdjustedToUTC: false)).selection(
            batch
        )
        #expect(after == [2])
        let fraction = try Filter("t", .equal, .string("1970-01-02T00:00:01.5")).selection(batch)
        #expect(fraction == [2])
    }

    @Test func emptyAndSingleRowInputs() throws {
        let empty = RecordBatch.empty(batch.schema)
        #expect(try Filter("amount", .equal, .int(1)).apply(empty).count == 0)
        let single = batch.slice(0..<1)
        #expect(try Filter("amount", .equal, .int(10)).apply(single).count == 1)
        #expect(try Filter("amount", .equal, .int(11)).apply(single).count == 0)
        let allNull = makeBatch(["x": int64Column([nil, nil])])
        #expect(try Filter("x", .notEqual, .int(1)).apply(allNull).count == 0)
    }

    @Test func badLiteralsAndColumnsAreClearErrors() throws {
        let missing = #expect(throws: OperatorError.self) { try Filter("nope", .equal, .int(1)).apply(batch) }
        #expect(missing?.description.contains("no column named \"nope\"") == true)
        let wrongType = #expect(throws: OperatorError.self) {
            try Filter("amount", .equal, .string("ten")).apply(batch)
        }
        #expect(wrongType?.description.contains("column \"amount\" of type int64") == true)
        let badDate = #expect(throws: OperatorError.self) {
            try Filter("day", .equal, .string("2016-02-30")).apply(batch)
        }
        #expect(badDate?.description.contains("yyyy-MM-dd") == true)
        #expect(throws: OperatorError.self) { try Filter("amount", .equal, .double(2.5)).apply(batch) }
    }
}
