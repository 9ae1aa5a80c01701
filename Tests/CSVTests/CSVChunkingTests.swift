import Columnar
import Testing

@testable import CSV

/// Chunk boundaries anywhere in a row, and parallel parsing, give the same rows, rejects and line numbers as one
/// sequential pass over the whole file.
@Suite struct CSVChunkingTests {
    let columns = [
        CSVColumn(name: "id", type: .int64),
        CSVColumn(name: "text", type: .string(emptyIsNull: true)),
        CSVColumn(name: "when", type: .date(format: "M/d/yyyy")),
        CSVColumn(name: "x", type: .double),
        CSVColumn(name: "ok", type: .boolean),
    ]

    /// Everything that can straddle a chunk boundary: quotes, doubled quotes, CRLF, quoted newlines, empty fields,
    /// blank lines, multibyte characters, bad rows, and no final newline.
    let tricky =
        "\u{FEFF}id,text,when,x,ok\r\n"
        + "1,plain,1/2/2011,1.5,TRUE\r\n"
        + "2,\"quoted, with comma\",12/31/2016,-2e3,false\n"
        + "3,\"multi\r\nline \"\"quoted\"\" text\",2/29/2012,,\n"
        + "\n"
        + "4,,1/1/1970,0.1,1\r\n"
        + "5,\"\",1/1/1970,\"3\",\"0\"\n"
        + "6,bad date,2/30/2011,1,TRUE\n"
        + "7,too,many,fields,1,2\n"
        + "8,\"naïve 😀\",7/4/2020,1e-7,no\r\n"
        + "\r\n"
        + "9,last,1/2/2011,9,yes"

    func read(_ path: String, _ options: CSVOptions) throws -> (rows: [[Value]], rejects: [CSVRejectedRow], read: Int) {
        let reader = try CSVReader(path: path, columns: columns, options: options)
        let collector = RejectCollector()
        reader.onReject = { collector.rows.append($0) }
        let result = try rows(of: reader)
        #expect(reader.rowsRead == result.count + reader.rowsRejected)
        return (result, collector.rows, reader.rowsRead)
    }

    @Test func trickyFileIsReadAsExpected() throws {
        let path = try temporaryCSV(tricky)
        let (rows, rejects, read) = try read(path, options(onError: .reject))
        #expect(rows.map { $0[0] } == [1, 2, 3, 4, 5, 8, 9].map { .int($0) })
        #expect(rows[2] == [.int(3), .string("multi\r\nline \"quoted\" text"), day(2012, 2, 29), .null, .null])
        #expect(rows[4] == [.int(5), .string(""), day(1970, 1, 1), .double(3), .boolean(false)])
        #expect(rows[5] == [.int(8), .string("naïve 😀"), day(2020, 7, 4), .double(1e-7), .boolean(false)])
        #expect(rejects.map(\.lineNumber) == [9, 10])
        #expect(
            rejects.map { String(decoding: $0.rawLine, as: UTF8.self) } == [
                "6,bad date,2/30/2011,1,TRUE", "7,too,many,fields,1,2",
            ]
        )
        #expect(read == 9)
    }

    @Test func everyTinyChunkSizeGivesTheSameResult() throws {
        let path = try temporaryCSV(tricky)
        let expected = try read(path, options(onError: .reject))
        for chunkSize in 1...40 {
            let got = try read(path, options(chunkSize: chunkSize, onError: .reject, batchSize: 3))
            #expect(got.rows == expected.rows, "chunk size \(chunkSize)")
            #expect(got.rejects == expected.rejects, "chunk size \(chunkSize)")
        }
    }

    @Test func failingLineIsExactAtEveryChunkSize() throws {
        let path = try temporaryCSV(tricky)
        for chunkSize in [1, 2, 3, 5, 7, 11, 64, 4096] {
            let error = csvError { _ = try read(path, options(chunkSize: chunkSize)) }
            #expect(error?.description == "\(path):9: column \"when\": expected date(M/d/yyyy), found \"2/30/2011\"")
        }
    }

    /// A larger file with quoted commas, quoted newlines, doubled quotes and some bad rows.
    func generated(rows count: Int, strayQuotes: Bool) -> String {
        var text = "id,text,when,x,ok\n"
        var state: UInt64 = 12345
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for i in 0..<count {
            let month = Int(next() % 12) + 1
            let dayOfMonth = Int(next() % 28) + 1
            let textField: String
            switch next() % 8 {
            case 0: textField = "\"has, comma\""
            case 1: textField = "\"two\nlines\""
            case 2: textField = "\"say \"\"hi\"\"\""
            case 3: textField = ""
            case 4: textField = strayQuotes ? "stray\"quote" : "plain"
            default: textField = "word\(next() % 1000)"
            }
            let x = next() % 50 == 0 ? "oops" : "\(Double(next() % 100_000) / 100)"
            text += "\(i),\(textField),\(month)/\(dayOfMonth)/2015,\(x),\(next() % 2 == 0 ? "TRUE" : "FALSE")"
            text += next() % 5 == 0 ? "\r\n" : "\n"
        }
        return text
    }

    @Test(arguments: [false, true])
    func parallelEqualsSequential(strayQuotes: Bool) throws {
        let path = try temporaryCSV(generated(rows: 40_000, strayQuotes: strayQuotes))
        let sequential = try read(path, CSVOptions(chunkSize: 4 << 20, onError: .reject, threads: 1))
        #expect(sequential.rows.count + sequential.rejects.count == 40_000)
        #expect(!sequential.rejects.isEmpty)
        for threads in [2, 3] {
            let reader = try CSVReader(
                path: path,
                columns: columns,
                options: CSVOptions(chunkSize: 200 * 1024, onError: .reject, threads: threads)
            )
            let collector = RejectCollector()
            reader.onReject = { collector.rows.append($0) }
            let parallel = try rows(of: reader)
            #expect(reader.parallelChunks > 0)
            if strayQuotes { #expect(reader.splitFallbacks > 0) }
            #expect(parallel == sequential.rows)
            #expect(collector.rows == sequential.rejects)
            #expect(reader.rowsRead == 40_000)
        }
    }

    @Test func parallelFailureReportsTheFirstBadLine() throws {
        var text = "id,text,when,x,ok\n"
        for i in 0..<30_000 { text += "\(i),\"a\nb\",1/2/2011,\(i == 25_000 ? "bad" : "1"),TRUE\n" }
        let path = try temporaryCSV(text)
        let error = csvError {
            _ = try rows(
                of: CSVReader(path: path, columns: columns, options: CSVOptions(chunkSize: 300_000, threads: 2))
            )
        }
        #expect(error?.line == 2 + 25_000 * 2)
    }

    @Test func memoryIsBoundedByChunkAndLineSize() throws {
        // Reading a file much larger than the chunk keeps the buffer at chunkSize + maxLineBytes.
        let path = try temporaryCSV(generated(rows: 20_000, strayQuotes: false))
        let reader = try CSVReader(
            path: path,
            columns: columns,
            options: CSVOptions(chunkSize: 8 * 1024, maxLineBytes: 1024, onError: .reject, threads: 2)
        )
        var total = 0
        while let batch = try reader.next() {
            total += batch.count
            #expect(batch.count <= 8 * 1024 / 5)
        }
        #expect(total + reader.rowsRejected == 20_000)
    }
}
