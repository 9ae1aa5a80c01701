import AWS
import Foundation
import Logging
import Runner
import StepFunctions
import TestSupport
import Testing

/// The worker's logic against an in-memory activity and fake jobs (the real service and jobs are exercised by
/// the moto tests).
@Suite struct ActivityWorkerTests {
    static let arn = "arn:aws:states:us-east-1:123456789012:activity:GlueRunnerActivity"

    let service = FakeActivityService()
    let executor = FakeExecutor()
    let store: JobStateStore

    init() throws {
        store = try JobStateStore(
            path: try Paths.temporaryDirectory("sluice-worker").appendingPathComponent("s.sqlite").path
        )
    }

    func worker(
        concurrency: Int = 2,
        heartbeat: Duration = .seconds(20),
        grace: Duration = .seconds(5),
        errorName: String = "GlueJobFailedError",
        pollRetry: RetryPolicy = .default,
        cancellationDeadline: Duration = .seconds(2)
    ) -> ActivityWorker {
        var logger = Logger(label: "test.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .critical
        return ActivityWorker(
            configuration: WorkerConfiguration(
                activityArn: Self.arn,
                workerName: "test-worker",
                concurrency: concurrency,
                heartbeatInterval: heartbeat,
                grace: grace,
                errorName: errorName,
                pollRetry: pollRetry,
                cancellationDeadline: cancellationDeadline
            ),
            service: service,
            executor: executor,
            store: store,
            logger: logger
        )
    }

    func object(_ text: String?) throws -> [String: Any] {
        let text = try #require(text)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func run(_ worker: ActivityWorker) -> Task<Void, any Error> {
        Task { try await worker.run() }
    }

    @Test func anAthenaActivityWithoutASQLEngineIsRefusedAtStart() async throws {
        let worker = ActivityWorker(
            configuration: WorkerConfiguration(
                activities: [
                    WorkerActivity(arn: Self.arn),
                    WorkerActivity(arn: Self.arn + "-athena", kind: .athena),
                ]
            ),
            service: service,
            executor: executor,
            store: store,
            logger: Logger(label: "test.worker") { _ in SwiftLogNoOpLogHandler() }
        )
        #expect(worker.configuration.activities.map(\.errorName) == ["GlueJobFailedError", "AthenaQueryFailedError"])
        await #expect {
            try await worker.run()
        } throws: { error in
            "\(error)" == "cannot serve activity \(Self.arn)-athena: no SQL engine was given"
        }
        #expect(service.polls == 0)
    }

    @Test func successIsReportedAndRecorded() async throws {
        service.enqueue("t1", #""{\"GlueJobName\" : \"quick\", \"--s3_output_path\": \"o/q\"}""#)
        let worker = worker()
        let running = run(worker)
        #expect(await eventually { service.successes["t1"] != nil })
        worker.shutdown()
        try await running.value

        let output = try object(service.successes["t1"])
        #expect(output["GlueJobName"] as? String == "quick")
        #expect(output["state"] as? String == "SUCCEEDED")
        #expect(output["output"] as? String == "o/q")
        #expect((output["rowsRejected"] as? NSNumber)?.intValue == 3)
        let run = try #require(try store.runs().first)
        #expect(run.state == .succeeded)
        #expect(run.taskToken == "t1")
        #expect(run.workerName == "test-worker")
        #expect(run.job == "quick")
        #expect(output["runId"] as? String == run.runId)
        #expect(output["GlueJobRunId"] as? String == run.runId)
        #expect(run.rowsRead == 10 && run.rowsWritten == 7 && run.rowsRejected == 3)
        #expect(run.output == "o/q")
        #expect(run.completedAt != nil)
        #expect(service.failures.isEmpty)
    }

    @Test func aReportWithoutAnAnswerIsSentAgainUntilItGetsThrough() async throws {
        let unreachable = StepFunctionsError(
            code: .network,
            message: "the server closed the connection",
            httpStatus: nil,
            operation: "SendTaskSuccess",
            attempts: 5
        )
        let throttled = StepFunctionsError(
            code: .throttling,
            message: "Rate exceeded",
            httpStatus: 400,
            operation: "SendTaskFailure",
            attempts: 5
        )
        service.failReports([unreachable])
        service.enqueue("t1", #"{"job": "quick"}"#)
        let worker = worker()
        let running = run(worker)
        #expect(await eventually { service.successes["t1"] != nil })
        #expect(service.reportAttempts == 2, "sent again once, after a second")
        service.failReports([throttled])
        service.enqueue("t2", #"{"job": "boom"}"#)
        #expect(await eventually { service.failures.count == 1 })
        #expect(service.reportAttempts == 4)
        worker.shutdown()
        try await running.value
        let runs = try store.runs()
        #expect(runs.map(\.state) == [.succeeded, .failed])
        #expect(runs[0].error == nil, "delivered: nothing to note")
        #expect(runs[1].error?.contains("expected int64") == true)
    }

    @Test func aReportStillUnansweredAtShutdownLeavesTheRunForRecovery() async throws {
        let unreachable = StepFunctionsError(
            code: .serviceUnavailable,
            message: "",
            httpStatus: 503,
            operation: "SendTaskSuccess",
            attempts: 5
        )
        service.failReports(Array(repeating: unreachable, count: 100))
        service.enqueue("t1", #"{"job": "quick"}"#)
        let worker = worker(grace: .milliseconds(300))
        let running = run(worker)
        #expect(await eventually { service.reportAttempts >= 1 })
        worker.shutdown()
        try await running.value
        #expect(service.successes.isEmpty)
        let run = try #require(try store.runs().first)
        #expect(run.state == .running, "the next start re-runs it while its task is open")
        #expect(run.completedAt == nil)
        #expect(run.error?.contains("could not be delivered before the worker stopped") == true, "\(run)")
        #expect(run.error?.contains("ServiceUnavailable") == true, "\(run)")
    }

    @Test func failuresAreReportedWithTheErrorNameAndAJSONCause() async throws {
        service.enqueue("t-boom", #"{"GlueJobName": "boom"}"#)
        service.enqueue("t-unknown", #"{"GlueJobName": "ProcessNothing"}"#)
        service.enqueue("t-malformed", #"{"GlueJobName": "#)
        service.enqueue("t-after", #"{"job": "quick"}"#)
        let worker = worker(concurrency: 1, errorName: "CustomError")
        let running = run(worker)
        #expect(await eventually { service.successes["t-after"] != nil })
        worker.shutdown()
        try await running.value

        let failures = Dictionary(uniqueKeysWithValues: service.failures.map { ($0.token, $0) })
        #expect(failures.count == 3)
        #expect(failures.values.allSatisfy { $0.error == "CustomError" })
        let runs = Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.taskToken, $0) })
        for (token, fragment) in [
            ("t-boom", "expected int64"), ("t-unknown", #"unknown job "ProcessNothing""#),
            ("t-malformed", "malformed task input: not JSON"),
        ] {
            let cause = try object(failures[token]?.cause)
            let message = try #require(cause["message"] as? String)
            #expect(message.contains(fragment), "\(token): \(message)")
            let run = try #require(runs[token])
            #expect(run.state == .failed)
            #expect(cause["runId"] as? String == run.runId)
            #expect(run.error == message)
        }
        #expect(try object(failures["t-boom"]?.cause)["job"] as? String == "boom")
        #expect(try object(failures["t-malformed"]?.cause)["job"] is NSNull)
        #expect(runs["t-after"]?.state == .succeeded)
    }

    @Test func runningJobsHeartbeat() async throws {
        service.enqueue("t-slow", #"{"job": "slow", "output": "hb"}"#)
        let worker = worker(heartbeat: .milliseconds(50))
        let running = run(worker)
        #expect(await eventually { service.heartbeats("t-slow") >= 3 })
        let recorded = try #require(try store.runs().first)
        #expect(recorded.state == .running)
        #expect(recorded.heartbeatAt != nil)
        executor.release("hb")
        #expect(await eventually { service.successes["t-slow"] != nil })
        // The run's heartbeat timer is a child of its task group: were it not cancelled when the job ended, the
        // worker could not stop (RunStateMachineTests prove that no heartbeat is sent once the job ended).
        worker.shutdown()
        try await running.value
    }

    @Test(arguments: [StepFunctionsError.Code.taskTimedOut, .taskDoesNotExist, .invalidToken])
    func aClosedTaskStopsItsJob(code: StepFunctionsError.Code) async throws {
        service.enqueue("t-doomed", #"{"job": "slow", "output": "doomed"}"#)
        let worker = worker(heartbeat: .milliseconds(50))
        let running = run(worker)
        #expect(await eventually { service.heartbeats("t-doomed") >= 1 })
        service.kill("t-doomed", code: code)
        #expect(await eventually { (try? store.runs().first?.state) == .failed })
        #expect(await eventually { executor.cancelled == ["doomed"] })
        let run = try #require(try store.runs().first)
        #expect(run.error?.contains("heartbeat answered \(code)") == true)
        #expect(service.failures.isEmpty, "a closed task cannot be failed")
        #expect(service.successes.isEmpty)
        worker.shutdown()
        try await running.value
    }

    @Test func concurrencyIsBounded() async throws {
        for index in 0..<4 { service.enqueue("t\(index)", #"{"job": "slow", "output": "c\#(index)"}"#) }
        let worker = worker(concurrency: 2)
        let running = run(worker)
        #expect(await eventually { executor.running == 2 })
        for index in 0..<4 { executor.release("c\(index)") }
        #expect(await eventually { service.successes.count == 4 })
        #expect(executor.maxRunning == 2)
        worker.shutdown()
        try await running.value
    }

    @Test func shutdownLetsJobsFinishWithinTheGracePeriod() async throws {
        service.enqueue("t-finishing", #"{"job": "slow", "output": "finishing"}"#)
        let worker = worker(grace: .seconds(600))
        let running = run(worker)
        #expect(await eventually { executor.running == 1 })
        worker.shutdown()
        executor.release("finishing")
        try await running.value
        #expect(service.successes["t-finishing"] != nil)
        #expect(try store.runs().first?.state == .succeeded)
    }

    @Test func afterTheGracePeriodRunningTasksAreFailed() async throws {
        service.enqueue("t-stuck", #"{"job": "slow", "output": "stuck"}"#)
        let worker = worker(grace: .milliseconds(300))
        let running = run(worker)
        #expect(await eventually { executor.running == 1 })
        let start = ContinuousClock.now
        worker.shutdown()
        try await running.value
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        let failure = try #require(service.failures.first)
        #expect(failure.token == "t-stuck")
        #expect(failure.error == "GlueJobFailedError")
        #expect(try object(failure.cause)["message"] as? String == "worker shutting down")
        let run = try #require(try store.runs().first)
        #expect(run.state == .failed)
        #expect(run.error == "worker shutting down")
        #expect(executor.cancelled == ["stuck"])
    }

    @Test func aPollInFlightAtShutdownIsNeverDropped() async throws {
        service.holdNextPoll()
        let worker = worker()
        let running = run(worker)
        #expect(await eventually { service.isPollHeld })
        worker.shutdown()
        // The poll comes back with a task after the shutdown request: it is run, not dropped.
        service.releasePoll(with: ActivityTask(taskToken: "t-late", input: #"{"job": "quick"}"#))
        try await running.value
        #expect(service.successes["t-late"] != nil)
        #expect(try store.runs().map(\.taskToken) == ["t-late"])
    }

    @Test func restartRerunsOpenTasksAndFailsClosedOnes() async throws {
        let alive = JobRun(
            taskToken: "t-alive",
            activityArn: Self.arn,
            workerName: "old",
            job: "quick",
            input: #"{"job": "quick"}"#
        )
        let dead = JobRun(
            taskToken: "t-dead",
            activityArn: Self.arn,
            workerName: "old",
            job: "quick",
            input: #"{"job": "quick"}"#
        )
        let other = JobRun(
            taskToken: "t-other",
            activityArn: "arn:aws:states:us-east-1:1:activity:Other",
            workerName: "old",
            job: "quick",
            input: "{}"
        )
        for run in [alive, dead, other] { try store.insert(run) }
        service.kill("t-dead")
        let worker = worker()
        let running = run(worker)
        #expect(await eventually { service.successes["t-alive"] != nil })
        worker.shutdown()
        try await running.value

        let rerun = try #require(try store.run(id: alive.runId))
        #expect(rerun.state == .succeeded)
        #expect(rerun.attempts == 2)
        #expect(rerun.workerName == "test-worker")
        let failed = try #require(try store.run(id: dead.runId))
        #expect(failed.state == .failed)
        #expect(failed.error?.hasPrefix("worker restarted: the task is no longer open (TaskTimedOut") == true)
        #expect(try store.run(id: other.runId)?.state == .running, "another activity's runs are left to its worker")
    }

    @Test func aPollRefusedAtStartStopsTheWorkerWithAClearError() async throws {
        final class Refusing: ActivityService {
            func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask? {
                throw StepFunctionsError(
                    code: .unrecognizedClient,
                    message: "The security token included in the request is invalid.",
                    httpStatus: 403,
                    operation: "GetActivityTask"
                )
            }
            func sendTaskSuccess(taskToken: String, output: String) async throws {}
            func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {}
            func sendTaskHeartbeat(taskToken: String) async throws {}
        }
        let worker = ActivityWorker(
            configuration: WorkerConfiguration(activityArn: Self.arn),
            service: Refusing(),
            executor: executor,
            store: store,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        )
        await #expect {
            try await worker.run()
        } throws: { error in
            "\(error)".contains("cannot poll activity \(Self.arn)")
                && "\(error)".contains("UnrecognizedClientException")
        }
    }
}

extension ActivityWorkerTests {
    @Test func aSuccessAnsweredTaskTimedOutIsRecordedAsAlreadyClosed() async throws {
        service.enqueue("t-closed", #"{"job": "slow", "output": "closed"}"#)
        let worker = worker()
        let running = run(worker)
        #expect(await eventually { executor.running == 1 })
        // The task closes while the job runs (e.g. a retried report got through): success answers TaskTimedOut.
        service.kill("t-closed")
        executor.release("closed")
        #expect(await eventually { (try? store.runs().first?.state) == .succeeded })
        let run = try #require(try store.runs().first)
        #expect(run.error?.hasPrefix("SendTaskSuccess answered TaskTimedOut: the task was already closed") == true)
        #expect(run.rowsWritten == 7)
        worker.shutdown()
        try await running.value
    }

    @Test func aJobThatCompletesWhileBeingStoppedIsReportedAsSucceeded() async throws {
        service.enqueue("t-stubborn", #"{"job": "stubborn", "output": "stubborn"}"#)
        let worker = worker(grace: .milliseconds(100), cancellationDeadline: .seconds(60))
        let running = run(worker)
        #expect(await eventually { executor.running == 1 })
        worker.shutdown()
        // The grace period is over; the job is told to stop but completes within the moment it is given.
        #expect(await eventually { executor.cancelled == ["stubborn"] })
        executor.release("stubborn")
        try await running.value
        #expect(service.successes["t-stubborn"] != nil)
        #expect(service.failures.isEmpty)
        #expect(try store.runs().first?.state == .succeeded)
    }

    @Test func pollsFailingOnceRunningAreRetriedNotFatal() async throws {
        let worker = worker(pollRetry: RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(40)))
        let running = run(worker)
        #expect(await eventually { service.polls >= 1 })
        let outage = StepFunctionsError(
            code: .network,
            message: "connection refused",
            httpStatus: nil,
            operation: "GetActivityTask"
        )
        let throttled = StepFunctionsError(
            code: .throttling,
            message: "Rate exceeded",
            httpStatus: 400,
            operation: "GetActivityTask"
        )
        service.failPolls([outage, throttled, outage])
        service.enqueue("t-after-outage", #"{"job": "quick"}"#)
        #expect(await eventually { service.successes["t-after-outage"] != nil })
        worker.shutdown()
        try await running.value
    }

    @Test func aNonTransientPollErrorLaterIsFatal() async throws {
        let worker = worker(pollRetry: RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(40)))
        let running = run(worker)
        #expect(await eventually { service.polls >= 1 })
        service.failPolls([
            StepFunctionsError(
                code: .activityDoesNotExist,
                message: "gone",
                httpStatus: 400,
                operation: "GetActivityTask"
            )
        ])
        await #expect {
            try await running.value
        } throws: { error in
            "\(error)".contains("ActivityDoesNotExist")
        }
    }

    @Test func aJobDeafToCancellationIsAbandonedAfterTheDeadline() async throws {
        service.enqueue("t-deaf", #"{"job": "stubborn", "output": "deaf"}"#)
        let worker = worker(grace: .milliseconds(100), cancellationDeadline: .milliseconds(100))
        let running = run(worker)
        #expect(await eventually { executor.running == 1 })
        worker.shutdown()
        // The worker stops although the job never returns: its task is failed and the run recorded.
        try await running.value
        #expect(executor.running == 1)
        let failure = try #require(service.failures.first)
        #expect(failure.token == "t-deaf")
        #expect(try object(failure.cause)["message"] as? String == "worker shutting down")
        #expect(try store.runs().first?.state == .failed)
        executor.release("deaf")
        #expect(await eventually { executor.running == 0 })
        #expect(service.successes.isEmpty, "a job ending after its run ended reports nothing")
    }
}
