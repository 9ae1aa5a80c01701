import Engine
import Foundation
import Logging
import TestSupport
import Testing

/// PSD as a fan-out: `psd-partial` on each of 8 parts of the sales sample, each into its own partition, then
/// `psd-merge` over the partitions, gives exactly what one `psd` run over the whole sample gives; a partition that
/// is not committed stops the merge, which names it and leaves the previous output in place.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct JobFanOutTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func runner() throws -> JobRunner {
        let root = Paths.packageRoot.path
        return JobRunner(catalog: try JobCatalog(directory: root + "/jobs"), baseDirectory: root, logger: logger)
    }

    /// The sample's data lines dealt into `count` CSV files, each with the header line.
    static func split(into count: Int, at directory: URL) throws -> [URL] {
        let text = try String(contentsOf: Paths.sample("SalesPipeline_QuickSightSample.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.removeFirst()
        let size = (lines.count + count - 1) / count
        return try (0..<count).map { index in
            let url = directory.appendingPathComponent(String(format: "part-%05d.csv", index))
            let body = lines[min(index * size, lines.count)..<min((index + 1) * size, lines.count)]
            try ([header] + body).joined(separator: "\n").appending("\n").write(
                to: url,
                atomically: true,
                encoding: .utf8
            )
            return url
        }
    }

    @Test func eightPartialRunsAndAMergeEqualOnePSDRun() async throws {
        let root = try Paths.temporaryDirectory("fan-out")
        defer { try? FileManager.default.removeItem(at: root) }
        let runner = try Self.runner()
        let parts = try Self.split(into: 8, at: root)
        let partials = root.appendingPathComponent("partials")
        var partialRows = 0
        for (index, part) in parts.enumerated() {
            let report = try await runner.run(
                named: "psd-partial",
                request: JobRequest(
                    inputs: ["sales": part.path],
                    output: partials.appendingPathComponent(String(format: "part=%05d", index)).path
                )
            )
            partialRows += report.rowsWritten
        }
        // Days spread over several parts: more partial rows than days.
        #expect(partialRows > 1802)
        let merged = root.appendingPathComponent("merged")
        let merge = try await runner.run(
            named: "psd-merge",
            request: JobRequest(inputs: ["partials": partials.path], output: merged.path)
        )
        #expect(merge.rowsRead == partialRows)
        #expect(merge.rowsWritten == 1802)
        let whole = root.appendingPathComponent("whole")
        _ = try await runner.run(named: "psd", request: JobRequest(output: whole.path))

        let verdict = try Python.run(
            """
            import sys, pyarrow.parquet as pq
            a, b = pq.read_table(sys.argv[1]), pq.read_table(sys.argv[2])
            print(a.schema.equals(b.schema), a.equals(b), a.num_rows, sum(a.column("leads_generated").to_pylist()))
            """,
            [merged.path, whole.path]
        )
        #expect(verdict.trimmingCharacters(in: .whitespacesAndNewlines) == "True True 1802 9141")

        // Two partitions lose their commits (their runs "failed"): the merge names both and writes nothing.
        for index in [2, 6] {
            let marker = partials.appendingPathComponent(String(format: "part=%05d/_SUCCESS", index))
            try FileManager.default.removeItem(at: marker)
        }
        let before = try Data(contentsOf: merged.appendingPathComponent("part-00000.parquet"))
        await #expect {
            try await runner.run(
                named: "psd-merge",
                request: JobRequest(inputs: ["partials": partials.path], output: merged.path)
            )
        } throws: { error in
            let message = "\(error)"
            return message.contains("2 of 8 partitions are not committed")
                && message.contains("part=00002 (\(partials.path)/part=00002/_SUCCESS: missing")
                && message.contains("part=00006 (")
        }
        #expect(try Data(contentsOf: merged.appendingPathComponent("part-00000.parquet")) == before)
    }
}
