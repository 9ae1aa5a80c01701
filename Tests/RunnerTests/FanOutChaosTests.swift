import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// The fan-out flow over 16 partitions on four workers while a chaos loop SIGKILLs a random worker at random
    /// moments and restarts it (the same name and state, so it recovers its runs). The flow's retries on
    /// `States.Timeout` and `States.TaskFailed` carry every lost task to another worker. The workers reach S3
    /// through the fault proxy, which holds every upload into the partitions for 0.3 s, so that jobs last long
    /// enough to be killed mid-job, between a partition's data and its manifest too.
    ///
    /// `SLUICE_CHAOS_KILLS` sets how many kills at least (20 by default; more for a soak).
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct FanOutChaosTests {
        static var minimumKills: Int {
            Int(ProcessInfo.processInfo.environment["SLUICE_CHAOS_KILLS"] ?? "") ?? 20
        }

        @Test func fourWorkersKilledAtRandomLoseNothingAndEveryExecutionGivesTheSameResult() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let fanOut = try await FanOutFlow(flow, partitions: 16, copies: 10, maxConcurrency: 8, heartbeatSeconds: 3)
            let proxy = try await FaultProxy.start(upstream: flow.moto.endpoint)
            defer { proxy.stop() }
            try proxy.script([
                FaultProxy.Rule(fault: .hold, method: "PUT", path: "sales-partials", delay: 0.3, times: 1_000_000)
            ])
            var workers = try (0..<4).map { try fanOut.startWorker($0, s3Endpoint: proxy.endpoint) }
            let expected = try fanOut.singleProcessPSD()
            let seed = UInt64.random(in: 0...UInt64.max)
            var generator = SeededGenerator(seed: seed)
            var kills = 0
            var executions = 0
            var killedMidJob = 0
            while kills < Self.minimumKills, executions < 10 {
                executions += 1
                let execution = try await fanOut.startExecution("chaos-\(executions)")
                let deadline = Date().addingTimeInterval(300)
                while try await !flow.client.describeExecution(executionArn: execution).isFinished, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 200..<1_200, using: &generator)))
                    guard kills < Self.minimumKills else { continue }
                    // Every other kill goes to a worker with a job running, when one has.
                    let busy = try (0..<workers.count).filter { index in
                        try fanOut.runs(index).contains { $0["state"] as? String == "RUNNING" }
                    }
                    let victim =
                        kills % 2 == 0 && !busy.isEmpty
                        ? busy.randomElement(using: &generator)!
                        : Int.random(in: 0..<workers.count, using: &generator)
                    if busy.contains(victim) { killedMidJob += 1 }
                    workers[victim].signal(SIGKILL)
                    _ = await workers[victim].wait(seconds: 10)
                    workers[victim] = try fanOut.startWorker(victim, s3Endpoint: proxy.endpoint)
                    kills += 1
                }
                let problem = try await fanOut.problem(execution, seconds: 60)
                #expect(problem == nil, "execution \(executions) (seed \(seed)): \(problem ?? "")")
                let figures = try fanOut.outputs(comparedWith: expected)
                #expect(figures["equal"] as? Bool == true, "execution \(executions): \(figures)")
                #expect(figures["schema"] as? Bool == true, "\(figures)")
                #expect(figures["committed"] as? [String] == fanOut.expectedPartitions, "\(figures)")
                #expect(figures["unclean"] as? [String] == [], "orphans or uncommitted partitions: \(figures)")
                #expect(figures["uploads"] as? Int == 0, "\(figures)")
                #expect(figures["jmsd_lines"] as? Int == 1394, "\(figures)")
            }
            #expect(kills >= Self.minimumKills, "only \(kills) kills in \(executions) executions")

            // Stopped gracefully, the workers' states account for every run: none is left running, every failure
            // says why, and each task of every execution has a run that succeeded, or one that was killed after it
            // had reported and so was found "no longer open" by the restarted worker.
            for worker in workers { worker.signal(SIGTERM) }
            for worker in workers { _ = await worker.wait(seconds: 30) }
            var accounted: [String: Int] = [:]
            var states: [String: Int] = [:]
            var reruns = 0
            for index in 0..<workers.count {
                for run in try fanOut.runs(index) {
                    let state = run["state"] as? String ?? "?"
                    let error = run["error"] as? String ?? ""
                    states[state, default: 0] += 1
                    if (run["attempts"] as? Int ?? 1) > 1 { reruns += 1 }
                    #expect(state == "SUCCEEDED" || state == "FAILED", "\(run)")
                    if state == "FAILED" { #expect(!error.isEmpty, "\(run)") }
                    if state == "SUCCEEDED" || error.contains("the task is no longer open") {
                        accounted[run["job"] as? String ?? "?", default: 0] += 1
                    }
                }
            }
            #expect((accounted["psd-partial"] ?? 0) >= 16 * executions, "\(accounted)")
            for job in ["psd-merge", "pmd", "jmsd"] { #expect((accounted[job] ?? 0) >= executions, "\(accounted)") }
            print(
                "chaos: seed \(seed), \(kills) kills (\(killedMidJob) mid-job), \(executions) executions, "
                    + "runs \(states), \(reruns) re-run after a restart, accounted \(accounted)"
            )
        }
    }
}
