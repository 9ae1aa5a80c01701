import Columnar
import Testing

@testable import CSV

@Suite struct CSVDialectTests {
    let abc = [
        CSVColumn(name: "a", type: .int64),
        CSVColumn(name: "b", type: .string(emptyIsNull: false)),
        CSVColumn(name: "c", type: .double),
    ]

    @Test func plainRowsWithLF() throws {
        let path = try temporaryCSV("a,b,c\n1,x,1.5\n2,y,-2\n")
        #expect(
            try readRows(path, columns: abc) == [
                [.int(1), .string("x"), .double(1.5)], [.int(2), .string("y"), .double(-2)],
            ]
        )
    }

    @Test func crlfLineEndings() throws {
        let path = try temporaryCSV("a,b,c\r\n1,x,1.5\r\n2,\"y\r\nz\",3\r\n")
        #expect(
            try readRows(path, columns: abc) == [
                [.int(1), .string("x"), .double(1.5)], [.int(2), .string("y\r\nz"), .double(3)],
            ]
        )
    }

    @Test func lastLineWithoutNewline() throws {
        let lf = try temporaryCSV("a,b,c\n1,x,1.5\n2,y,3")
        let crlf = try temporaryCSV("a,b,c\r\n1,x,1.5\r\n2,y,3")
        let quoted = try temporaryCSV("a,b,c\n1,x,1.5\n2,\"y\",3")
        let quotedLast = try temporaryCSV("a,b,c\n1,x,1.5\n2,y,\"3\"")
        let expected: [[Value]] = [[.int(1), .string("x"), .double(1.5)], [.int(2), .string("y"), .double(3)]]
        #expect(try readRows(lf, columns: abc) == expected)
        #expect(try readRows(crlf, columns: abc) == expected)
        #expect(try readRows(quoted, columns: abc) == expected)
        #expect(try readRows(quotedLast, columns: abc) == expected)
    }

    @Test func blankTrailingAndInnerLinesAreIgnored() throws {
        let path = try temporaryCSV("a,b,c\n1,x,1\n\n2,y,2\r\n\r\n\n")
        #expect(
            try readRows(path, columns: abc) == [
                [.int(1), .string("x"), .double(1)], [.int(2), .string("y"), .double(2)],
            ]
        )
    }

    @Test func quotedFieldsHoldDelimitersNewlinesAndDoubledQuotes() throws {
        let text = "a,b,c\n1,\"x, y\",1\n2,\"line1\nline2\",2\n3,\"say \"\"hi\"\"\",3\n4,\"\"\"\",4\n5,\"\",5\n"
        let path = try temporaryCSV(text)
        #expect(
            try readRows(path, columns: abc) == [
                [.int(1), .string("x, y"), .double(1)],
                [.int(2), .string("line1\nline2"), .double(2)],
                [.int(3), .string("say \"hi\""), .double(3)],
                [.int(4), .string("\""), .double(4)],
                [.int(5), .string(""), .double(5)],
            ]
        )
    }

    @Test func quotedNonStringFieldsAreParsed() throws {
        let path = try temporaryCSV("a,b,c\n\"12\",\"x\",\"2.5\"\n\"\",x,\"\"\n")
        #expect(
            try readRows(path, columns: abc) == [
                [.int(12), .string("x"), .double(2.5)], [.null, .string("x"), .null],
            ]
        )
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let path = try temporaryCSV(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b,c\n1,x,1\n".utf8))
        let reader = try CSVReader(path: path, columns: abc)
        #expect(reader.header == ["a", "b", "c"])
        #expect(try rows(of: reader) == [[.int(1), .string("x"), .double(1)]])
    }

    @Test func headerNamesAreKeptExactlyAndMayBeQuoted() throws {
        let path = try temporaryCSV("Date,\"Mailing, list\",Mailing list adds \n1/2/2011,3,4\n")
        let reader = try CSVReader(path: path, columns: nil)
        #expect(reader.header == ["Date", "Mailing, list", "Mailing list adds "])
        #expect(reader.schema.names == ["Date", "Mailing, list", "Mailing list adds "])
        #expect(try rows(of: reader) == [[day(2011, 1, 2), .int(3), .int(4)]])
    }

    @Test func configurableDelimiterAndQuote() throws {
        let path = try temporaryCSV("a;b;c\n1;'x;y';1,5e0\n2;'it''s';2\n")
        var options = CSVOptions()
        options.delimiter = UInt8(ascii: ";")
        options.quote = UInt8(ascii: "'")
        let columns = [
            CSVColumn(name: "a", type: .int64),
            CSVColumn(name: "b", type: .string(emptyIsNull: false)),
            CSVColumn(name: "c", type: .string(emptyIsNull: false)),
        ]
        #expect(
            try readRows(path, columns: columns, options: options) == [
                [.int(1), .string("x;y"), .string("1,5e0")], [.int(2), .string("it's"), .string("2")],
            ]
        )
    }

    @Test func tabDelimited() throws {
        let path = try temporaryCSV("a\tb\tc\n1\tx y\t3\n")
        var options = CSVOptions()
        options.delimiter = UInt8(ascii: "\t")
        #expect(try readRows(path, columns: abc, options: options) == [[.int(1), .string("x y"), .double(3)]])
    }

    @Test func withoutHeader() throws {
        let path = try temporaryCSV("1,x,1.5\n2,y,2\n")
        var options = CSVOptions()
        options.hasHeader = false
        let given = try CSVReader(path: path, columns: abc, options: options)
        #expect(given.header == ["a", "b", "c"])
        #expect(try rows(of: given) == [[.int(1), .string("x"), .double(1.5)], [.int(2), .string("y"), .double(2)]])
        let inferred = try CSVReader(path: path, columns: nil, options: options)
        #expect(inferred.columns.map(\.name) == ["column1", "column2", "column3"])
        #expect(inferred.columns.map(\.type) == [.int64, .string(emptyIsNull: true), .double])
        #expect(try rows(of: inferred).count == 2)
    }

    @Test func emptyFieldsAreNullExceptInStringsThatKeepThem() throws {
        let path = try temporaryCSV("i,d,b,dt,s,n\n,,,,,\n1,2,true,1/2/2011,x,y\n\"\",\"\",\"\",\"\",\"\",\"\"\n")
        let columns = [
            CSVColumn(name: "i", type: .int64),
            CSVColumn(name: "d", type: .double),
            CSVColumn(name: "b", type: .boolean),
            CSVColumn(name: "dt", type: .date(format: "M/d/yyyy")),
            CSVColumn(name: "s", type: .string(emptyIsNull: false)),
            CSVColumn(name: "n", type: .string(emptyIsNull: true)),
        ]
        let reader = try CSVReader(path: path, columns: columns)
        let batches = try reader.readAll()
        let all = batches.flatMap { batch in (0..<batch.count).map { batch.row($0) } }
        #expect(
            all == [
                [.null, .null, .null, .null, .string(""), .null],
                [.int(1), .double(2), .boolean(true), day(2011, 1, 2), .string("x"), .string("y")],
                // A quoted empty string is the empty string, even where empty means null.
                [.null, .null, .null, .null, .string(""), .string("")],
            ]
        )
        #expect(batches[0].column(named: "s")!.validity == nil)
        #expect(batches[0].column(named: "i")!.nullCount == 2)
    }

    @Test func projectionReadsOnlyNamedColumnsInItsOrder() throws {
        let path = try temporaryCSV("a,b,c\n1,x,1.5\n2,\"y,\n\",2\n")
        let reader = try CSVReader(path: path, columns: abc, projection: ["c", "a"])
        #expect(reader.schema == Schema([Field("c", .double), Field("a", .int64)]))
        #expect(try rows(of: reader) == [[.double(1.5), .int(1)], [.double(2), .int(2)]])
    }

    @Test func unprojectedColumnsAreNotConverted() throws {
        // "b" would fail as int64, but it is only skipped.
        let path = try temporaryCSV("a,b\n1,notanumber\n")
        let columns = [CSVColumn(name: "a", type: .int64), CSVColumn(name: "b", type: .int64)]
        #expect(try readRows(path, columns: columns, projection: ["a"]) == [[.int(1)]])
    }

    @Test func partialColumnsAreCompletedByInference() throws {
        let path = try temporaryCSV("a,b,c\n1,x,1.5\n")
        let reader = try CSVReader(path: path, columns: [CSVColumn(name: "a", type: .double)])
        #expect(reader.columns.map(\.type) == [.double, .string(emptyIsNull: true), .double])
        #expect(try rows(of: reader) == [[.double(1), .string("x"), .double(1.5)]])
    }

    @Test func headerOnlyAndSingleColumnFiles() throws {
        let headerOnly = try temporaryCSV("a,b,c\n")
        #expect(try readRows(headerOnly, columns: abc).isEmpty)
        let noNewline = try temporaryCSV("a,b,c")
        #expect(try readRows(noNewline, columns: abc).isEmpty)
        let single = try temporaryCSV("x\n1\n2\n")
        #expect(try readRows(single, columns: [CSVColumn(name: "x", type: .int64)]) == [[.int(1)], [.int(2)]])
    }

    @Test func batchSizeBoundsBatches() throws {
        let text = "a\n" + (0..<10).map { "\($0)\n" }.joined()
        let path = try temporaryCSV(text)
        let reader = try CSVReader(
            path: path,
            columns: [CSVColumn(name: "a", type: .int64)],
            options: options(batchSize: 3)
        )
        let batches = try reader.readAll()
        #expect(batches.map(\.count) == [3, 3, 3, 1])
        #expect(batches.flatMap { b in (0..<b.count).map { b.row($0) } } == (0..<10).map { [.int(Int64($0))] })
        #expect(reader.rowsRead == 10 && reader.rowsEmitted == 10 && reader.rowsRejected == 0)
    }

    @Test func stringsWithMultibyteUTF8() throws {
        let path = try temporaryCSV("s\nnaïve café\n\"日本語, 😀\"\n")
        #expect(
            try readRows(path, columns: [CSVColumn(name: "s", type: .string(emptyIsNull: false))]) == [
                [.string("naïve café")], [.string("日本語, 😀")],
            ]
        )
    }
}
