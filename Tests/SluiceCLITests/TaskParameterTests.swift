import Foundation
import Logging
import Runner
import TestSupport
import Testing

@testable import sluice

/// The worker's task input, run by the CLI's `EngineJobExecutor`, fills a job file's `${name}` paths: Sluice's `params`, the Glue runner's plain keys.
@Suite struct TaskParameterTests {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A jobs directory with one job `days` reading `${root}/in/${name}.csv` and writing `${root}/out/${stage}`.
    static func jobs(in root: URL) throws -> URL {
        let jobs = root.appendingPathComponent("jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("in"),
            withIntermediateDirectories: true
        )
        try "Date\n1/2/2011\n1/3/2011\n1/3/2011\n".write(
            to: root.appendingPathComponent("in/sales.csv"),
            atomically: true,
            encoding: .utf8
        )
        let job = #"""
            {"name": "days", "aliases": ["CountDays"],
             "inputs": [{"name": "sales", "format": "csv", "path": "${root}/in/${name}.csv",
                         "columns": [{"name": "Date", "type": "date(M/d/yyyy)"}]}],
             "steps": [{"aggregate": {"group_by": ["Date"], "values": [{"name": "n", "function": "count"}]}}],
             "output": {"format": "csv", "path": "${root}/out/${stage}"}}
            """#
        try job.write(to: jobs.appendingPathComponent("days.json"), atomically: true, encoding: .utf8)
        return jobs
    }

    @Test(arguments: [
        #"{"job": "days", "params": {"root": "ROOT", "name": "sales", "stage": "s1"}}"#,
        #"{"GlueJobName": "CountDays", "root": "ROOT", "--name": "sales", "stage": "s1"}"#,
        #""{\"GlueJobName\": \"CountDays\", \"root\": \"ROOT\", \"name\": \"sales\", \"--stage\": \"s1\"}""#,
    ])
    func taskInputFillsThePaths(taskInput: String) async throws {
        let root = try Paths.temporaryDirectory("task-params")
        defer { try? FileManager.default.removeItem(at: root) }
        let executor = try EngineJobExecutor(jobsDirectory: Self.jobs(in: root).path, baseDirectory: root.path)
        let invocation = try JobInvocation(taskInput: taskInput.replacingOccurrences(of: "ROOT", with: root.path))
        let outcome = try await executor.run(invocation, logger: logger)
        #expect(outcome.rowsRead == 3)
        #expect(outcome.rowsWritten == 2)
        #expect(outcome.output == root.appendingPathComponent("out/s1").path)
        let part = root.appendingPathComponent("out/s1/part-00000.csv")
        #expect(try String(contentsOf: part, encoding: .utf8) == "Date,n\n2011-01-02,1\n2011-01-03,2\n")
    }

    @Test func aParameterMissingFromTheTaskInputFailsTheTaskNamingIt() async throws {
        let root = try Paths.temporaryDirectory("task-params-missing")
        defer { try? FileManager.default.removeItem(at: root) }
        let jobs = try Self.jobs(in: root)
        let executor = try EngineJobExecutor(jobsDirectory: jobs.path, baseDirectory: root.path)
        let invocation = try JobInvocation(taskInput: #"{"GlueJobName": "days", "root": "\#(root.path)"}"#)
        await #expect {
            try await executor.run(invocation, logger: logger)
        } throws: { error in
            "\(error)".hasPrefix("\(jobs.path)/days.json: inputs.sales.path: parameter ${name} has no value")
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path))
    }
}
