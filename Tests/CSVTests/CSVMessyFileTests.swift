import Columnar
import Testing

@testable import CSV

/// A file read with every column as text: the header, the rows (`nil` for null), the rejects and the reader.
struct TextTable {
    var header: [String]
    var rows: [[String?]]
    var rejects: [CSVRejectedRow]
    var reader: CSVReader

    init(_ bytes: [UInt8], chunkSize: Int = 4 << 20, _ configure: (inout CSVOptions) -> Void = { _ in }) throws {
        var options = CSVOptions(chunkSize: chunkSize, onError: .reject, threads: 1)
        configure(&options)
        let path = try temporaryCSV(bytes: bytes)
        let names = try CSVReader.inferSchema(path: path, sampleRows: 1, options: options).map(\.name)
        reader = try CSVReader(
            path: path,
            columns: names.map { CSVColumn(name: $0, type: .string(emptyIsNull: true)) },
            options: options
        )
        let outcome = try CSVReadOutcome(reading: reader)
        if let error = outcome.error { throw error }
        header = reader.header
        rows = outcome.rows.map { row in
            row.map { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
        }
        rejects = outcome.rejects
        #expect(reader.rowsRead == rows.count + rejects.count, "rows read = written + rejected")
    }

    init(_ text: String, chunkSize: Int = 4 << 20, _ configure: (inout CSVOptions) -> Void = { _ in }) throws {
        try self.init(Array(text.utf8), chunkSize: chunkSize, configure)
    }
}

/// The options of issue 14, one by one, on the plain path and the slower one.
@Suite struct CSVMessyFileTests {
    let abc: [[String?]] = [["1", "x", "3"], ["2", "y,z", "4"]]

    @Test(arguments: [1, 3, 7, 4 << 20])
    func multiByteDelimiters(chunkSize: Int) throws {
        let pipes = try TextTable("a||b||c\n1||x||3\n2||\"y,z\"||4\n", chunkSize: chunkSize) {
            $0.delimiterBytes = Array("||".utf8)
        }
        #expect(pipes.header == ["a", "b", "c"])
        #expect(pipes.rows == abc)
        let commaSpace = try TextTable("a, b, c\n1, x, 3\n2, \"y,z\", 4\n", chunkSize: chunkSize) {
            $0.delimiterBytes = Array(", ".utf8)
        }
        #expect(commaSpace.rows == abc)
    }

    @Test func backslashEscapes() throws {
        let table = try TextTable("a,b\n\"say \\\"hi\\\"\",1\n\"back\\\\slash\",2\n\"\"\"\",3\n") {
            $0.escape = UInt8(ascii: "\\")
        }
        #expect(table.rows == [["say \"hi\"", "1"], ["back\\slash", "2"], ["\"", "3"]])
    }

    @Test(arguments: [1, 2, 5, 4 << 20])
    func loneCarriageReturnsEndRows(chunkSize: Int) throws {
        let text = "a,b,c\r1,x,3\r2,\"y,z\",4\r"
        let auto = try TextTable(text, chunkSize: chunkSize) { $0.lineTerminator = .auto }
        #expect(auto.rows == abc)
        #expect(auto.reader.options.lineTerminator == .cr)
        let cr = try TextTable(text, chunkSize: chunkSize) { $0.lineTerminator = .cr }
        #expect(cr.rows == abc)
        let mixed = try TextTable("a,b,c\r\n1,x,3\r2,\"y,z\",4\n", chunkSize: chunkSize) { $0.lineTerminator = .auto }
        #expect(mixed.rows == abc)
        // The library's default is RFC 4180: a lone CR is text, and the file is one row.
        let lf = try TextTable(text, chunkSize: chunkSize)
        #expect(lf.rows.isEmpty && lf.header.count == 7)
    }

    @Test func skippedAndCommentLinesKeepLineNumbers() throws {
        let text = "Report\nexported today\na,b\n# a comment\n1,2\n3\n# another\n4,5\n"
        let table = try TextTable(text) {
            $0.skipLines = 2
            $0.comment = Array("#".utf8)
        }
        #expect(table.header == ["a", "b"])
        #expect(table.rows == [["1", "2"], ["4", "5"]])
        #expect(table.rejects.map(\.lineNumber) == [6])
        #expect(table.rejects.first?.error.description.hasSuffix(":6: expected 2 fields, found 1") == true)
        // The same on the plain path: blank lines before the header are counted too.
        let plain = try TextTable("\n\na,b\n1,2\n3\n")
        #expect(plain.rejects.map(\.lineNumber) == [5])
    }

    @Test func headerFalseNamesColumns() throws {
        let table = try TextTable("1,x,3\n2,\"y,z\",4\n") { $0.hasHeader = false }
        #expect(table.header == ["column1", "column2", "column3"])
        #expect(table.rows == abc)
    }

    @Test func nullPaddingAndExtraFields() throws {
        let text = "a,b,c\n1,2\n1,2,3,4\n5,6,7\n"
        let strictRows = try TextTable(text)
        #expect(strictRows.rows == [["5", "6", "7"]])
        #expect(strictRows.rejects.count == 2)
        let padded = try TextTable(text) { $0.nullPadding = true }
        #expect(padded.rows == [["1", "2", nil], ["5", "6", "7"]])
        let ignoring = try TextTable(text) { $0.ignoreExtraFields = true }
        #expect(ignoring.rows == [["1", "2", "3"], ["5", "6", "7"]])
        let both = try TextTable(text) {
            $0.nullPadding = true
            $0.ignoreExtraFields = true
        }
        #expect(both.rows == [["1", "2", nil], ["1", "2", "3"], ["5", "6", "7"]])
        // Typed columns are padded with nulls too.
        let path = try temporaryCSV(text)
        var options = CSVOptions(onError: .reject)
        options.nullPadding = true
        let typed = try readRows(
            path,
            columns: ["a", "b", "c"].map { CSVColumn(name: $0, type: .int64) },
            options: options
        )
        #expect(typed == [[.int(1), .int(2), .null], [.int(5), .int(6), .int(7)]])
    }

    @Test func encodingsAreTranscoded() throws {
        let text = "name,n\nété,1\n“q”,2\n"
        #expect(
            try TextTable([0xEF, 0xBB, 0xBF] + Array(text.utf8)) { $0.encoding = .utf8Signature }.header == [
                "name", "n",
            ]
        )
        let little: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for bytes in [little, big] {
            let table = try TextTable(bytes, chunkSize: 3) { $0.encoding = .utf16 }
            #expect(table.rows == [["été", "1"], ["“q”", "2"]])
        }
        let latin1: [UInt8] = Array("name,n\n".utf8) + [0xE9, 0x74, 0xE9] + Array(",1\n".utf8)
        #expect(try TextTable(latin1) { $0.encoding = .latin1 }.rows == [["été", "1"]])
        let cp1252: [UInt8] = Array("name,n\n".utf8) + [0x93, 0x71, 0x94, 0x80] + Array(",2\n".utf8)
        #expect(try TextTable(cp1252) { $0.encoding = .windows1252 }.rows == [["“q”€", "2"]])
        // Read as UTF-8, Latin-1 bytes are a reject, not a crash.
        #expect(try TextTable(latin1).rejects.count == 1)
    }

    @Test func strictQuotes() throws {
        let text = "a,b\n1,x\"y\n2,z\n"
        #expect(try TextTable(text).rows == [["1", "x\"y"], ["2", "z"]])
        let strict = try TextTable(text) { $0.strict = true }
        #expect(strict.rows == [["2", "z"]])
        #expect(strict.rejects.first?.error.kind == .quoteInUnquotedField)
        #expect(
            strict.rejects.first?.error.description.hasSuffix(
                ":2: column \"b\": quote inside an unquoted field in \"x\"y\" (strict)"
            ) == true
        )
    }

    @Test func wrongOptionsNameTheOption() {
        func problem(_ configure: (inout CSVOptions) -> Void) -> String? {
            var options = CSVOptions()
            configure(&options)
            return options.problem
        }
        #expect(problem { $0.delimiterBytes = Array("12345".utf8) } == "delimiter must be 1 to 4 bytes")
        #expect(problem { $0.delimiterBytes = [] } == "delimiter must be 1 to 4 bytes")
        #expect(problem { $0.delimiterBytes = Array("\"|".utf8) } == "delimiter and quote must differ")
        #expect(problem { $0.escape = UInt8(ascii: "\n") } == "escape cannot be a line break or part of the delimiter")
        #expect(problem { $0.skipLines = -1 } == "skip must not be negative")
        #expect(problem { $0.comment = [] } == "comment must not be empty")
        #expect(problem { $0.comment = Array("#\n".utf8) } == "comment cannot hold a line break")
        #expect(problem { _ in } == nil)
        let error = csvError {
            var options = CSVOptions()
            options.delimiterBytes = Array(";;;;;".utf8)
            _ = try CSVReader(path: "/nonexistent.csv", columns: nil, options: options)
        }
        #expect(error?.description == "/nonexistent.csv: delimiter must be 1 to 4 bytes")
    }

    @Test func duplicateAndEmptyNamesAreMadeUnique() throws {
        let table = try TextTable("a,a,,b,a\n1,2,3,4,5\n")
        #expect(table.header == ["a", "a_1", "column3", "b", "a_2"])
        #expect(table.rows == [["1", "2", "3", "4", "5"]])
        let path = try temporaryCSV("a,a,,b,a\n1,2,3,4,5\n")
        let projected = try readRows(path, columns: nil, projection: ["a_2", "column3", "a"])
        #expect(projected == [[.int(5), .int(3), .int(1)]])
    }

    @Test func anUnterminatedQuoteIsBoundedOnTheSlowerPath() throws {
        let text = "a||b\n1||\"" + String(repeating: "x||y\n", count: 400)
        let error = csvError {
            _ = try TextTable(text) {
                $0.delimiterBytes = Array("||".utf8)
                $0.maxLineBytes = 256
                $0.chunkSize = 64
            }
        }
        #expect(error?.kind == .lineTooLong(limit: 256))
        #expect(error?.file.hasSuffix("test.csv") == true)
        #expect(error?.line == 2)
    }

    @Test func decimalAndThousandsSeparators() throws {
        let path = try temporaryCSV("a;b\n1.234,5;x\n-0,25;y\n+3;z\n")
        var options = CSVOptions(delimiter: UInt8(ascii: ";"))
        options.decimalSeparator = UInt8(ascii: ",")
        options.thousandsSeparator = UInt8(ascii: ".")
        let inferred = try CSVReader.inferSchema(path: path, options: options)
        #expect(inferred.first?.type == .double)
        #expect(
            try readRows(path, columns: nil, projection: ["a"], options: options) == [
                [.double(1234.5)], [.double(-0.25)], [.double(3)],
            ]
        )
        // Without the options, the column is text.
        #expect(
            try CSVReader.inferSchema(path: path, options: CSVOptions(delimiter: UInt8(ascii: ";"))).first?.type
                == .string(emptyIsNull: true)
        )
        var wrong = CSVOptions()
        wrong.decimalSeparator = UInt8(ascii: ";")
        #expect(wrong.problem == "decimal separator must be \".\" or \",\"")
    }

    @Test func integersWithThousandsSeparatorsStayIntegers() throws {
        let path = try temporaryCSV("n,m\n\"1,234,567\",2.5\n-12,\"1,000.25\"\n\"+9,223,372,036,854,775,807\",3\n")
        var options = CSVOptions()
        options.thousandsSeparator = UInt8(ascii: ",")
        let inferred = try CSVReader.inferSchema(path: path, options: options)
        #expect(inferred.map(\.type) == [.int64, .double])
        #expect(
            try readRows(path, columns: nil, options: options) == [
                [.int(1_234_567), .double(2.5)], [.int(-12), .double(1000.25)], [.int(.max), .double(3)],
            ]
        )
        // Without the option, "1,234,567" is no integer: the column is text.
        #expect(try CSVReader.inferSchema(path: path).first?.type == .string(emptyIsNull: true))
        // Declared int64 without the option: the row is rejected, naming the value.
        let declared = [CSVColumn(name: "n", type: .int64), CSVColumn(name: "m", type: .string(emptyIsNull: true))]
        var rejected: [String] = []
        var rejecting = CSVOptions()
        rejecting.onError = .reject
        let reader = try CSVReader(path: path, columns: declared, options: rejecting)
        reader.onReject = { rejected.append($0.reason) }
        while try reader.next() != nil {}
        #expect(reader.rowsRead == 3)
        #expect(reader.rowsEmitted == 1)
        #expect(rejected.count == 2)
    }

    static let fiveRows = "1,x,3\n2,y,4\n5,z,6\n7,w,8\n9,v,0\n"

    @Test func aMisshapenHeaderIsRepaired() throws {
        let narrow = try TextTable("a,b\n" + Self.fiveRows)
        #expect(narrow.header == ["a", "b", "column3"])
        #expect(narrow.rows.count == 5 && narrow.rejects.isEmpty)
        #expect(narrow.reader.warnings.count == 1)
        let wide = try TextTable("a,b,c,d\n" + Self.fiveRows)
        #expect(wide.header == ["a", "b", "c"])
        #expect(wide.rows.count == 5)
        let trailing = try TextTable("a,b,c\n" + Self.fiveRows.replacingOccurrences(of: "\n", with: ",\n"))
        #expect(trailing.header == ["a", "b", "c"])
        #expect(trailing.rows.first == ["1", "x", "3"])
        let quote = try TextTable("a,\"b,c\n" + Self.fiveRows)
        #expect(quote.header == ["a", "\"b", "c"])
        #expect(quote.rows.count == 5)
        // Without a clear consensus (fewer than five agreeing rows), the header is the truth.
        let few = try TextTable("a,b\n1,2,3\n4,5,6\n")
        #expect(few.header == ["a", "b"] && few.rejects.count == 2)
    }
}
