import Storage
import Testing

@testable import CSV

/// The sniffer (``CSVOptions/detect``, ``CSVReader/detectDialect(source:options:)``): what it finds, and that a read
/// with the dialect sniffed equals one with it given.
@Suite struct CSVSnifferTests {
    static let body = [
        "id,name,amount,day", "1,Ann,10.5,2024-01-02", "2,\"Li, Bo\",-3,2024-02-03", "3,Cy,0,2024-03-04",
        "4,Di,7.25,2024-04-05", "5,Ed,1e3,2024-05-06",
    ]

    func dialect(_ text: String, _ bytes: [UInt8]? = nil) throws -> CSVOptions {
        let source = try LocalSequentialFileSource(path: try temporaryCSV(bytes: bytes ?? Array(text.utf8)))
        return try CSVReader.detectDialect(source: source)
    }

    @Test(arguments: [",", ";", "\t", "|", " ", "||"])
    func delimiters(delimiter: String) throws {
        let text = Self.body.map { $0.replacingOccurrences(of: ",", with: delimiter) }.joined(separator: "\n") + "\n"
        // The quoted comma became the delimiter too: quote it again.
        let fixed = text.replacingOccurrences(of: "\"Li\(delimiter) Bo\"", with: "\"Li\(delimiter)Bo\"")
        let found = try dialect(fixed)
        #expect(found.delimiterBytes == Array(delimiter.utf8))
        #expect(found.hasHeader)
        #expect(found.skipLines == 0)
        let table = try TextTable(fixed) { $0.detect = .all }
        #expect(table.header == ["id", "name", "amount", "day"])
        #expect(table.rows.count == 5 && table.rejects.isEmpty)
    }

    @Test func quotesAndEscapes() throws {
        let single = "a,b\n1,'x,y'\n2,'it''s'\n3,z\n"
        let found = try dialect(single)
        #expect(found.quote == UInt8(ascii: "'"))
        #expect(try TextTable(single) { $0.detect = .all }.rows == [["1", "x,y"], ["2", "it's"], ["3", "z"]])
        let backslash = "a,b\n1,\"say \\\"hi\\\", ok\"\n2,\"x\"\n3,y\n"
        #expect(try dialect(backslash).escape == UInt8(ascii: "\\"))
        #expect(try dialect(Self.body.joined(separator: "\n")).escape == nil)
    }

    @Test func preambleAndHeader() throws {
        let text = "Sales export\nGenerated 2024-05-01 by Tool\n\n" + Self.body.joined(separator: "\n") + "\n"
        let found = try dialect(text)
        // The blank line after the preamble is not counted: the reader steps over blank lines anyway.
        #expect(found.skipLines == 2)
        #expect(found.hasHeader)
        let table = try TextTable(text) { $0.detect = .all }
        #expect(table.header == ["id", "name", "amount", "day"])
        #expect(table.rows.first == ["1", "Ann", "10.5", "2024-01-02"])
        // Numbers in the first row: no header.
        let headless = Self.body.dropFirst().joined(separator: "\n") + "\n"
        #expect(try dialect(headless).hasHeader == false)
        // Every column text: a header, as DuckDB takes it.
        #expect(try dialect("a,b\nx,y\nz,w\n").hasHeader)
    }

    @Test func encodingsAndLineEnds() throws {
        let text = Self.body.joined(separator: "\r") + "\r"
        #expect(try dialect(text).lineTerminator == .cr)
        #expect(try TextTable(text) { $0.detect = .all }.rows.count == 5)
        let utf16: [UInt8] =
            [0xFF, 0xFE] + Self.body.joined(separator: "\n").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try dialect("", utf16).encoding == .utf16)
        let latin1 = Array("a,b\n".utf8) + [0xE9] + Array(",1\n".utf8)
        #expect(try dialect("", latin1).encoding == .windows1252)
        // One bad row in a UTF-8 file: UTF-8 still (the row is a reject); so with any valid multi-byte character.
        let oneBad = Array(Self.body.joined(separator: "\n").utf8) + Array("\n6,caf".utf8) + [0xC3, 0x28]
        #expect(try dialect("", oneBad).encoding == .utf8)
        #expect(try dialect("", Array("a,b\nété,1\n".utf8) + [0xE9] + Array(",2\n".utf8)).encoding == .utf8)
        #expect(try dialect(Self.body.joined(separator: "\n")).encoding == .utf8)
    }

    @Test func givenOptionsAreKept() throws {
        var options = CSVOptions()
        options.detect = [.header]
        options.delimiterBytes = Array(";".utf8)
        let source = try LocalSequentialFileSource(path: try temporaryCSV(Self.body.joined(separator: "\n")))
        let found = try CSVReader.detectDialect(source: source, options: options)
        #expect(found.delimiterBytes == Array(";".utf8))
        #expect(found.detect.isEmpty)
    }

    @Test func sniffedEqualsGivenAtEveryChunkSize() throws {
        let text =
            "# export\n" + Self.body.map { $0.replacingOccurrences(of: ",", with: ";") }.joined(separator: "\r\n")
        for chunkSize in [1, 5, 64, 4 << 20] {
            let sniffed = try TextTable(text, chunkSize: chunkSize) { $0.detect = .all }
            let given = try TextTable(text, chunkSize: chunkSize) {
                $0.delimiter = UInt8(ascii: ";")
                $0.skipLines = 1
            }
            #expect(sniffed.rows == given.rows)
            #expect(sniffed.header == given.header)
            #expect(sniffed.rows.count == 5)
        }
    }
}
