import Columnar
import Engine
import Foundation
import Logging
import SQL
import TestSupport
import Testing

/// A job file's `sql` step: SQL over the step's current rows, as the table `input`, between other steps.
@Suite struct SQLJobStepTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The seed's sales input, as `jobs/psd.json` declares it.
    static let salesInput = """
        {"name": "sales", "format": "csv", "path": "samples/SalesPipeline_QuickSightSample.csv",
         "columns": [{"name": "Date", "type": "date(M/d/yyyy)"},
                     {"name": "Forecasted Monthly Revenue", "type": "int64"},
                     {"name": "Opportunity Stage", "type": "string"}], "on_error": "fail"}
        """

    static func job(_ name: String, steps: String) throws -> JobDefinition {
        let text = #"{"name": "\#(name)", "inputs": [\#(salesInput)], "steps": \#(steps)}"#
        return try JobDefinition(json: Data(text.utf8), source: "\(name).json")
    }

    static func runner(_ jobs: [JobDefinition], sql: Bool = true) -> JobRunner {
        JobRunner(
            catalog: JobCatalog(jobs: jobs),
            baseDirectory: Paths.packageRoot.path,
            sqlSteps: sql ? SQLJobStep() : nil,
            logger: logger
        )
    }

    /// The names, types and rows of the dataset at `path`.
    static func dataset(_ path: URL) throws -> (names: [String], types: [DataType], rows: [[Value]]) {
        let scan = try DatasetScan(
            JobInput(name: "result", format: .parquet, defaultPath: path.path),
            at: .local(path.path),
            store: nil,
            logger: logger
        )
        var rows: [[Value]] = []
        while let batch = try scan.next() {
            for row in 0..<batch.count { rows.append(batch.columns.map { $0.value(at: row) }) }
        }
        return (scan.schema.names, scan.schema.fields.map(\.type), rows)
    }

    @Test func psdAsOneSQLStepEqualsTheJobOfSteps() async throws {
        let root = try Paths.temporaryDirectory("sql-step")
        defer { try? FileManager.default.removeItem(at: root) }
        let psd = try JobCatalog(directory: Paths.packageRoot.appendingPathComponent("jobs").path).job(named: "psd")
        let sql = try Self.job(
            "psd-sql",
            steps: #"""
                [{"sql": "SELECT \"date\", sum(forecasted_monthly_revenue) AS forecasted_lead_revenue,\n count(*) AS leads_generated\nFROM input WHERE opportunity_stage = 'Lead'\nGROUP BY 1 ORDER BY 1"}]
                """#
        )
        let runner = Self.runner([psd, sql])
        let native = try await runner.run(psd, request: JobRequest(output: root.appendingPathComponent("psd").path))
        let viaSQL = try await runner.run(sql, request: JobRequest(output: root.appendingPathComponent("sql").path))
        #expect(native.rowsWritten == 1802)
        #expect(viaSQL.rowsWritten == 1802)
        #expect(viaSQL.rowsRead == native.rowsRead)
        let expected = try Self.dataset(root.appendingPathComponent("psd"))
        let actual = try Self.dataset(root.appendingPathComponent("sql"))
        #expect(actual.names == ["date", "forecasted_lead_revenue", "leads_generated"])
        #expect(actual.names == expected.names)
        #expect(actual.types == expected.types)
        #expect(actual.rows == expected.rows)
    }

    @Test func stepsBeforeAndAfterASQLStepSeeItsColumns() async throws {
        let root = try Paths.temporaryDirectory("sql-step")
        defer { try? FileManager.default.removeItem(at: root) }
        // A filter step, then SQL over what it kept (with an expression, a CASE and a HAVING), then a native sort
        // on a column the query named.
        let job = try Self.job(
            "mixed",
            steps: #"""
                [{"filter": {"column": "Opportunity Stage", "op": "in", "values": ["Lead", "Qualify"]}},
                 {"sql": "SELECT year(\"date\") AS y, CASE WHEN opportunity_stage = 'Lead' THEN 'L' ELSE 'Q' END AS stage, count(*) AS n, sum(forecasted_monthly_revenue) / 1000 AS k FROM input GROUP BY 1, 2 HAVING count(*) > 10"},
                 {"sort": [{"column": "n", "order": "desc"}, {"column": "stage"}]}]
                """#
        )
        let report = try await Self.runner([job]).run(
            job,
            request: JobRequest(output: root.appendingPathComponent("out").path)
        )
        let result = try Self.dataset(root.appendingPathComponent("out"))
        #expect(result.names == ["y", "stage", "n", "k"])
        #expect(result.types == [.int64, .string, .int64, .int64])
        #expect(report.rowsWritten == result.rows.count)
        // The same counts, computed here from the CSV the job read.
        let text = try String(contentsOf: Paths.sample("SalesPipeline_QuickSightSample.csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline)
        let header = lines[0].split(separator: ",").map(String.init)
        let dateIndex = try #require(header.firstIndex(of: "Date"))
        let stageIndex = try #require(header.firstIndex(of: "Opportunity Stage"))
        var counts: [String: Int] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let stage = String(fields[stageIndex])
            guard stage == "Lead" || stage == "Qualify" else { continue }
            let year = fields[dateIndex].split(separator: "/").last.map(String.init) ?? "?"
            counts["\(year) \(stage == "Lead" ? "L" : "Q")", default: 0] += 1
        }
        let expected = counts.filter { $0.value > 10 }
        var actual: [String: Int] = [:]
        for row in result.rows {
            guard case .int(let year) = row[0], case .string(let stage) = row[1], case .int(let n) = row[2] else {
                Issue.record("unexpected row \(row)")
                continue
            }
            actual["\(year) \(stage)"] = Int(n)
        }
        #expect(actual == expected)
        #expect(!actual.isEmpty)
        // Sorted by the native step: n descending, then stage.
        let order = result.rows.map { row -> (Int64, String) in
            guard case .int(let n) = row[2], case .string(let stage) = row[1] else { return (0, "") }
            return (n, stage)
        }
        #expect(zip(order, order.dropFirst()).allSatisfy { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 <= $1.1) })
    }

    @Test func aQueryNamingInputTwiceReadsItOnce() async throws {
        let root = try Paths.temporaryDirectory("sql-step")
        defer { try? FileManager.default.removeItem(at: root) }
        // A self-join through a CTE used twice: each day's lead count beside the day's count of every stage.
        let job = try Self.job(
            "twice",
            steps: #"""
                [{"sql": "WITH days AS (SELECT \"date\" AS d, opportunity_stage AS s FROM input), leads AS (SELECT d, count(*) AS leads FROM days WHERE s = 'Lead' GROUP BY d), every AS (SELECT d, count(*) AS total FROM input i JOIN days ON i.\"date\" = days.d AND i.opportunity_stage = days.s GROUP BY d) SELECT count(*) AS days, sum(leads) AS leads FROM leads JOIN every USING (d) WHERE leads <= total"}]
                """#
        )
        try await Self.runner([job]).run(job, request: JobRequest(output: root.appendingPathComponent("out").path))
        let result = try Self.dataset(root.appendingPathComponent("out"))
        #expect(result.names == ["days", "leads"])
        // Every day with a lead: 1,802 days (PSD's rows), holding the sample's lead rows.
        let psd = try JobCatalog(directory: Paths.packageRoot.appendingPathComponent("jobs").path).job(named: "psd")
        let native = try await Self.runner([psd]).run(
            psd,
            request: JobRequest(output: root.appendingPathComponent("psd").path)
        )
        let leads = try Self.dataset(root.appendingPathComponent("psd")).rows.reduce(Int64(0)) { sum, row in
            guard case .int(let n) = row[2] else { return sum }
            return sum + n
        }
        #expect(result.rows == [[.int(Int64(native.rowsWritten)), .int(leads)]])
    }

    /// A failing `sql` step names the job, the step and what is wrong, and writes nothing.
    @Test(arguments: [
        (
            "SELEC * FROM input",
            "job bad: step 1 (sql): line 1, column 1: expected a statement (SELECT, WITH, CREATE TABLE … AS, DROP "
                + "TABLE, SHOW TABLES, DESCRIBE, USE, EXPLAIN), found \"SELEC\"\n"
        ),
        (
            "SELECT forecasted_revenue FROM input",
            #"job bad: step 1 (sql): line 1, column 8: unknown column forecasted_revenue; did you mean "forecasted_monthly_revenue"?"#
        ),
        ("SELECT * FROM sales", "job bad: step 1 (sql): line 1, column 15: unknown table sales (known: input)"),
        (
            "SELECT opportunity_stage - 1 FROM input",
            "job bad: step 1 (sql): line 1, column 26: operator - does not apply to VARCHAR and BIGINT"
        ),
        ("SELECT 1 FROM input; SELECT 2", "job bad: step 1 (sql): a sql step is one query over the table input"),
        ("DROP TABLE input", "job bad: step 1 (sql): a sql step is one query over the table input"),
        (
            "SELECT \\\"date\\\" AS x, opportunity_stage AS X FROM input",
            "job bad: step 1 (sql): two columns of the result are named x; give them different aliases"
        ),
    ])
    func aFailingStepNamesTheJobTheStepAndWhy(statement: String, message: String) async throws {
        let root = try Paths.temporaryDirectory("sql-step")
        defer { try? FileManager.default.removeItem(at: root) }
        let job = try Self.job("bad", steps: #"[{"sql": "\#(statement)"}]"#)
        let output = root.appendingPathComponent("out")
        await #expect {
            try await Self.runner([job]).run(job, request: JobRequest(output: output.path))
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func aRunnerWithoutSQLAndAnEmptyStepAreClearErrors() async throws {
        let job = try Self.job("plain", steps: #"[{"sql": "SELECT * FROM input"}]"#)
        await #expect {
            try await Self.runner([job], sql: false).run(job, request: JobRequest(output: "/nonexistent/out"))
        } throws: { error in
            "\(error)" == "job plain: step 1 (sql): this runner has no SQL engine (JobRunner.sqlSteps is not set)"
        }
        #expect {
            try Self.job("empty", steps: #"[{"sql": "  "}]"#)
        } throws: { error in
            "\(error)".contains("expected one SQL query over the table input")
        }
    }
}
