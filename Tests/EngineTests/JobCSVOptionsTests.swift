import CSV
import Engine
import Foundation
import Testing

/// The CSV keys of a job file's input (issue 14): each parsed into ``CSVOptions``, what is not given left to the
/// sniffer, and a wrong value a clear error naming the key.
@Suite struct JobCSVOptionsTests {
    func options(_ keys: String) throws -> CSVOptions {
        let json = #"{"name": "j", "inputs": [{"name": "i", "format": "csv", "path": "x.csv"\#(keys)}]}"#
        return try JobDefinition(json: Data(json.utf8), source: "j.json").inputs[0].csvOptions
    }

    func error(_ keys: String) -> String {
        do {
            _ = try options(keys)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func nothingGivenIsSniffed() throws {
        let plain = try options("")
        #expect(plain.detect == .all)
        #expect(plain.lineTerminator == .auto)
        #expect(plain.nullPadding == false && plain.ignoreExtraFields == false && plain.strict == false)
    }

    @Test func everyKeyIsParsed() throws {
        let all = try options(
            ##", "delimiter": "||", "quote": "'", "escape": "\\", "line_terminator": "\r", "skip": 2, "comment": "#","##
                + ##" "header": false, "null_padding": true, "ignore_extra_fields": true, "encoding": "latin-1","##
                + ##" "strict": true, "on_error": "reject""##
        )
        #expect(all.delimiterBytes == Array("||".utf8))
        #expect(all.quote == UInt8(ascii: "'"))
        #expect(all.escape == UInt8(ascii: "\\"))
        #expect(all.lineTerminator == .cr)
        #expect(all.skipLines == 2)
        #expect(all.comment == Array("#".utf8))
        #expect(all.hasHeader == false)
        #expect(all.nullPadding && all.ignoreExtraFields && all.strict)
        #expect(all.encoding == .latin1)
        #expect(all.onError == .reject)
        #expect(all.detect == [.lineTerminator])
        let auto = try options(#", "delimiter": ";", "header": "auto""#)
        #expect(auto.detect.contains(.header) && !auto.detect.contains(.delimiter))
        #expect(try options(#", "line_terminator": "crlf""#).lineTerminator == .crlf)
        let numbers = try options(#", "decimal_separator": ",", "thousands_separator": ".""#)
        #expect(numbers.decimalSeparator == UInt8(ascii: ","))
        #expect(numbers.thousandsSeparator == UInt8(ascii: "."))
    }

    @Test func wrongValuesNameTheKey() {
        #expect(
            error(#", "delimiter": "|||||""#)
                == "j.json: inputs[0].delimiter: expected a delimiter of 1 to 4 bytes, found 5"
        )
        #expect(
            error(#", "quote": "ab""#) == "j.json: inputs[0].quote: expected a single one-byte character, found \"ab\""
        )
        #expect(
            error(#", "escape": """#) == "j.json: inputs[0].escape: expected a single one-byte character, found \"\""
        )
        #expect(error(#", "line_terminator": "x""#).hasPrefix("j.json: inputs[0].line_terminator: expected \"auto\""))
        #expect(error(#", "skip": -1"#) == "j.json: inputs[0].skip: expected a number of lines (0 or more)")
        #expect(
            error(#", "comment": """#) == "j.json: inputs[0].comment: expected a non-empty prefix without line breaks"
        )
        #expect(error(#", "header": "maybe""#) == "j.json: inputs[0].header: expected true, false or \"auto\"")
        #expect(error(#", "null_padding": "yes""#) == "j.json: inputs[0].null_padding: expected true or false")
        #expect(error(#", "encoding": "ebcdic""#).hasPrefix("j.json: inputs[0].encoding: expected utf-8, utf-8-sig"))
        #expect(error(#", "delimiter": "\"""#) == "j.json: inputs[0]: delimiter and quote must differ")
        #expect(error(#", "decimal_separator": ";""#) == "j.json: inputs[0].decimal_separator: expected \".\" or \",\"")
        #expect(
            error(#", "decimal_separator": ",", "thousands_separator": ",""#)
                == "j.json: inputs[0]: thousands and decimal separators must differ"
        )
        #expect(error(#", "sheet": 1"#).hasPrefix("j.json: inputs[0]: unknown key \"sheet\""))
    }
}
