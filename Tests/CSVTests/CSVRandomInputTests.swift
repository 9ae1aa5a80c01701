import Columnar
import Testing

@testable import CSV

/// Random, mostly malformed input: never a crash or hang, counts always add up, and the result does not depend on
/// the chunk size or the thread count.
@Suite struct CSVRandomInputTests {
    let columns = [
        CSVColumn(name: "a", type: .int64),
        CSVColumn(name: "b", type: .string(emptyIsNull: true)),
        CSVColumn(name: "c", type: .boolean),
    ]

    func read(_ path: String, _ options: CSVOptions) throws -> CSVReadOutcome {
        let reader = try CSVReader(path: path, columns: columns, options: options)
        let outcome = try CSVReadOutcome(reading: reader)
        if options.onError == .reject && outcome.error == nil {
            #expect(reader.rowsRead == outcome.rows.count + reader.rowsRejected)
            #expect(reader.rowsRejected == outcome.rejects.count)
        }
        return outcome
    }

    @Test func randomInputIsHandledConsistently() throws {
        let alphabet: [UInt8] = Array("a1,,\"\"\n\r0t ".utf8) + [0xFF, 0xC3, 0xA9]
        var state: UInt64 = 0xDEAD_BEEF
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        for _ in 0..<150 {
            let length = Int(next() % 120)
            let body = (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            let path = try temporaryCSV(bytes: Array("a,b,c\n".utf8) + body)
            for onError in [CSVOptions.OnError.reject, .fail] {
                let reference = try read(path, CSVOptions(onError: onError, threads: 1))
                for chunkSize in [1, 2, 3, 7] {
                    let other = try read(path, CSVOptions(chunkSize: chunkSize, onError: onError, threads: 2))
                    #expect(
                        other == reference,
                        "chunk \(chunkSize): \(String(decoding: body, as: UTF8.self).debugDescription)"
                    )
                }
            }
        }
    }
}
