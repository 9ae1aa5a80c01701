import Foundation
import TestSupport
import Testing

/// `sluice query`, run as a user runs it: the seed's Athena query on the default catalog, the output formats,
/// several statements, errors with a caret, and `--output` written whole or not at all.
@Suite struct QueryCommandTests {
    @Test func theSeedsAthenaQueryAnswersFromTheDefaultCatalog() throws {
        let result = try SluiceBinary.run(["query", "SELECT * FROM marketing_qs limit 10;"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 12)  // header, 10 rows, and the final newline
        #expect(lines[0].hasPrefix("date,new_visitors_seo,new_visitors_cpc,"))
        #expect(lines[1] == "2013-01-01,2194,338,56,225,1,0,189,0,1872,25313,8438,2813,281,563,1969,1406,84,")
        #expect(lines[10].hasPrefix("2013-01-10,2565,"))
    }

    /// The deployed worker's catalog names its S3 tables by `${SourceDataBucketName}` and `${S3ETLOutputPath}`: a
    /// table whose parameter has no value fails the statement that uses it, naming the file, key and variable.
    @Test func aTableWhoseParameterHasNoValueFailsOnlyTheStatementsThatUseIt() throws {
        let result = try SluiceBinary.run(
            ["query", "--catalog", "jobs/catalog/marketingandsales_qs-s3.json", "SHOW TABLES; SELECT * FROM psd"]
        )
        #expect(result.status == 1)
        #expect(result.stdout == "tab_name\nmarketing_qs\npmd\npsd\nsalespipeline_qs\n")
        #expect(
            result.stderr
                == "sluice: error: jobs/catalog/marketingandsales_qs-s3.json: databases.marketingandsales_qs.tables.psd.path: "
                + "parameter ${S3ETLOutputPath} has no value (set the environment variable S3ETLOutputPath)\n"
        )
    }

    @Test func formatsStatementsAndTheOutputFile() throws {
        let root = try Paths.temporaryDirectory("cli-query")
        defer { try? FileManager.default.removeItem(at: root) }
        let script = root.appendingPathComponent("report.sql")
        try """
        -- Leads by region, then the biggest region.
        USE marketingandsales_qs;
        SELECT region, count(*) AS leads FROM salespipeline_qs
        WHERE opportunity_stage = 'Lead' GROUP BY region ORDER BY leads DESC, region LIMIT 2;
        """.write(to: script, atomically: true, encoding: .utf8)
        let jsonl = try SluiceBinary.run(["query", "-f", script.path, "--format", "jsonl"])
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        #expect(jsonl.stdout == "{\"region\":\"US\",\"leads\":5620}\n{\"region\":\"EMEA\",\"leads\":2452}\n")

        let table = try SluiceBinary.run([
            "query", "SELECT region, count(*) AS n FROM salespipeline_qs GROUP BY 1 ORDER BY 1", "--format", "table",
        ])
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0] == "region |     n")
        #expect(lines[1] == "-------+------")
        #expect(lines[2] == "APAC   |  2723")
        #expect(lines[4] == "US     | 12824")
        #expect(lines.last?.hasPrefix("(3 rows, ") == true)

        let output = root.appendingPathComponent("top.csv")
        try "previous good output\n".write(to: output, atomically: true, encoding: .utf8)
        let failed = try SluiceBinary.run(["query", "SELECT regin FROM salespipeline_qs", "--output", output.path])
        #expect(failed.status == 1)
        #expect(
            failed.stderr
                == "sluice: error: line 1, column 8: unknown column regin; did you mean \"region\"?\n"
                + "  SELECT regin FROM salespipeline_qs\n         ^\n"
        )
        #expect(try String(contentsOf: output, encoding: .utf8) == "previous good output\n")
        let written = try SluiceBinary.run([
            "query", "SELECT DISTINCT segment FROM salespipeline_qs ORDER BY segment", "--output", output.path,
        ])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.isEmpty)
        #expect(try String(contentsOf: output, encoding: .utf8) == "segment\nEnterprise\nSMB\nStartup\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aSyntaxErrorStopsEveryStatementBeforeAnyRuns() throws {
        let result = try SluiceBinary.run(["query", "SELECT 1; SELECT a, FROM t"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == "sluice: error: line 1, column 21: expected an expression, found \"FROM\"\n"
                + "  SELECT 1; SELECT a, FROM t\n                      ^\n"
        )
    }

    /// The plan with the estimated rows of each scan (the files' sizes), filter and join; the smaller side of the
    /// join is its right one (built in memory when it proves small).
    @Test func explainShowsTheScanWithOnlyTheColumnsUsedAndTheFilterBelowTheJoin() throws {
        let result = try SluiceBinary.run([
            "query",
            "EXPLAIN SELECT m.date, s.salesperson FROM marketing_qs m, salespipeline_qs s "
                + "WHERE m.date = s.date AND s.region = 'US'",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let plan = result.stdout
        #expect(
            plan == """
                output: date, salesperson
                project m.date, s.salesperson
                  project #0, #20
                    inner join on left [#0] = right [#0] (hash when a side proves small, else sort-merge; ~2064 rows)
                      filter (s.region = 'US') (~2064 rows)
                        scan marketingandsales_qs.salespipeline_qs (csv samples/SalesPipeline_QuickSightSample.csv, \
                ~20644 rows) columns: "Date", "Salesperson", "Region"
                      scan marketingandsales_qs.marketing_qs (csv samples/MarketingData_QuickSightSample.csv, ~988 rows) \
                columns: "Date"

                """
        )
    }
}

/// `CREATE TABLE … AS` and `DROP TABLE`: the dataset is committed as a job's output is, pyarrow reads it back, and the
/// catalog file gains and loses the table.
@Suite(.tags(.pythonPeers), .needsPythonPeers)
struct QueryCreateTableTests {
    @Test func createTableAsWritesADatasetAndTheCatalogAndDropTableUndoesIt() throws {
        let root = try Paths.temporaryDirectory("cli-ctas")
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = root.appendingPathComponent("catalog.json")
        let tables = root.appendingPathComponent("tables")
        try """
        {"default_database": "sampledb", "tables_location": "\(tables.path)", "databases": {"sampledb": {"tables": {
          "salespipeline_qs": {"format": "csv", "path": "\(Paths.sample("SalesPipeline_QuickSightSample.csv").path)",
            "columns": [{"name": "Date", "type": "date(M/d/yyyy)"}]}}}}}
        """.write(to: catalog, atomically: true, encoding: .utf8)
        func query(_ sql: String) throws -> Python.Output {
            try SluiceBinary.run(["query", sql, "--catalog", catalog.path])
        }
        let create = try query(
            "CREATE TABLE leads AS SELECT date, count(*) AS n, sum(forecasted_monthly_revenue) AS revenue "
                + "FROM salespipeline_qs WHERE opportunity_stage = 'Lead' GROUP BY date"
        )
        #expect(create.status == 0, "\(create.stderr)")
        #expect(create.stderr.contains("created table sampledb.leads at \(tables.path)/sampledb/leads (1802 rows)"))
        let dataset = tables.appendingPathComponent("sampledb/leads")
        let read = try Python.run(
            """
            import sys, pyarrow.dataset as ds
            t = ds.dataset(sys.argv[1], format="parquet").to_table()
            print(t.num_rows, t.schema.names, sum(t.column("n").to_pylist()), t.column("date").type)
            """,
            [dataset.path]
        )
        #expect(read == "1802 ['date', 'n', 'revenue'] 9141 date32[day]\n")
        let top = try query("SELECT date, n FROM leads ORDER BY n DESC, date LIMIT 1")
        #expect(top.stdout == "date,n\n2016-12-24,28\n", "\(top.stderr)")
        let text = try String(contentsOf: catalog, encoding: .utf8)
        #expect(text.contains("\"leads\""))
        #expect(text.contains("\"salespipeline_qs\""))

        let again = try query("CREATE TABLE leads AS SELECT 1 AS one")
        #expect(again.status == 1)
        #expect(again.stderr.contains("table sampledb.leads already exists"))

        let drop = try query("DROP TABLE leads PURGE")
        #expect(drop.status == 0, "\(drop.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dataset.path))
        #expect(!(try String(contentsOf: catalog, encoding: .utf8)).contains("\"leads\""))
        #expect(try query("DROP TABLE IF EXISTS leads").status == 0)
        let gone = try query("SELECT * FROM leads")
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("unknown table leads"))
    }

    /// `--format parquet --output DIR` writes the last statement's rows as a dataset that pyarrow reads back; a
    /// failing query leaves the previous dataset whole.
    @Test func formatParquetWritesADatasetThatAFailedQueryDoesNotReplace() throws {
        let root = try Paths.temporaryDirectory("cli-query-parquet")
        defer { try? FileManager.default.removeItem(at: root) }
        let dataset = root.appendingPathComponent("leads").path
        let sql =
            "SELECT date, count(*) AS n FROM salespipeline_qs WHERE opportunity_stage = 'Lead' GROUP BY date"
        let written = try SluiceBinary.run(["query", sql, "--format", "parquet", "--output", dataset])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stderr.contains("wrote 1802 rows to \(dataset)"))
        let read = """
            import sys, pyarrow.dataset as ds
            t = ds.dataset(sys.argv[1], format="parquet").to_table()
            print(t.num_rows, t.schema.names, sum(t.column("n").to_pylist()), t.column("date").type)
            """
        #expect(try Python.run(read, [dataset]) == "1802 ['date', 'n'] 9141 date32[day]\n")
        let failed = try SluiceBinary.run(
            ["query", "SELECT 1 / (n - n) AS boom FROM (\(sql)) t", "--format", "parquet", "--output", dataset]
        )
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("division by zero"), "\(failed.stderr)")
        #expect(try Python.run(read, [dataset]) == "1802 ['date', 'n'] 9141 date32[day]\n")
        let usage = try SluiceBinary.run(["query", "SELECT 1", "--format", "parquet"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--format parquet writes a dataset"))
    }
}
