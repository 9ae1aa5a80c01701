import Engine
import Foundation
import Logging
import TestSupport
import Testing

/// The three seed jobs and the pipeline, run in-process on the samples and checked against DuckDB's evaluation of
/// the same jobs from the CSVs, read back by DuckDB, pyarrow and Polars.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct JobRunTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func runner() throws -> JobRunner {
        let root = Paths.packageRoot.path
        return JobRunner(
            catalog: try JobCatalog(directory: root + "/jobs"),
            baseDirectory: root,
            logger: logger
        )
    }

    static func check(_ root: URL, jobs: [String]) throws -> [String: [String: Any]] {
        let script = Paths.packageRoot.appendingPathComponent("Tests/EngineTests/Fixtures/check_seed_outputs.py")
        let output = try Subprocess.run(
            Python.executable,
            [
                script.path, Paths.sample("SalesPipeline_QuickSightSample.csv").path,
                Paths.sample("MarketingData_QuickSightSample.csv").path, root.path,
            ] + jobs
        )
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: [String: Any]]
        #expect(output.status == 0, "peers disagree with DuckDB: \(output.stdout) \(output.stderr)")
        return try #require(object)
    }

    @Test func pipelineProducesTheSeedDatasets() async throws {
        let root = try Paths.temporaryDirectory("pipeline")
        defer { try? FileManager.default.removeItem(at: root) }
        let reports = try await Pipeline.seed.run(with: Self.runner(), outputRoot: root.path)
        #expect(Set(reports.map(\.job)) == ["psd", "pmd", "jmsd"])
        #expect(reports.last?.job == "jmsd")
        let byJob = Dictionary(uniqueKeysWithValues: reports.map { ($0.job, $0) })
        #expect(byJob["psd"]?.rowsRead == 20_994)
        #expect(byJob["psd"]?.rowsWritten == 1802)
        #expect(byJob["pmd"]?.rowsWritten == 1461)
        #expect(byJob["jmsd"]?.rowsWritten == 1393)
        #expect(byJob["jmsd"]?.rowsRead == 1802 + 1461)
        for job in ["psd", "pmd", "jmsd"] {
            let dataset = root.appendingPathComponent(job)
            #expect(FileManager.default.fileExists(atPath: dataset.appendingPathComponent("_SUCCESS").path))
            #expect(FileManager.default.fileExists(atPath: dataset.appendingPathComponent("part-00000.parquet").path))
        }

        let figures = try Self.check(root, jobs: ["psd", "pmd", "jmsd"])
        let psd = try #require(figures["psd"])
        #expect(psd["rows"] as? Int == 1802)
        #expect(psd["revenue_total"] as? Int == 2_714_843_612)
        #expect(psd["leads_total"] as? Int == 9141)
        #expect(psd["min_date"] as? String == "2011-01-02")
        #expect(psd["max_date"] as? String == "2016-12-30")
        let pmd = try #require(figures["pmd"])
        #expect(pmd["rows"] as? Int == 1461)
        #expect(pmd["columns"] as? Int == 19)
        let jmsd = try #require(figures["jmsd"])
        #expect(jmsd["rows"] as? Int == 1393)
        #expect(jmsd["columns"] as? Int == 21)
        #expect(jmsd["min_date"] as? String == "2013-01-02")
        #expect(jmsd["max_date"] as? String == "2016-12-30")
        for job in ["psd", "pmd", "jmsd"] {
            for key in ["duckdb_equal", "pyarrow_equal", "polars_equal", "names_equal", "types_equal"] {
                #expect(figures[job]?[key] as? Bool == true, "\(job) \(key): \(figures[job] ?? [:])")
            }
        }
    }

    @Test(arguments: [("gzip", JobOutput.Codec.gzip), ("zstd", .zstd), ("none", .none)])
    func codecsAreReadByPeers(name: String, codec: JobOutput.Codec) async throws {
        let root = try Paths.temporaryDirectory("codec-\(name)")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try await Pipeline.seed.run(with: Self.runner(), outputRoot: root.path, request: JobRequest(codec: codec))
        let figures = try Self.check(root, jobs: ["psd", "pmd", "jmsd"])
        for job in ["psd", "pmd", "jmsd"] {
            #expect(figures[job]?["pyarrow_equal"] as? Bool == true)
            #expect(figures[job]?["polars_equal"] as? Bool == true)
        }
    }

    @Test func largeResultsAreSplitIntoParts() async throws {
        let root = try Paths.temporaryDirectory("parts")
        defer { try? FileManager.default.removeItem(at: root) }
        var job = try Self.runner().catalog.job(named: "pmd")
        job.output.rowsPerPart = 500
        let report = try await Self.runner().run(
            job,
            request: JobRequest(output: root.appendingPathComponent("pmd").path)
        )
        #expect(report.files == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"])
        #expect(report.rowsWritten == 1461)
        // The dataset reads back whole, in order, with the same values DuckDB computes from the CSV.
        let figures = try Self.check(root, jobs: ["pmd"])
        #expect(figures["pmd"]?["duckdb_equal"] as? Bool == true)
        #expect(figures["pmd"]?["pyarrow_equal"] as? Bool == true)
        #expect(figures["pmd"]?["polars_equal"] as? Bool == true)
    }

    @Test func csvOutputFormat() async throws {
        let root = try Paths.temporaryDirectory("csv-out")
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("psd").path
        let report = try await Self.runner().run(
            named: "ProcessSalesData",
            request: JobRequest(output: output, format: .csv)
        )
        #expect(report.files == ["part-00000.csv"])
        let text = try String(contentsOfFile: output + "/part-00000.csv", encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1803)
        #expect(lines.first == "date,forecasted_lead_revenue,leads_generated")
        #expect(lines[1].hasPrefix("2011-01-02,"))
    }

    @Test func unknownJobAndInputAreClearErrors() async throws {
        let runner = try Self.runner()
        await #expect {
            try await runner.run(named: "nope")
        } throws: { error in
            "\(error)".contains("unknown job \"nope\"") && "\(error)".contains("psd (ProcessSalesData)")
        }
        await #expect {
            try await runner.run(named: "psd", request: JobRequest(inputs: ["salez": "x.csv"]))
        } throws: { error in
            "\(error)" == "job psd has no input \"salez\" (inputs: sales)"
        }
        await #expect {
            try await runner.run(named: "psd", request: JobRequest(inputs: ["sales": "/nonexistent/s.csv"]))
        } throws: { error in
            "\(error)".contains("/nonexistent/s.csv: no such file or directory")
        }
    }
}
