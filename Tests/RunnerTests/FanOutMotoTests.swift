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

        /// Both workers lose Step Functions and S3 (every connection through the proxy closed unanswered) for 30 s
        /// in the middle of the Map, and recover without a restart: the execution SUCCEEDS with the same result.
        @Test func workersCutOffForThirtySecondsRecoverWithoutARestartAndLoseNothing() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let fanOut = try await FanOutFlow(flow, partitions: 8, maxConcurrency: 2, heartbeatSeconds: 5)
            let proxy = try await FaultProxy.start(upstream: flow.moto.endpoint)
            defer { proxy.stop() }
            // Uploads into the partitions held, so that the Map is still running when the link goes down.
            try proxy.script([
                FaultProxy.Rule(fault: .hold, method: "PUT", path: "sales-partials", delay: 0.5, times: 1_000_000)
            ])
            let workers = try (0..<2).map {
                try fanOut.startWorker($0, s3Endpoint: proxy.endpoint, stepFunctionsEndpoint: proxy.endpoint)
            }
            let execution = try await fanOut.startExecution("outage")
            #expect(
                await eventually(seconds: 60) {
                    (0..<2).contains { index in
                        (try? fanOut.runs(index))?.contains { $0["job"] as? String == "psd-partial" } == true
                    }
                }
            )
            try proxy.reset()
            try proxy.script([FaultProxy.Rule(fault: .reset, times: 1_000_000)])
            try await Task.sleep(for: .seconds(30))
            try proxy.reset()
            let problem = try await fanOut.problem(execution, seconds: 240)
            #expect(
                problem == nil,
                "\(problem ?? "") \(workers.map(\.stderr).joined(separator: "\n---\n").suffix(4000))"
            )
            #expect(workers.allSatisfy { $0.isRunning }, "a worker exited")
            #expect(workers.contains { $0.stderr.contains("retrying") }, "the outage went unnoticed")

            let figures = try fanOut.outputs(comparedWith: try fanOut.singleProcessPSD())
            #expect(figures["equal"] as? Bool == true, "\(figures)")
            #expect(figures["committed"] as? [String] == fanOut.expectedPartitions, "\(figures)")
            #expect(figures["unclean"] as? [String] == [], "\(figures)")
            #expect(figures["uploads"] as? Int == 0, "\(figures)")
            #expect(figures["jmsd_lines"] as? Int == 1394)
        }
    }
}
