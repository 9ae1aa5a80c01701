import Columnar
import Testing

@testable import CSV

@Suite struct CSVValueParsingTests {
    func parse<T>(_ text: String, _ body: (UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> T) -> T {
        var text = text
        return text.withUTF8 { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return body(base, base + buffer.count)
        }
    }

    @Test func integers() {
        let cases: [(String, Int64?)] = [
            ("0", 0), ("42", 42), ("-42", -42), ("+7", 7), ("007", 7),
            ("9223372036854775807", .max), ("-9223372036854775808", .min),
            ("9223372036854775808", nil), ("-9223372036854775809", nil), ("99999999999999999999", nil),
            ("", nil), ("-", nil), ("+", nil), ("1.0", nil), ("1e3", nil), (" 1", nil), ("1 ", nil), ("0x10", nil),
        ]
        for (text, expected) in cases {
            #expect(parse(text, ByteParsing.int64) == expected, "\(text)")
        }
    }

    @Test func doublesAreCorrectlyRounded() {
        let texts = [
            "0", "-0", "1", "1.5", "-2.25", ".5", "5.", "1e3", "1E+3", "1e-3", "0.1", "0.2", "0.3", "123456.789",
            "9007199254740993", "9007199254740992.5", "1e23", "8.98846567431158e307", "2.2250738585072011e-308",
            "4.9e-324", "1.7976931348623157e308", "123456789012345678901234567890", "0.000000000000000000000123",
            "3.14159265358979323846264338327950288", "1e400", "1e-400", "00000001.5000000000000000000000001",
        ]
        for text in texts {
            let ours = parse(text, ByteParsing.double)
            #expect(ours == Double(text), "\(text)")
            #expect(ours?.sign == Double(text)?.sign, "\(text)")
        }
        // A deterministic sweep of random decimal strings against Swift's own correctly rounded parser.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        for _ in 0..<20_000 {
            let mantissa = next() % 100_000_000_000_000_000
            let point = Int(next() % 19)
            var digits = String(mantissa)
            if point < digits.count { digits.insert(".", at: digits.index(digits.startIndex, offsetBy: point)) }
            let exponent = Int(next() % 60) - 30
            let text = (next() % 2 == 0 ? "-" : "") + digits + (next() % 3 == 0 ? "e\(exponent)" : "")
            #expect(parse(text, ByteParsing.double) == Double(text), "\(text)")
        }
    }

    @Test func doubleSpecialsAndRejects() {
        #expect(parse("nan", ByteParsing.double)?.isNaN == true)
        #expect(parse("NaN", ByteParsing.double)?.isNaN == true)
        #expect(parse("inf", ByteParsing.double) == .infinity)
        #expect(parse("-Infinity", ByteParsing.double) == -.infinity)
        for bad in ["", ".", "-", "e5", "1e", "1e+", "1.2.3", "1,5", "0x1p3", " 1", "1 ", "infinit", "nana", "1d"] {
            #expect(parse(bad, ByteParsing.double) == nil, "\(bad)")
        }
    }

    @Test func booleans() {
        for text in ["true", "TRUE", "True", "t", "T", "yes", "YES", "y", "1"] {
            #expect(parse(text, ByteParsing.boolean) == true, "\(text)")
        }
        for text in ["false", "FALSE", "False", "f", "F", "no", "NO", "n", "0"] {
            #expect(parse(text, ByteParsing.boolean) == false, "\(text)")
        }
        for text in ["", "2", "tru", "truee", "falsy", "on", "off", "-1"] {
            #expect(parse(text, ByteParsing.boolean) == nil, "\(text)")
        }
    }

    func date(_ pattern: String, _ text: String) throws -> Int? {
        let format = try DateTimeFormat(pattern, allowsTime: false)
        var days = 0
        let ok = parse(text) { DateTimeFormat.parse(format.ops, format.count, $0, $1, days: &days) } != nil
        return ok ? days : nil
    }

    func timestamp(_ pattern: String, _ text: String) throws -> Int64? {
        let format = try DateTimeFormat(pattern, allowsTime: true)
        var days = 0
        return parse(text) { DateTimeFormat.parse(format.ops, format.count, $0, $1, days: &days) }
    }

    @Test func dates() throws {
        #expect(try date("M/d/yyyy", "1/2/2011") == 14976)
        #expect(try date("M/d/yyyy", "12/31/2016") == 17166)
        #expect(try date("M/d/yyyy", "01/02/2011") == 14976)
        #expect(try date("MM/dd/yyyy", "01/02/2011") == 14976)
        #expect(try date("MM/dd/yyyy", "1/2/2011") == nil)
        #expect(try date("yyyy-MM-dd", "1970-01-01") == 0)
        #expect(try date("yyyy-MM-dd", "1969-12-31") == -1)
        #expect(try date("yyyy-MM-dd", "2000-02-29") == 11016)
        #expect(try date("yyyy-MM-dd", "1900-02-29") == nil)
        #expect(try date("yyyy-MM-dd", "2011-02-29") == nil)
        #expect(try date("yyyy-MM-dd", "2011-04-31") == nil)
        #expect(try date("yyyy-MM-dd", "2011-13-01") == nil)
        #expect(try date("yyyy-MM-dd", "2011-00-10") == nil)
        #expect(try date("yyyy-MM-dd", "2011-01-01x") == nil)
        #expect(try date("yyyy-MM-dd", "2011-01-1") == nil)
        #expect(try date("d.M.yy", "2.1.11") == 14976)
        #expect(try date("d.M.yy", "2.1.99") == 10593)
        #expect(try date("yyyyMMdd", "20110102") == 14976)
        #expect(try date("'day' d 'of' M, yyyy", "day 2 of 1, 2011") == 14976)
        #expect(throws: DateTimeFormat.InvalidPattern.self) { try DateTimeFormat("yyyy-MM-dd HH", allowsTime: false) }
        #expect(throws: DateTimeFormat.InvalidPattern.self) { try DateTimeFormat("yyyy-MM", allowsTime: false) }
        #expect(throws: DateTimeFormat.InvalidPattern.self) { try DateTimeFormat("yyyy-MM-dd Q", allowsTime: true) }
    }

    @Test func timestamps() throws {
        let second: Int64 = 1_000_000
        let base = 14976 * 86_400 * second
        #expect(try timestamp("yyyy-MM-dd HH:mm:ss", "2011-01-02 03:04:05") == base + (3 * 3600 + 4 * 60 + 5) * second)
        #expect(try timestamp("yyyy-MM-dd'T'HH:mm:ss", "2011-01-02T03:04:05") == base + 11045 * second)
        #expect(try timestamp("yyyy-MM-dd'T'HH:mm:ss", "2011-01-02T03:04:05.5") == base + 11045 * second + 500_000)
        #expect(
            try timestamp("yyyy-MM-dd'T'HH:mm:ss", "2011-01-02T03:04:05.123456789") == base + 11045 * second + 123_456
        )
        #expect(try timestamp("yyyy-MM-dd'T'HH:mm:ss", "2011-01-02T03:04:05.") == nil)
        #expect(try timestamp("yyyy-MM-dd HH:mm:ss.SSS", "2011-01-02 03:04:05.120") == base + 11045 * second + 120_000)
        #expect(try timestamp("yyyy-MM-dd HH:mm:ss.SSS", "2011-01-02 03:04:05.12") == nil)
        #expect(try timestamp("M/d/yyyy H:mm", "1/2/2011 3:04") == base + (3 * 3600 + 4 * 60) * second)
        #expect(try timestamp("yyyy-MM-dd HH:mm:ss", "1969-12-31 23:59:59") == -second)
        #expect(try timestamp("yyyy-MM-dd HH:mm:ss", "2011-01-02 23:60:00") == nil)
        #expect(try timestamp("yyyy-MM-dd HH:mm:ss", "2011-01-02 03:04") == nil)
    }

    @Test func columnTypeNotationRoundTrips() {
        let types: [CSVColumnType] = [
            .int64, .double, .boolean, .date(format: "M/d/yyyy"), .timestamp(format: "yyyy-MM-dd'T'HH:mm:ss"),
            .string(emptyIsNull: false), .string(emptyIsNull: true),
        ]
        for type in types { #expect(CSVColumnType(type.description) == type) }
        #expect(CSVColumnType("bool") == .boolean)
        #expect(CSVColumnType("date") == .date(format: "yyyy-MM-dd"))
        #expect(CSVColumnType("date(nonsense)") == nil)
        #expect(CSVColumnType("decimal") == nil)
        #expect(CSVColumnType.date(format: "M/d/yyyy").dataType == .date)
        #expect(CSVColumnType.timestamp(format: "yyyy").dataType == .timestamp(.microseconds, isAdjustedToUTC: false))
    }

    @Test func typedColumnsThroughTheReader() throws {
        let path = try temporaryCSV(
            "i,d,b,dt,ts\n-5,1e-3,FALSE,2016-12-30,2011-01-02T03:04:05.25\n\"7\",\"2\",yes,1970-01-01,\"1970-01-01T00:00:00\"\n"
        )
        let columns = [
            CSVColumn(name: "i", type: .int64),
            CSVColumn(name: "d", type: .double),
            CSVColumn(name: "b", type: .boolean),
            CSVColumn(name: "dt", type: .date(format: "yyyy-MM-dd")),
            CSVColumn(name: "ts", type: .timestamp(format: "yyyy-MM-dd'T'HH:mm:ss")),
        ]
        let reader = try CSVReader(path: path, columns: columns)
        #expect(
            reader.schema
                == Schema([
                    Field("i", .int64), Field("d", .double), Field("b", .boolean), Field("dt", .date),
                    Field("ts", .timestamp(.microseconds, isAdjustedToUTC: false)),
                ])
        )
        #expect(
            try rows(of: reader) == [
                [
                    .int(-5), .double(0.001), .boolean(false), day(2016, 12, 30),
                    .timestamp(1_293_937_445_250_000, .microseconds, isAdjustedToUTC: false),
                ],
                [
                    .int(7), .double(2), .boolean(true), day(1970, 1, 1),
                    .timestamp(0, .microseconds, isAdjustedToUTC: false),
                ],
            ]
        )
    }
}

@Suite struct CSVByteCopyTests {
    @Test func copyReportsASCIIAtEveryLengthAndPosition() {
        for length in 0...80 {
            let ascii = (0..<length).map { UInt8(97 + $0 % 26) }
            var destination = [UInt8](repeating: 0, count: length + 1)
            let isASCII = ascii.withUnsafeBufferPointer { source in
                destination.withUnsafeMutableBufferPointer {
                    ByteParsing.copy(source.baseAddress!, length, to: $0.baseAddress!)
                }
            }
            #expect(Array(destination[0..<length]) == ascii && (isASCII || length > 64), "length \(length)")
            for position in 0..<length {
                var bytes = ascii
                bytes[position] = 0xC3
                let result = bytes.withUnsafeBufferPointer { source in
                    destination.withUnsafeMutableBufferPointer {
                        ByteParsing.copy(source.baseAddress!, length, to: $0.baseAddress!)
                    }
                }
                #expect(!result, "length \(length) position \(position)")
                #expect(Array(destination[0..<length]) == bytes)
            }
        }
    }

    @Test func stringsOfEveryLengthRoundTripThroughTheReader() throws {
        let values = (0...70).map { n in String((0..<n).map { Character(Unicode.Scalar(UInt8(97 + $0 % 26))) }) + "é" }
        let path = try temporaryCSV("s,n\n" + values.enumerated().map { "\($1),\($0)\n" }.joined() + "\u{FF}x,1\n")
        let columns = [CSVColumn(name: "s", type: .string(emptyIsNull: false)), CSVColumn(name: "n", type: .int64)]
        let rows = try readRows(path, columns: columns, options: options(onError: .reject))
        #expect(rows == values.enumerated().map { [.string($1), .int(Int64($0))] } + [[.string("ÿx"), .int(1)]])
    }
}

@Suite struct CSVIntegerPrefixTests {
    /// The word-at-a-time path (8 readable bytes) and the byte path agree with `Int64(_:)` for every digit count
    /// and terminator.
    @Test func prefixParsingMatchesStandardLibrary() {
        var state: UInt64 = 77
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 20
        }
        let terminators: [String] = [",", "\n", "\r", "x", "/", ":", " ", "\u{7F}", "é"]
        for digits in 1...19 {
            for _ in 0..<50 {
                var text = String(next() % 9 + 1)
                while text.count < digits { text += String(next() % 10) }
                for sign in ["", "-"] {
                    for terminator in terminators {
                        for padding in ["", "12345678"] {
                            let input = sign + text + terminator + padding
                            let expected = Int64(sign + text)
                            var bytes = Array(input.utf8)
                            bytes.withUnsafeMutableBufferPointer { buffer in
                                let start = UnsafePointer(buffer.baseAddress!)
                                var stop = start
                                let value = ByteParsing.int64Prefix(start, start + buffer.count, stop: &stop)
                                if digits <= 18 {
                                    #expect(value == expected, "\(input.debugDescription)")
                                    #expect(stop - start == sign.utf8.count + digits, "\(input.debugDescription)")
                                } else {
                                    #expect(value == nil)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

@Suite struct CSVByteCountTests {
    @Test func countMatchesAByteByByteCountAtEveryLengthAndOffset() {
        var state: UInt64 = 0x1234_5678
        func random() -> UInt8 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            // Mostly the bytes counted and their neighbours in value, including bytes with the high bit set.
            let pool: [UInt8] = [0x22, 0x22, 0x0A, 0x2C, 0x21, 0x23, 0xA2, 0xFF, 0x00, 0x80]
            return pool[Int(state % UInt64(pool.count))]
        }
        // Long runs: every lane counts past 255 (all bytes match), and a mixed tail.
        let long = [UInt8](repeating: 0x22, count: 20_000) + (0..<77).map { _ in random() }
        long.withUnsafeBufferPointer { buffer in
            let expected = long.filter { $0 == 0x22 }.count
            #expect(ByteParsing.count(0x22, buffer.baseAddress!, buffer.baseAddress! + long.count) == expected)
            #expect(ByteParsing.count(0x22, buffer.baseAddress! + 3, buffer.baseAddress! + 19_999) == 19_996)
        }
        let bytes = (0..<300).map { _ in random() }
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            for start in 0..<9 {
                for length in 0..<(bytes.count - start) {
                    for byte: UInt8 in [0x22, 0x0A, 0xA2, 0x00] {
                        let expected = bytes[start..<(start + length)].filter { $0 == byte }.count
                        #expect(ByteParsing.count(byte, base + start, base + start + length) == expected)
                    }
                }
            }
        }
    }
}
