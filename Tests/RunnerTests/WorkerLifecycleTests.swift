import Foundation
import StepFunctions
import TestSupport
import Testing

extension MotoIntegrationTests {
    /// Heartbeats, crashes, restarts and signals, with the real `sluice worker` against moto's interpreter. Jobs read
    /// their sales input from a named pipe the test feeds, so a real job runs exactly as long as a test needs.
    @Suite(.tags(.pythonPeers), .needsPythonPeers) struct WorkerLifecycleTests {
        static var salesData: Data { try! Data(contentsOf: Paths.sample(SeedStateMachine.salesFile)) }

        static func pipeInput(_ pipe: String, output: String) -> String {
            #"{"job": "psd", "inputs": {"sales": "\#(pipe)"}, "output": "\#(output)"}"#
        }

        @Test func heartbeatsKeepAJobLongerThanHeartbeatSecondsAlive() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("LongJob", activityArn: glue, heartbeatSeconds: 3)

            // With heartbeats every 0.5 s, a 6.6-second job outlives HeartbeatSeconds = 3 and succeeds.
            let pipe = try PipeFeeder(path: flow.path("long.csv"))
            let worker = try flow.startWorker(glue, heartbeat: 0.5)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "beating",
                input: Self.pipeInput(pipe.path, output: "output/long")
            )
            pipe.feed(Self.salesData, chunks: 12, pause: 0.6)
            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(worker.stderr)")
            let output = try jsonObject(finished.output)
            #expect((output["rowsWritten"] as? NSNumber)?.intValue == 1802)
            let started = try #require(parseTimestamp(output["startedOn"]))
            let completed = try #require(parseTimestamp(output["completedOn"]))
            #expect(completed.timeIntervalSince(started) > 3.5, "the job ran longer than HeartbeatSeconds (3 s)")
            let run = try #require(try flow.runs().first)
            #expect(run["state"] as? String == "SUCCEEDED")
            #expect(run["heartbeatAt"] != nil)
            worker.signal(SIGTERM)
            #expect(await worker.wait(seconds: 20) == 0)

            // Control: the same job with heartbeats every 30 s times out.
            let pipe2 = try PipeFeeder(path: flow.path("long2.csv"))
            let slowBeats = try flow.startWorker(glue, heartbeat: 30)
            let timedOut = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "silent",
                input: Self.pipeInput(pipe2.path, output: "output/long2")
            )
            pipe2.feed(Self.salesData, chunks: 12, pause: 0.6)
            let failed = try await finishedExecution(flow.client, timedOut)
            #expect(failed.status == "FAILED")
            #expect(failed.error == "States.Timeout")
            // The job finished after its task had timed out: the report is refused and recorded.
            #expect(await eventually { (try? flow.runs().count) == 2 && pipe2.isDone })
            #expect(
                await eventually {
                    let run = try? flow.runs().last
                    return (run?["error"] as? String)?.contains("TaskTimedOut") == true
                }
            )
            slowBeats.signal(SIGTERM)
            #expect(await slowBeats.wait(seconds: 20) == 0)
            await flow.shutdown()
        }

        @Test func aKilledWorkerRerunsAnOpenTaskOnRestart() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("Restartable", activityArn: glue)
            let pipe = try PipeFeeder(path: flow.path("restart.csv"))
            let first = try flow.startWorker(glue)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "restart",
                input: Self.pipeInput(pipe.path, output: "output/restart")
            )
            // The job is running (its input has not come yet) when the worker is killed.
            #expect(await eventually { (try? flow.runs().first?["state"] as? String) == "RUNNING" })
            first.signal(SIGKILL)
            #expect(await first.wait(seconds: 10) != nil)
            let left = try #require(try flow.runs().first)
            #expect(left["state"] as? String == "RUNNING")

            let second = try flow.startWorker(glue)
            pipe.feed(Self.salesData, chunks: 1, pause: 0)
            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "SUCCEEDED", "\(finished) \(second.stderr)")
            #expect((try jsonObject(finished.output)["rowsWritten"] as? NSNumber)?.intValue == 1802)
            let runs = try flow.runs()
            #expect(runs.count == 1)
            #expect(runs.first?["runId"] as? String == left["runId"] as? String)
            #expect(runs.first?["state"] as? String == "SUCCEEDED")
            #expect((runs.first?["attempts"] as? NSNumber)?.intValue == 2)
            #expect(second.stderr.contains("re-running"))
            second.signal(SIGTERM)
            #expect(await second.wait(seconds: 20) == 0)
            await flow.shutdown()
        }

        @Test func aKilledWorkerWhoseTaskTimedOutRecordsItFailedOnRestart() async throws {
            let flow = try await FlowHarness()
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("Expiring", activityArn: glue, heartbeatSeconds: 2)
            let pipe = try PipeFeeder(path: flow.path("expiring.csv"))
            let first = try flow.startWorker(glue, heartbeat: 0.5)
            let execution = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "expiring",
                input: Self.pipeInput(pipe.path, output: "output/expiring")
            )
            #expect(await eventually { (try? flow.runs().first?["state"] as? String) == "RUNNING" })
            first.signal(SIGKILL)
            #expect(await first.wait(seconds: 10) != nil)
            // Without heartbeats the task times out.
            let finished = try await finishedExecution(flow.client, execution)
            #expect(finished.status == "FAILED")
            #expect(finished.error == "States.Timeout")

            let second = try flow.startWorker(glue)
            #expect(await eventually { (try? flow.runs().first?["state"] as? String) == "FAILED" })
            let run = try #require(try flow.runs().first)
            #expect(
                (run["error"] as? String)?.hasPrefix("worker restarted: the task is no longer open (TaskTimedOut")
                    == true
            )
            #expect((run["attempts"] as? NSNumber)?.intValue == 1)
            second.signal(SIGTERM)
            #expect(await second.wait(seconds: 20) == 0)
            _ = pipe
            await flow.shutdown()
        }

        @Test func sigtermWhileIdleExitsPromptly() async throws {
            let flow = try await FlowHarness(pollSeconds: 2)
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let worker = try flow.startWorker(glue)
            #expect(await worker.waitForStderr(seconds: 30) { $0.contains("worker starting") })
            try await Task.sleep(for: .milliseconds(500))
            let start = Date()
            worker.signal(SIGTERM)
            // At most the poll in flight (2 s here, 60 s on AWS) is waited for.
            #expect(await worker.wait(seconds: 10) == 0)
            // Well under the 60 s a stop timeout must allow; loose, as the test's own task may be slow to observe it.
            #expect(Date().timeIntervalSince(start) < 30)
            #expect(worker.stderr.contains("shutting down"))
            #expect(worker.stderr.contains("worker stopped"))
            await flow.shutdown()
        }

        @Test func sigtermWhileBusyRespectsTheGracePeriod() async throws {
            let flow = try await FlowHarness(pollSeconds: 1)
            defer { Task { await flow.shutdown() } }
            let glue = try await flow.client.createActivity(name: "GlueRunnerActivity")
            let machine = try await flow.singleTaskMachine("Busy", activityArn: glue)

            // A job that finishes within the grace period succeeds.
            let quick = try PipeFeeder(path: flow.path("quick.csv"))
            let patient = try flow.startWorker(glue, grace: 120)
            let finishing = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "finishing",
                input: Self.pipeInput(quick.path, output: "output/finishing")
            )
            #expect(await eventually { (try? flow.runs().first?["state"] as? String) == "RUNNING" })
            patient.signal(SIGTERM)
            #expect(await patient.waitForStderr(seconds: 30) { $0.contains("shutting down: no new polls") })
            #expect(patient.isRunning, "a running job holds the worker within the grace period")
            quick.feed(Self.salesData, chunks: 1, pause: 0)
            #expect(await patient.wait(seconds: 30) == 0)
            #expect(try await finishedExecution(flow.client, finishing).status == "SUCCEEDED")

            // A job still running when the grace period ends has its task failed with "worker shutting down".
            let stuck = try PipeFeeder(path: flow.path("stuck.csv"))
            let hasty = try flow.startWorker(glue, grace: 2)
            let abandoned = try await flow.client.startExecution(
                stateMachineArn: machine,
                name: "abandoned",
                input: Self.pipeInput(stuck.path, output: "output/abandoned")
            )
            #expect(await eventually { (try? flow.runs().last?["state"] as? String) == "RUNNING" })
            let start = Date()
            hasty.signal(SIGTERM)
            #expect(await hasty.wait(seconds: 30) == 0)
            let elapsed = Date().timeIntervalSince(start)
            #expect(elapsed >= 2 && elapsed < 30, "\(elapsed)")
            let finished = try await finishedExecution(flow.client, abandoned)
            #expect(unquoted(finished.output) == "fallback")
            let history = try await flow.client.getExecutionHistory(executionArn: abandoned)
            let failed = try #require(history.first { $0.type == "ActivityFailed" })
            #expect(failed.error == "GlueJobFailedError")
            #expect(try jsonObject(failed.cause)["message"] as? String == "worker shutting down")
            let run = try #require(try flow.runs().last)
            #expect(run["state"] as? String == "FAILED")
            #expect(run["error"] as? String == "worker shutting down")
            #expect(!FileManager.default.fileExists(atPath: flow.path("output/abandoned")))
            _ = stuck
            await flow.shutdown()
        }
    }
}

/// An ISO 8601 timestamp of a JSON value.
private func parseTimestamp(_ value: Any?) -> Date? {
    (value as? String).flatMap { text in
        try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
