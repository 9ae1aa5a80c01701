import Columnar
import TestSupport
import Testing

@testable import CSV

@Suite struct CSVErrorTests {
    let abc = [
        CSVColumn(name: "a", type: .int64),
        CSVColumn(name: "b", type: .string(emptyIsNull: false)),
        CSVColumn(name: "c", type: .double),
    ]

    func failure(
        _ text: String,
        columns: [CSVColumn]? = nil,
        options: CSVOptions = CSVOptions()
    ) throws -> (
        String, CSVError?
    ) {
        let path = try temporaryCSV(text, name: "sales.csv")
        let error = csvError { _ = try readRows(path, columns: columns ?? abc, options: options) }
        return (path, error)
    }

    @Test func invalidIntegerNamesFileLineColumnAndText() throws {
        let columns = [
            CSVColumn(name: "Date", type: .date(format: "M/d/yyyy")),
            CSVColumn(name: "Forecasted Monthly Revenue", type: .int64),
        ]
        let text =
            "Date,Forecasted Monthly Revenue\n" + String(repeating: "1/2/2011,5\n", count: 15) + "1/3/2011,12x4\n"
        let (path, error) = try failure(text, columns: columns)
        let e = try #require(error)
        #expect(e.description == "\(path):17: column \"Forecasted Monthly Revenue\": expected int64, found \"12x4\"")
        #expect(e.line == 17 && e.column == "Forecasted Monthly Revenue" && e.text == "12x4")
        #expect(e.kind == .invalidValue(expected: "int64"))
    }

    @Test func invalidValuesOfEveryType() throws {
        let cases: [(CSVColumnType, String, String)] = [
            (.int64, "1.5", "int64"),
            (.int64, "9223372036854775808", "int64"),
            (.int64, " 1", "int64"),
            (.double, "1.2.3", "double"),
            (.double, "1e", "double"),
            (.boolean, "maybe", "boolean"),
            (.date(format: "M/d/yyyy"), "2/30/2011", "date(M/d/yyyy)"),
            (.date(format: "M/d/yyyy"), "2011-01-02", "date(M/d/yyyy)"),
            (.timestamp(format: "yyyy-MM-dd HH:mm:ss"), "2011-01-02 24:00:00", "timestamp(yyyy-MM-dd HH:mm:ss)"),
        ]
        for (type, value, expected) in cases {
            let (path, error) = try failure("x\n\(value)\n", columns: [CSVColumn(name: "x", type: type)])
            #expect(error?.description == "\(path):2: column \"x\": expected \(expected), found \"\(value)\"")
        }
    }

    @Test func tooManyFields() throws {
        let (path, error) = try failure("a,b,c\n1,x,1\n2,y,2,extra\n")
        #expect(error?.description == "\(path):3: expected 3 fields, found 4")
        #expect(error?.kind == .tooManyFields(expected: 3, found: 4))
    }

    @Test func tooFewFields() throws {
        let (path, error) = try failure("a,b,c\n1,x,1\n2,y\n")
        #expect(error?.description == "\(path):3: expected 3 fields, found 2")
        #expect(error?.kind == .tooFewFields(expected: 3, found: 2))
    }

    @Test func unterminatedQuote() throws {
        let (path, error) = try failure("a,b,c\n1,x,1\n2,\"never closed,3\n4,z,4\n")
        #expect(error?.description == "\(path):3: column \"b\": unterminated quoted field")
        #expect(error?.kind == .unterminatedQuote)
    }

    @Test func textAfterClosingQuote() throws {
        let (path, error) = try failure("a,b,c\n1,\"x\"y,1\n")
        #expect(error?.description == "\(path):2: column \"b\": text after closing quote in \"\"x\"y\"")
    }

    @Test func invalidUTF8InStringColumn() throws {
        let path = try temporaryCSV(bytes: Array("a,b,c\n1,ok,1\n2,ab".utf8) + [0xFF] + Array("c,2\n".utf8))
        let error = csvError { _ = try readRows(path, columns: abc) }
        #expect(error?.description == "\(path):3: column \"b\": invalid UTF-8 in \"ab\u{FFFD}c\"")
        // Overlong encodings and surrogates are invalid too.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let path = try temporaryCSV(bytes: Array("b\n".utf8) + bad + [0x0A])
            let error = csvError {
                _ = try readRows(path, columns: [CSVColumn(name: "b", type: .string(emptyIsNull: false))])
            }
            #expect(error?.kind == .invalidUTF8)
        }
    }

    @Test func lineTooLongIsBounded() throws {
        var options = CSVOptions()
        options.maxLineBytes = 64
        options.chunkSize = 16
        let text = "a,b,c\n1,x,1\n2,\"" + String(repeating: "z", count: 500) + "\n"
        let (path, error) = try failure(text, options: options)
        #expect(error?.description == "\(path):3: row longer than 64 bytes (unterminated quote?)")
        let longHeader = try temporaryCSV(String(repeating: "h", count: 200) + "\n1\n")
        let headerError = csvError { _ = try CSVReader(path: longHeader, columns: nil, options: options) }
        #expect(headerError?.kind == .lineTooLong(limit: 64))
    }

    @Test func missingFileHeaderAndColumns() throws {
        let missing = csvError { _ = try CSVReader(path: "/nonexistent/x.csv", columns: nil) }
        #expect(missing?.description == "/nonexistent/x.csv: No such file or directory")
        let directory = try Paths.temporaryDirectory("sluice-csv-dir").path
        #expect(
            csvError { _ = try CSVReader(path: directory, columns: nil) }?.description == "\(directory): is a directory"
        )
        let empty = try temporaryCSV("")
        #expect(csvError { _ = try CSVReader(path: empty, columns: nil) }?.description == "\(empty): no header row")
        let path = try temporaryCSV("a,b\n1,2\n")
        let unknown = csvError { _ = try CSVReader(path: path, columns: [CSVColumn(name: "z", type: .int64)]) }
        #expect(unknown?.description == "\(path): column \"z\": no such column in the header")
        let badProjection = csvError { _ = try CSVReader(path: path, columns: nil, projection: ["a", "q"]) }
        #expect(badProjection?.description == "\(path): column \"q\": no such column in the header")
        let badFormat = csvError {
            _ = try CSVReader(path: path, columns: [CSVColumn(name: "a", type: .date(format: "M/d/yyyy Q"))])
        }
        #expect(badFormat?.description.hasPrefix("\(path): column \"a\": invalid date pattern") == true)
    }

    @Test func failureIsStickyAndEarlierRowsAreDelivered() throws {
        let path = try temporaryCSV("a,b,c\n1,x,1\n2,y,zz\n3,z,3\n")
        let reader = try CSVReader(path: path, columns: abc, options: options(batchSize: 1))
        var delivered: [[Value]] = []
        let error = csvError {
            while let batch = try reader.next() { delivered.append(batch.row(0)) }
        }
        #expect(delivered == [[.int(1), .string("x"), .double(1)]])
        #expect(error?.line == 3)
        #expect(reader.rowsRead == 1 && reader.rowsEmitted == 1 && reader.rowsRejected == 0)
        #expect(throws: CSVError.self) { _ = try reader.next() }
    }

    @Test func lineNumbersCountPhysicalLinesAcrossQuotedNewlines() throws {
        let text = "a,b,c\n1,\"two\nlines\",1\n2,\"three\r\nline\nfield\",2\n3,y,bad\n"
        let (path, error) = try failure(text)
        #expect(error?.description == "\(path):7: column \"c\": expected double, found \"bad\"")
        let multiHeader = "a,\"b\nb\",c\n1,x,1\n2,y,bad\n"
        let multiHeaderColumns = [
            CSVColumn(name: "a", type: .int64),
            CSVColumn(name: "b\nb", type: .string(emptyIsNull: false)),
            CSVColumn(name: "c", type: .double),
        ]
        let (path2, error2) = try failure(multiHeader, columns: multiHeaderColumns)
        #expect(error2?.description == "\(path2):4: column \"c\": expected double, found \"bad\"")
        let withBlank = "a,b,c\n\n1,x,1\n\n\n2,y,bad\n"
        let (path3, error3) = try failure(withBlank)
        #expect(error3?.description == "\(path3):6: column \"c\": expected double, found \"bad\"")
    }
}

@Suite struct CSVRejectTests {
    let abc = [
        CSVColumn(name: "a", type: .int64),
        CSVColumn(name: "b", type: .string(emptyIsNull: false)),
        CSVColumn(name: "c", type: .double),
    ]

    @Test func badRowsAreRejectedWithLineReasonAndRawLine() throws {
        let text =
            "a,b,c\n1,x,1\n2,y,2,extra\r\n3,\"multi\nline\",bad\n4,z\n5,ok,5\n6,\"x\"y,6\n7,ok,7\n8,\"unterminated,8\n9,q,9\n"
        let path = try temporaryCSV(text)
        let reader = try CSVReader(path: path, columns: abc, options: options(onError: .reject))
        let collector = RejectCollector()
        reader.onReject = { collector.rows.append($0) }
        let good = try rows(of: reader)
        #expect(
            good == [
                [.int(1), .string("x"), .double(1)], [.int(5), .string("ok"), .double(5)],
                [.int(7), .string("ok"), .double(7)],
            ]
        )
        #expect(collector.rows.map(\.lineNumber) == [3, 4, 6, 8, 10])
        #expect(
            collector.rows.map(\.reason) == [
                "expected 3 fields, found 4",
                "column \"c\": expected double, found \"bad\"",
                "expected 3 fields, found 2",
                "column \"b\": text after closing quote in \"\"x\"y\"",
                "column \"b\": unterminated quoted field",
            ]
        )
        #expect(
            collector.rows.map { String(decoding: $0.rawLine, as: UTF8.self) } == [
                "2,y,2,extra", "3,\"multi\nline\",bad", "4,z", "6,\"x\"y,6", "8,\"unterminated,8\n9,q,9\n",
            ]
        )
        #expect(collector.rows[1].error.description == "\(path):4: column \"c\": expected double, found \"bad\"")
        #expect(reader.rowsRead == 8)
        #expect(reader.rowsRejected == 5)
        #expect(reader.rowsEmitted == 3)
        #expect(reader.rowsRead == good.count + reader.rowsRejected)
    }

    @Test func rawLineIsUntruncated() throws {
        let long = String(repeating: "v", count: 100_000)
        let path = try temporaryCSV("a,b,c\n1,\(long),x\n")
        let reader = try CSVReader(path: path, columns: abc, options: options(chunkSize: 4096, onError: .reject))
        let collector = RejectCollector()
        reader.onReject = { collector.rows.append($0) }
        #expect(try rows(of: reader).isEmpty)
        #expect(collector.rows.first?.rawLine == Array("1,\(long),x".utf8))
        // The error text itself is cut.
        #expect(collector.rows.first?.error.text == nil || collector.rows.first!.error.text!.count < 300)
    }

    @Test func rejectedStringBytesDoNotLeakIntoNextRow() throws {
        let path = try temporaryCSV("b,a\nlongstring,bad\nok,1\n")
        let columns = [CSVColumn(name: "b", type: .string(emptyIsNull: false)), CSVColumn(name: "a", type: .int64)]
        let reader = try CSVReader(path: path, columns: columns, options: options(onError: .reject))
        let batches = try reader.readAll()
        #expect(batches.count == 1)
        #expect(batches[0].row(0) == [.string("ok"), .int(1)])
        #expect(batches[0].columns[0].values == .bytes(ByteArrays(strings: ["ok"])))
    }

    @Test func rejectHandlerErrorEndsTheRead() throws {
        struct Stop: Error {}
        let path = try temporaryCSV("a,b,c\n1,x\n2,y,2\n")
        let reader = try CSVReader(path: path, columns: abc, options: options(onError: .reject))
        reader.onReject = { _ in throw Stop() }
        #expect(throws: Stop.self) { _ = try reader.readAll() }
    }

    @Test func countsHoldWithoutHandler() throws {
        var text = "a,b,c\n"
        for i in 0..<1000 { text += i % 7 == 0 ? "\(i),x,oops\n" : "\(i),x,\(i)\n" }
        let path = try temporaryCSV(text)
        for threads in [1, 2] {
            let reader = try CSVReader(
                path: path,
                columns: abc,
                options: CSVOptions(chunkSize: 1024, onError: .reject, threads: threads)
            )
            let good = try rows(of: reader)
            #expect(good.count == 857)
            #expect(reader.rowsRejected == 143)
            #expect(reader.rowsRead == 1000)
        }
    }
}
