import Columnar
import Testing

@testable import CSV

/// Unprojected fields are stepped over rather than parsed: the rows, rejects and errors must be exactly those of
/// reading every column and keeping the projected ones, whatever the quoting, row shape, chunk size or thread count.
@Suite struct CSVProjectionTests {
    static let names = ["a", "b", "c", "d", "e", "f"]
    let columns = names.map { CSVColumn(name: $0, type: .string(emptyIsNull: false)) }

    func read(_ path: String, projection: [String]?, _ options: CSVOptions) throws -> CSVReadOutcome {
        try CSVReadOutcome(
            reading: try CSVReader(path: path, columns: columns, projection: projection, options: options)
        )
    }

    /// A random field: plain text (with stray quotes inside), empty, quoted (with delimiters, line breaks and doubled
    /// quotes), or quoted with text after the closing quote.
    static func field(_ random: () -> UInt64) -> [UInt8] {
        let plain = Array("abcdefghij xyz".utf8)
        func text(_ alphabet: [UInt8], _ maximum: UInt64) -> [UInt8] {
            (0..<Int(random() % maximum)).map { _ in alphabet[Int(random() % UInt64(alphabet.count))] }
        }
        switch random() % 20 {
        case 0: return []
        case 1: return Array("ab\"c".utf8)
        case 2, 3: return [UInt8(ascii: "\"")] + text(plain + Array(",,\n\r\n\"\"".utf8), 14) + [UInt8(ascii: "\"")]
        case 4: return Array("\"q\"x".utf8)
        default: return text(plain, 18)
        }
    }

    @Test func projectedReadsEqualFullReadsProjected() throws {
        var state: UInt64 = 0x5EED_1234
        func random() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let projections: [[String]] = [["a"], ["b"], ["f"], ["a", "f"], ["c", "d"], ["e", "b"], ["d"]]
        for round in 0..<60 {
            var body = Array("a,b,c,d,e,f\n".utf8)
            for _ in 0..<Int(random() % 40) {
                // Mostly six fields; sometimes fewer or more, a blank line, or CRLF.
                let roll = random() % 25
                let count = roll == 0 ? 5 : roll == 1 ? 7 : 6
                if roll == 2 {
                    body += Array("\n".utf8)
                    continue
                }
                var row: [UInt8] = []
                for k in 0..<count {
                    if k > 0 { row.append(UInt8(ascii: ",")) }
                    row += Self.field(random)
                }
                body += row + Array((roll == 3 ? "\r\n" : "\n").utf8)
            }
            if round % 3 == 0 { body.removeLast() }
            let path = try temporaryCSV(bytes: body)
            for onError in [CSVOptions.OnError.reject, .fail] {
                let full = try read(path, projection: nil, CSVOptions(onError: onError, threads: 1))
                for projection in projections {
                    let indices = projection.map { Self.names.firstIndex(of: $0)! }
                    let expected = CSVReadOutcome(
                        rows: full.rows.map { row in indices.map { row[$0] } },
                        rejects: full.rejects,
                        error: full.error
                    )
                    for (chunkSize, threads) in [(4 << 20, 1), (4 << 20, 2), (64, 2), (13, 1)] {
                        let got = try read(
                            path,
                            projection: projection,
                            CSVOptions(chunkSize: chunkSize, onError: onError, threads: threads)
                        )
                        #expect(
                            got == expected,
                            "\(projection) chunk \(chunkSize): \(String(decoding: body, as: UTF8.self).debugDescription)"
                        )
                    }
                }
            }
        }
    }
}
