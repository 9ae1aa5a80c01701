import Columnar
import Foundation
import TestSupport
import Testing

@testable import CSV

/// A generated file with quoted delimiters, quoted line breaks, doubled quotes, empty fields and multibyte text, read
/// in small parallel chunks, equals DuckDB's reading of it. (CRLF rows are left out: DuckDB rejects mixed endings.)
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct CSVDuckDBInteropTests {
    static func generate(rows: Int) -> String {
        var text = "id,text,day,amount,flag\n"
        var state: UInt64 = 4242
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let words = ["alpha", "beta, gamma", "say \"\"hi\"\"", "two\nlines", "crlf\r\ninside", "naïve café", "日本語"]
        for i in 0..<rows {
            let word = words[Int(next() % UInt64(words.count))]
            let needsQuotes = word.contains(",") || word.contains("\"") || word.contains("\n")
            let textField = next() % 10 == 0 ? "" : needsQuotes ? "\"\(word)\"" : word
            let day = String(
                format: "%04d-%02d-%02d",
                1990 + Int(next() % 40),
                1 + Int(next() % 12),
                1 + Int(next() % 28)
            )
            let amount = next() % 10 == 0 ? "" : "\(Int(next() % 2_000_000) - 1_000_000).\(next() % 100)"
            let flag = next() % 10 == 0 ? "" : next() % 2 == 0 ? "true" : "false"
            text += "\(i),\(textField),\(day),\(amount),\(flag)"
            text += "\n"
        }
        return text
    }

    @Test func generatedFileEqualsDuckDB() throws {
        let path = try temporaryCSV(Self.generate(rows: 30_000))
        let columns = [
            CSVColumn(name: "id", type: .int64),
            CSVColumn(name: "text", type: .string(emptyIsNull: true)),
            CSVColumn(name: "day", type: .date(format: "yyyy-MM-dd")),
            CSVColumn(name: "amount", type: .double),
            CSVColumn(name: "flag", type: .boolean),
        ]
        let reader = try CSVReader(
            path: path,
            columns: columns,
            options: CSVOptions(chunkSize: 64 * 1024, threads: 2)
        )
        let ours = try rows(of: reader)
        #expect(reader.parallelChunks > 0)
        let script = """
            import duckdb, json, sys, datetime
            rel = duckdb.sql(f\"\"\"select * from read_csv('{sys.argv[1]}', header=true, columns={{
                'id': 'BIGINT', 'text': 'VARCHAR', 'day': 'DATE', 'amount': 'DOUBLE', 'flag': 'BOOLEAN'}},
                dateformat='%Y-%m-%d', delim=',', quote='"', escape='"', auto_detect=false) order by id\"\"\")
            def cell(v):
                if v is None: return None
                if isinstance(v, bool): return "b:" + ("true" if v else "false")
                if isinstance(v, int): return f"i:{v}"
                if isinstance(v, float): return f"d:{v!r}"
                if isinstance(v, datetime.date): return f"t:{(v - datetime.date(1970, 1, 1)).days}"
                return "s:" + v
            print(json.dumps([[cell(v) for v in row] for row in rel.fetchall()]))
            """
        let output = try Python.run(script, [path])
        let theirs = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [[Any]]
        #expect(ours.count == 30_000)
        CSVSampleTests.compare(ours, theirs)
    }
}
