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

    struct Outcome: Equatable {
        var rows: [[Value]]
        var rejects: [CSVRejectedRow]
        var error: CSVError?
    }

    func read(_ path: String, _ options: CSVOptions) throws -> Outcome {
        let reader = try CSVReader(path: path, columns: columns, options: options)
        let collector = RejectCollector()
        reader.onReject = { collector.rows.append($0) }
        var result: [[Value]] = []
        var failure: CSVError?
        do {
            while let batch = try reader.next() {
                for i in 0..<batch.count { result.append(batch.row(i)) }
            }
        } catch let error as CSVError {
            failure = error
        }
        if options.onError == .reject && failure == nil {
            #expect(reader.rowsRead == result.count + reader.rowsRejected)
            #expect(reader.rowsRejected == collector.rows.count)
        }
        return Outcome(rows: result, rejects: collector.rows, error: failure)
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
