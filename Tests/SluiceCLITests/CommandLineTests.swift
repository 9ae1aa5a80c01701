import Foundation
import TestSupport
import Testing

/// The `sluice` command line, run as a built binary the way a user runs it.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct CommandLineTests {
    @Test(arguments: [[], ["run"], ["pipeline"], ["schema"], ["cat"], ["query"]])
    func everyCommandHasHelp(command: [String]) throws {
        let result = try SluiceBinary.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:"))
        #expect(result.stdout.contains("Examples:") || command.isEmpty)
    }

    @Test func pipelinePrintsOneLinePerJob() throws {
        let root = try Paths.temporaryDirectory("cli-pipeline")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try SluiceBinary.run(["pipeline", "--output", root.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.contains { $0.hasPrefix("psd: 20994 rows read, 1802 written, 0 rejected in ") })
        #expect(lines.contains { $0.hasPrefix("pmd: 1461 rows read, 1461 written, 0 rejected in ") })
        #expect(lines[2].hasPrefix("jmsd: 3263 rows read, 1393 written, 0 rejected in "))
        #expect(lines[3].hasPrefix("pipeline: succeeded in "))
        #expect(result.stderr.isEmpty)

        // cat reads the outputs back through our reader.
        let cat = try SluiceBinary.run(["cat", root.appendingPathComponent("psd").path, "--limit", "2"])
        #expect(cat.status == 0)
        #expect(
            cat.stdout == "date,forecasted_lead_revenue,leads_generated\n2011-01-02,103699,1\n2011-01-03,393841,1\n"
        )
        let jsonl = try SluiceBinary.run([
            "cat", root.appendingPathComponent("jmsd/part-00000.parquet").path, "--format", "jsonl", "--limit", "1",
            "--columns", "date,leads_generated,events",
        ])
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(jsonl.stdout.utf8)) as? [String: Any]
        #expect(object?["date"] as? String == "2013-01-02")
        #expect(object?["leads_generated"] is NSNumber)
        #expect(object?["events"] is NSNull)

        let schema = try SluiceBinary.run(["schema", root.appendingPathComponent("psd").path])
        #expect(schema.stdout.contains("date                     date"))
        #expect(schema.stdout.contains("1802 rows in 1 file"))
    }

    @Test func runReportsAsJSONAndHonoursOptions() throws {
        let root = try Paths.temporaryDirectory("cli-run")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("sales-by-day").path
        let result = try SluiceBinary.run([
            "run", "ProcessSalesData", "--input", "sales=samples/SalesPipeline_QuickSightSample.csv", "--output", out,
            "--codec", "zstd", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["rowsWritten"] as? Int == 1802)
        #expect(report?["output"] as? String == out)
        let codec = try Python.run(
            "import sys, pyarrow.parquet as pq; print(pq.ParquetFile(sys.argv[1]).metadata.row_group(0).column(0).compression)",
            [out + "/part-00000.parquet"]
        )
        #expect(codec.trimmingCharacters(in: .whitespacesAndNewlines) == "ZSTD")
    }

    @Test func paramsFillTheJobFilesPaths() throws {
        let root = try Paths.temporaryDirectory("cli-params")
        defer { try? FileManager.default.removeItem(at: root) }
        let job = root.appendingPathComponent("psd-anywhere.json")
        var text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("jobs/psd.json"), encoding: .utf8)
        text = text.replacingOccurrences(
            of: #""path": "samples/SalesPipeline_QuickSightSample.csv""#,
            with: #""path": "${samples}/SalesPipeline_QuickSightSample.csv""#
        )
        text = text.replacingOccurrences(
            of: #""output": { "format": "parquet", "codec": "snappy" }"#,
            with: #""output": { "format": "parquet", "codec": "snappy", "path": "${out}/psd-$${literal}" }"#
        )
        try text.write(to: job, atomically: true, encoding: .utf8)
        let samples = Paths.packageRoot.appendingPathComponent("samples").path

        // --param for one parameter, the environment for the other; --param wins over the environment.
        let result = try SluiceBinary.run(
            ["run", job.path, "--param", "samples=\(samples)", "--json"],
            environment: ["out": root.path, "samples": "/nonexistent"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["rowsWritten"] as? Int == 1802)
        #expect(report?["output"] as? String == root.path + "/psd-${literal}")
        #expect(FileManager.default.fileExists(atPath: root.path + "/psd-${literal}/part-00000.parquet"))

        let unfilled = try SluiceBinary.run(["run", job.path, "--param", "samples=\(samples)"])
        #expect(unfilled.status == 1)
        #expect(
            unfilled.stderr
                == "sluice: error: \(job.path): output.path: parameter ${out} has no value (give --param out=VALUE, "
                + "a task-input key \"out\", or set the environment variable out)\n"
        )

        let usage = try SluiceBinary.run(["run", job.path, "--param", "9x=1"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--param expects NAME=VALUE"))
    }

    /// A job file whose steps are a native filter, then SQL, run by `sluice run`; DuckDB computes the same from
    /// the CSV, and a bad query fails the run with the step and the caret, leaving the previous output.
    @Test func aSQLStepRunsThroughTheCLIAndMatchesDuckDB() throws {
        let root = try Paths.temporaryDirectory("cli-sql-step")
        defer { try? FileManager.default.removeItem(at: root) }
        let sales = Paths.packageRoot.appendingPathComponent("samples/SalesPipeline_QuickSightSample.csv").path
        func write(_ query: String) throws -> URL {
            let job = root.appendingPathComponent("regions.json")
            let text = #"""
                {"name": "regions", "inputs": [{"name": "sales", "format": "csv", "path": "\#(sales)"}],
                 "steps": [{"filter": {"column": "Opportunity Stage", "op": "=", "value": "Lead"}},
                           {"sql": "\#(query)"}]}
                """#
            try text.write(to: job, atomically: true, encoding: .utf8)
            return job
        }
        let out = root.appendingPathComponent("out").path
        let job = try write(
            "SELECT region, count(*) AS leads, sum(forecasted_monthly_revenue) AS revenue FROM input "
                + "GROUP BY region ORDER BY leads DESC, region"
        )
        let result = try SluiceBinary.run(["run", job.path, "--output", out, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let check = try Python.run(
            """
            import sys, json, duckdb
            got = duckdb.sql(f"SELECT * FROM read_parquet('{sys.argv[2]}/*.parquet')").fetchall()
            want = duckdb.sql(f\"\"\"SELECT "Region", count(*), sum("Forecasted Monthly Revenue")
                FROM read_csv_auto('{sys.argv[1]}') WHERE "Opportunity Stage" = 'Lead'
                GROUP BY 1 ORDER BY 2 DESC, 1\"\"\").fetchall()
            names = [c[0] for c in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{sys.argv[2]}/*.parquet')").fetchall()]
            print(json.dumps({'same': got == want, 'rows': len(got), 'names': names}))
            """,
            [sales, out]
        )
        let facts = try JSONSerialization.jsonObject(with: Data(check.utf8)) as? [String: Any]
        #expect(facts?["same"] as? Bool == true, "\(check)")
        #expect((facts?["rows"] as? Int ?? 0) > 1)
        #expect(facts?["names"] as? [String] == ["region", "leads", "revenue"])

        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/part-00000.parquet"))
        let bad = try write("SELECT region, count(*) FROM input GROUP BY regio")
        let failed = try SluiceBinary.run(["run", bad.path, "--output", out])
        #expect(failed.status == 1)
        #expect(
            failed.stderr.hasPrefix(
                "sluice: error: job regions: step 2 (sql): line 1, column 45: unknown column regio; did you mean "
                    + "\"region\"?"
            ),
            "\(failed.stderr)"
        )
        #expect(failed.stderr.contains("^"), "\(failed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/part-00000.parquet")) == before)
    }

    @Test func aJobFileRunsByItsPathOutsideTheRepository() throws {
        // A directory without jobs/: the job named by its path needs no jobs directory.
        let root = try Paths.temporaryDirectory("cli-job-path")
        defer { try? FileManager.default.removeItem(at: root) }
        let job = root.appendingPathComponent("my-psd.json")
        try FileManager.default.copyItem(at: Paths.packageRoot.appendingPathComponent("jobs/psd.json"), to: job)
        let sales = Paths.packageRoot.appendingPathComponent("samples/SalesPipeline_QuickSightSample.csv").path
        let out = root.appendingPathComponent("out").path
        let result = try SluiceBinary.run(
            ["run", job.path, "--input", "sales=\(sales)", "--output", out, "--json"],
            in: root
        )
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["rowsWritten"] as? Int == 1802)

        // A job named by name still needs the directory, and says so.
        let byName = try SluiceBinary.run(["run", "psd"], in: root)
        #expect(byName.status == 1)
        #expect(byName.stderr.contains("jobs: cannot read the jobs directory (use --jobs DIR to name another)"))
    }

    @Test func pipelineTakesParams() throws {
        let root = try Paths.temporaryDirectory("cli-pipeline-params")
        defer { try? FileManager.default.removeItem(at: root) }
        let jobs = root.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        for name in ["psd", "pmd", "jmsd"] {
            var text = try String(
                contentsOf: Paths.packageRoot.appendingPathComponent("jobs/\(name).json"),
                encoding: .utf8
            )
            text = text.replacingOccurrences(of: #""path": "samples/"#, with: #""path": "${data}/"#)
            try text.write(to: jobs.appendingPathComponent("\(name).json"), atomically: true, encoding: .utf8)
        }
        let output = root.appendingPathComponent("out").path
        let missing = try SluiceBinary.run(["pipeline", "--jobs", jobs.path, "--output", output])
        #expect(missing.status == 1)
        #expect(
            missing.stderr.hasPrefix(
                "sluice: error: \(jobs.path)/psd.json: inputs.sales.path: parameter ${data} has no value"
            )
        )
        #expect(!FileManager.default.fileExists(atPath: output))

        let samples = Paths.packageRoot.appendingPathComponent("samples").path
        let result = try SluiceBinary.run([
            "pipeline", "--jobs", jobs.path, "--output", output, "--param", "data=\(samples)",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("psd: 20994 rows read, 1802 written, 0 rejected in "))
        #expect(result.stdout.contains("jmsd: 3263 rows read, 1393 written, 0 rejected in "))
    }

    @Test func schemaInfersCSVTypes() throws {
        let result = try SluiceBinary.run(["schema", "samples/SalesPipeline_QuickSightSample.csv"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Date                        date(M/d/yyyy)"))
        #expect(result.stdout.contains("Forecasted Monthly Revenue  int64"))
        let json = try SluiceBinary.run(["schema", "samples/MarketingData_QuickSightSample.csv", "--json"])
        let columns = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(columns?.count == 19)
        #expect(columns?.first == ["name": "Date", "type": "date(M/d/yyyy)"])
    }

    @Test func failuresAreOneLineWithExitStatusOne() throws {
        let unknown = try SluiceBinary.run(["run", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("sluice: error: unknown job \"nope\""))
        #expect(unknown.stderr.split(separator: "\n").count == 1)

        let missing = try SluiceBinary.run(["cat", "/nonexistent.parquet"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "sluice: error: /nonexistent.parquet: no such file or directory\n")

        let notParquet = try SluiceBinary.run(["cat", "samples/SalesPipeline_QuickSightSample.csv"])
        #expect(notParquet.status == 1)
        #expect(notParquet.stderr.contains("not a Parquet file"))

        let usage = try SluiceBinary.run(["run", "psd", "--input", "sales"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--input expects NAME=PATH"))

        let badCodec = try SluiceBinary.run(["run", "psd", "--codec", "lz4"])
        #expect(badCodec.status == 64)
    }

    /// The worker's activities: at least one, each an activity ARN of one kind; usage errors exit 64.
    @Test(
        arguments: [
            ([String](), "give an activity to poll: --activity-arn ARN (Glue runner), --athena-activity-arn ARN"),
            (["--activity-arn", "GlueRunnerActivity"], #"--activity-arn must be an activity ARN"#),
            (
                ["--activity", "spark=arn:aws:states:us-east-1:1:activity:A"],
                "--activity must be KIND=ARN with KIND glue or athena"
            ),
            (
                [
                    "--activity-arn", "arn:aws:states:us-east-1:1:activity:A", "--athena-activity-arn",
                    "arn:aws:states:us-east-1:1:activity:A",
                ],
                "activity arn:aws:states:us-east-1:1:activity:A is given as both glue and athena"
            ),
        ]
    )
    func workerActivityOptionsAreChecked(arguments: [String], fragment: String) throws {
        let result = try SluiceBinary.run(["worker"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
    }

    @Test func badCSVNamesFileLineColumnAndText() throws {
        let root = try Paths.temporaryDirectory("cli-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let csv = root.appendingPathComponent("sales.csv")
        var text = try String(contentsOf: Paths.sample("SalesPipeline_QuickSightSample.csv"), encoding: .utf8)
        text = text.replacingOccurrences(of: "1/3/2011,David King", with: "1/33/2011,David King")
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let result = try SluiceBinary.run([
            "run", "psd", "--input", "sales=\(csv.path)", "--output", root.appendingPathComponent("o").path,
        ])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "sluice: error: \(csv.path):3: column \"Date\": expected date(M/d/yyyy), found \"1/33/2011\"\n"
        )
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("o").path))
    }

    @Test func killedRunLeavesThePreviousOutput() throws {
        let root = try Paths.temporaryDirectory("cli-kill")
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("psd")
        let first = try SluiceBinary.run(["run", "psd", "--output", out.path])
        #expect(first.status == 0)
        let before = try Data(contentsOf: out.appendingPathComponent("part-00000.parquet"))

        // A large input keeps the second run busy long enough to kill it mid-job.
        let big = root.appendingPathComponent("big.csv")
        let sample = try Data(contentsOf: Paths.sample("SalesPipeline_QuickSightSample.csv"))
        let body = sample.drop(while: { $0 != 10 }).dropFirst()
        var data = sample
        for _ in 0..<150 { data.append(body) }
        try data.write(to: big)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SluiceBinary.path)
        process.arguments = ["run", "psd", "--input", "sales=\(big.path)", "--output", out.path]
        process.currentDirectoryURL = Paths.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        // Wait until the run has created its temporary directory, then kill it.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
            if names.contains(where: { $0.hasPrefix(".psd.sluice-tmp-") }) { break }
            usleep(10_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try Data(contentsOf: out.appendingPathComponent("part-00000.parquet")) == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == [
                "_SUCCESS", "part-00000.parquet",
            ]
        )

        // The next run cleans up the killed run's temporary directory.
        let again = try SluiceBinary.run(["run", "psd", "--output", out.path])
        #expect(again.status == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }
}
