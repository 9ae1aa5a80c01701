import Engine
import Foundation
import Logging
import TestSupport
import Testing

/// Bad input: a failing run leaves the previous output in place; `on_error: reject` diverts bad rows.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct JobFailureTests {
    /// The sales sample with line `line` (1-based, header is 1) rewritten by `edit`.
    static func corruptSales(in directory: URL, line: Int, edit: (String) -> String) throws -> URL {
        let text = try String(contentsOf: Paths.sample("SalesPipeline_QuickSightSample.csv"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        lines[line - 1] = edit(lines[line - 1])
        let url = directory.appendingPathComponent("sales.csv")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func contents(of directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            result[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return result
    }

    @Test func failedRunLeavesThePreviousOutput() async throws {
        let root = try Paths.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: root) }
        let runner = try JobRunTests.runner()
        let output = root.appendingPathComponent("out/psd")
        _ = try await runner.run(named: "psd", request: JobRequest(output: output.path))
        let before = try Self.contents(of: output)
        #expect(before.keys.sorted() == ["_SUCCESS", "part-00000.parquet"])

        // A bad value on the 20,000th line: the reader has produced many batches by then.
        let bad = try Self.corruptSales(in: root, line: 20_000) { line in
            var fields = line.components(separatedBy: ",")
            fields[6] = "12x4"
            return fields.joined(separator: ",")
        }
        await #expect {
            try await runner.run(named: "psd", request: JobRequest(inputs: ["sales": bad.path], output: output.path))
        } throws: { error in
            let text = "\(error)"
            return text.contains("sales.csv:20000") && text.contains("Forecasted Monthly Revenue")
                && text.contains("expected int64") && text.contains("\"12x4\"")
        }
        #expect(try Self.contents(of: output) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
        #expect(leftovers == ["psd"])
    }

    @Test func rejectModeDivertsBadRowsAndKeepsCounts() async throws {
        let root = try Paths.temporaryDirectory("rejects")
        defer { try? FileManager.default.removeItem(at: root) }
        let csv = root.appendingPathComponent("in.csv")
        let rows = [
            "id,amount,day,note",
            "1,10,1/2/2011,ok",
            "2,20,1/2/2011,too,many",
            "3,30",
            "4,4x0,1/3/2011,bad int",
            "5,50,13/45/2011,bad date",
            "6,60,1/3/2011,\"multi\nline\"",
        ]
        var bytes = Data(rows.joined(separator: "\n").utf8)
        bytes.append(
            contentsOf: Array("\n7,70,1/4/2011,caf".utf8) + [0xC3, 0x28] + Array("\n8,80,1/4/2011,last\n".utf8)
        )
        try bytes.write(to: csv)
        let job = """
            {
              "name": "sum",
              "inputs": [{ "name": "in", "format": "csv", "path": "\(csv.path)", "on_error": "reject",
                "columns": [{ "name": "id", "type": "int64" }, { "name": "amount", "type": "int64" },
                            { "name": "day", "type": "date(M/d/yyyy)" }, { "name": "note", "type": "string" }] }],
              "steps": [{ "aggregate": { "group_by": ["day"], "values": [
                { "name": "total", "function": "sum", "column": "amount" },
                { "name": "n", "function": "count" }] } },
                { "sort": ["day"] }]
            }
            """
        let jobFile = root.appendingPathComponent("sum.json")
        try job.write(to: jobFile, atomically: true, encoding: .utf8)
        let runner = try JobRunTests.runner()
        let output = root.appendingPathComponent("sum-out")
        let report = try await runner.run(named: jobFile.path, request: JobRequest(output: output.path))
        #expect(report.rowsRead == 8)
        #expect(report.rowsRejected == 5)
        let rejectsData = try Data(contentsOf: URL(fileURLWithPath: try #require(report.rejectsPath)))
        // The raw line with invalid UTF-8 is kept byte for byte.
        #expect(rejectsData.range(of: Data([0x63, 0x61, 0x66, 0xC3, 0x28])) != nil)
        let rejects = String(decoding: rejectsData, as: UTF8.self)
        let lines = rejects.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "input,line,reason,raw_line")
        #expect(rejects.contains("\"in\",3,\"expected 4 fields, found 5\",\"2,20,1/2/2011,too,many\""))
        #expect(rejects.contains("\"in\",4,\"expected 4 fields, found 2\",\"3,30\""))
        #expect(
            rejects.contains(
                "\"in\",5,\"column \"\"amount\"\": expected int64, found \"\"4x0\"\"\",\"4,4x0,1/3/2011,bad int\""
            )
        )
        #expect(rejects.contains("\"in\",6,"))
        #expect(rejects.contains("\"in\",9,\"column \"\"note\"\": invalid UTF-8"))
        // rows read = rows passed on + rows rejected: 3 good rows (ids 1, 6, 8) in 3 groups.
        #expect(report.rowsWritten == 3)
        let check = try Python.run(
            """
            import sys, pyarrow.parquet as pq
            t = pq.read_table(sys.argv[1]).to_pylist()
            print([(str(r['day']), r['total'], r['n']) for r in t])
            """,
            [output.path]
        )
        #expect(
            check.trimmingCharacters(in: .whitespacesAndNewlines)
                == "[('2011-01-02', 10, 1), ('2011-01-03', 60, 1), ('2011-01-04', 80, 1)]"
        )
    }

    @Test func malformedJobFilesNameTheKeyPath() throws {
        func error(_ json: String) -> String {
            do {
                _ = try JobDefinition(json: Data(json.utf8), source: "j.json")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let input = #"{"name": "i", "format": "csv", "path": "x.csv"}"#
        #expect(error("{").hasPrefix("j.json: not valid JSON"))
        #expect(error(#"{"inputs": [\#(input)]}"#) == "j.json: missing key \"name\"")
        #expect(
            error(
                #"{"name": "a", "inputs": [\#(input)], "steps": [{"filter": {"column": "c", "op": "==", "value": 1}}]}"#
            )
                == "j.json: steps[0].filter.op: unknown operator \"==\" (expected =, !=, <, <=, >, >= or in)"
        )
        #expect(
            error(#"{"name": "a", "inputs": [\#(input)], "steps": [{"join": {"input": "b", "on": ["d"]}}]}"#)
                == "j.json: steps[0].join.input: no input named \"b\" (inputs: i)"
        )
        #expect(
            error(
                #"{"name": "a", "inputs": [{"name": "i", "format": "csv", "path": "x", "columns": [{"name": "c", "type": "int65"}]}]}"#
            )
            .hasPrefix("j.json: inputs[0].columns[0].type: unknown type \"int65\"")
        )
        #expect(
            error(#"{"name": "a", "inputs": [\#(input)], "output": {"codec": "lz4"}}"#)
                == "j.json: output.codec: expected snappy, gzip, zstd or none"
        )
        #expect(error(#"{"name": "a", "inputs": [\#(input)], "stepz": []}"#).hasPrefix("j.json: unknown key \"stepz\""))
    }

    @Test func repositoryJobFilesLoad() throws {
        let catalog = try JobCatalog(directory: Paths.packageRoot.appendingPathComponent("jobs").path)
        #expect(catalog.jobs.map(\.name) == ["jmsd", "pmd", "psd", "psd-merge", "psd-partial"])
        #expect(try catalog.job(named: "JoinMarketingAndSalesData").name == "jmsd")
        let s3 = try JobCatalog(directory: Paths.packageRoot.appendingPathComponent("jobs/s3").path)
        #expect(s3.jobs.map(\.name) == ["jmsd", "pmd", "psd", "psd-merge", "psd-partial"])
        #expect(try catalog.job(named: "processsalesdata").name == "psd")
    }
}
