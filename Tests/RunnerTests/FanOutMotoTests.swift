import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The repository's fan-out flow in moto's interpreter (see ``FanOutFlow``): a Distributed Map over the sales
    /// objects in moto's S3 sends one `psd-partial` task per object to `sluice worker` processes on one activity;
    /// `psd-merge` and JMSD follow.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct FanOutMotoTests {
        @Test func eightPartitionsOnTwoWorkersGiveExactlyTheSinglePSDRun() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let fanOut = try await FanOutFlow(flow, partitions: 8, maxConcurrency: 4, heartbeatSeconds: 10)
            let workers = try (0..<2).map { try fanOut.startWorker($0) }
            let execution = try await fanOut.startExecution("fan-out")
            let problem = try await fanOut.problem(execution, seconds: 240)
            #expect(
                problem == nil,
                "\(problem ?? "") \(workers.map(\.stderr).joined(separator: "\n---\n").suffix(4000))"
            )

            let figures = try fanOut.outputs(comparedWith: try fanOut.singleProcessPSD())
            #expect(figures["equal"] as? Bool == true, "\(figures)")
            #expect(figures["schema"] as? Bool == true, "\(figures)")
            #expect(figures["rows"] as? Int == 1802)
            #expect(figures["committed"] as? [String] == fanOut.expectedPartitions, "\(figures)")
            #expect(figures["unclean"] as? [String] == [], "\(figures)")
            #expect(figures["uploads"] as? Int == 0)
            // JMSD's CSV: a header line and the 1,393 joined days.
            #expect(figures["jmsd_lines"] as? Int == 1394)

            // Both workers' states together account for every task: 8 partials, the merge, PMD and JMSD.
            var jobs: [String: Int] = [:]
            var workersUsed = Set<Int>()
            for index in 0..<2 {
                for run in try fanOut.runs(index) {
                    #expect(run["state"] as? String == "SUCCEEDED", "\(run)")
                    jobs[run["job"] as? String ?? "?", default: 0] += 1
                    workersUsed.insert(index)
                }
            }
            #expect(jobs == ["psd-partial": 8, "psd-merge": 1, "pmd": 1, "jmsd": 1], "\(jobs)")
            #expect(workersUsed == [0, 1], "one worker took every task")
        }
    }
}
