import Foundation
import TestSupport
import Testing

/// `--metrics-file`: the Prometheus text file `sluice run` and `sluice pipeline` leave for the node exporter, read
/// by the `prometheus_client` package's own parser.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct MetricsFileTests {
    /// The samples of a Prometheus text file as `name{label=value,...}` → value, parsed by prometheus_client.
    static func samples(_ path: String) throws -> [String: Double] { try PrometheusSamples.read(path) }

    @Test func aPipelineCountsEveryJobAndItsRows() throws {
        let root = try Paths.temporaryDirectory("cli-metrics")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("sluice.prom").path
        let result = try SluiceBinary.run([
            "pipeline", "--output", root.appendingPathComponent("out").path, "--metrics-file", file,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let samples = try Self.samples(file)
        for job in ["psd", "pmd", "jmsd"] {
            #expect(samples["sluice_jobs_started_total{job=\(job)}"] == 1, "\(job)")
            #expect(samples["sluice_jobs_succeeded_total{job=\(job)}"] == 1, "\(job)")
            #expect(samples["sluice_jobs_failed_total{job=\(job)}"] == 0, "\(job)")
            #expect(samples["sluice_rows_rejected_total{job=\(job)}"] == 0, "\(job)")
            #expect(samples["sluice_job_duration_seconds_count{job=\(job),state=succeeded}"] == 1, "\(job)")
        }
        #expect(samples["sluice_rows_read_total{job=psd}"] == 20994)
        #expect(samples["sluice_rows_written_total{job=psd}"] == 1802)
        #expect(samples["sluice_rows_written_total{job=pmd}"] == 1461)
        #expect(samples["sluice_rows_read_total{job=jmsd}"] == 3263)
        #expect(samples["sluice_rows_written_total{job=jmsd}"] == 1393)
    }

    @Test func aFailedRunIsCountedAndTheFileIsStillWritten() throws {
        let root = try Paths.temporaryDirectory("cli-metrics-fail")
        defer { try? FileManager.default.removeItem(at: root) }
        let bad = root.appendingPathComponent("sales.csv")
        let header = try String(contentsOf: Paths.sample("SalesPipeline_QuickSightSample.csv"), encoding: .utf8)
            .split(separator: "\n", maxSplits: 1)[0]
        try Data("\(header)\nnot,enough,fields\n".utf8).write(to: bad)
        let file = root.appendingPathComponent("sluice.prom").path
        let result = try SluiceBinary.run([
            "run", "psd", "--input", "sales=\(bad.path)", "--output", root.appendingPathComponent("out").path,
            "--metrics-file", file,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let samples = try Self.samples(file)
        #expect(samples["sluice_jobs_started_total{job=psd}"] == 1)
        #expect(samples["sluice_jobs_succeeded_total{job=psd}"] == 0)
        #expect(samples["sluice_jobs_failed_total{job=psd}"] == 1)
        #expect(samples["sluice_job_duration_seconds_count{job=psd,state=failed}"] == 1)
        #expect(samples["sluice_rows_written_total{job=psd}"] == nil, "no rows are counted for a failed run")
    }
}
