import Foundation
import Logging
import ServiceLifecycle
import StepFunctions
import Synchronization

/// A Step Functions activity worker that runs the jobs its tasks name: the Glue runner's replacement.
///
/// It long-polls the activity while fewer than ``WorkerConfiguration/concurrency`` jobs run. Each task is recorded
/// in the ``JobStateStore`` *before* its job starts; the job heartbeats every
/// ``WorkerConfiguration/heartbeatInterval`` and ends in `SendTaskSuccess` (see ``TaskReport/successOutput``) or
/// `SendTaskFailure` with ``WorkerConfiguration/errorName``. A heartbeat answered `TaskTimedOut`,
/// `TaskDoesNotExist` or `InvalidToken` cancels the job and records why.
///
/// On start it recovers runs a crash left `RUNNING`: a task whose token still takes a heartbeat is re-run,
/// any other is marked `FAILED` with "worker restarted".
///
/// As a swift-service-lifecycle `Service`, a graceful shutdown (SIGTERM/SIGINT in `sluice worker`) or
/// ``shutdown()`` stops new polls; a poll in flight is waited for and whatever task it brings is run, never
/// dropped. Running jobs get ``WorkerConfiguration/grace`` to finish; then their tasks are failed with
/// "worker shutting down".
public final class ActivityWorker: Service, Sendable {
    /// The configuration.
    public let configuration: WorkerConfiguration
    let service: any ActivityService
    let executor: any JobExecuting
    let store: JobStateStore
    let logger: Logger
    private let slots: SlotPool
    private let state = Mutex(State())

    private struct State {
        var shuttingDown = false
        var graceExpired = false
        var running: [String: AsyncStream<RunEnd>.Continuation] = [:]
        var graceTimer: Task<Void, Never>?
    }

    /// How a run ended.
    enum RunEnd: Sendable {
        case finished(Result<JobOutcome, any Error>)
        case taskGone(StepFunctionsError)
        case stopped(String)
    }

    /// Creates a worker.
    public init(
        configuration: WorkerConfiguration,
        service: any ActivityService,
        executor: any JobExecuting,
        store: JobStateStore,
        logger: Logger
    ) {
        self.configuration = configuration
        self.service = service
        self.executor = executor
        self.store = store
        self.slots = SlotPool(count: configuration.concurrency)
        var logger = logger
        logger[metadataKey: "activity"] = "\(configuration.activityArn)"
        self.logger = logger
    }

    /// Whether a shutdown was requested.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Recovers left-over runs, then polls and runs jobs until a shutdown request has been honoured.
    /// Throws ``WorkerError`` when the activity cannot be polled at all (bad credentials, unknown activity,
    /// unreachable endpoint at start) or the job state cannot be read.
    public func run() async throws {
        logger.info(
            "worker starting",
            metadata: [
                "worker": "\(configuration.workerName)", "concurrency": "\(configuration.concurrency)",
                "heartbeat": "\(configuration.heartbeatInterval)", "state": "\(store.path)",
            ]
        )
        let lock: JobStateLock
        do { lock = try store.lockForWorker() } catch {
            throw WorkerError(context: "cannot take the job state \(store.path)", underlying: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let recovered = try await recover()
        try await withGracefulShutdownHandler {
            try await self.serve(recovered)
        } onGracefulShutdown: {
            self.shutdown()
        }
        logger.info("worker stopped")
    }

    /// Requests a graceful shutdown: no new polls; running jobs get the grace period.
    public func shutdown() {
        let first = state.withLock { state in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        guard first else { return }
        let running = state.withLock { $0.running.count }
        logger.info(
            "shutting down: no new polls",
            metadata: ["running": "\(running)", "grace": "\(configuration.grace)"]
        )
        slots.close()
        let grace = configuration.grace
        let timer = Task { [self] in
            do { try await Task.sleep(for: grace) } catch { return }
            self.expireGrace()
        }
        state.withLock { $0.graceTimer = timer }
    }

    private func expireGrace() {
        let running = state.withLock { state in
            state.graceExpired = true
            return Array(state.running.values)
        }
        if !running.isEmpty {
            logger.warning(
                "grace period over: failing the running tasks with 'worker shutting down'",
                metadata: ["running": "\(running.count)"]
            )
        }
        for continuation in running { continuation.yield(.stopped("worker shutting down")) }
    }

    // MARK: Polling

    private func serve(_ recovered: [JobRun]) async throws {
        var fatal: WorkerError?
        await withTaskGroup(of: Void.self) { group in
            for run in recovered {
                guard await slots.acquire() else { break }
                group.addTask {
                    await self.execute(run)
                    self.slots.release()
                }
            }
            var polledOnce = false
            var failures = 0
            while !isShuttingDown {
                guard await slots.acquire() else { break }
                if isShuttingDown {
                    slots.release()
                    break
                }
                let task: ActivityTask?
                do {
                    // Never cancelled: a poll that brings a task must hand it over.
                    task = try await service.getActivityTask(
                        activityArn: configuration.activityArn,
                        workerName: configuration.workerName
                    )
                    polledOnce = true
                    failures = 0
                } catch {
                    slots.release()
                    let transient = (error as? StepFunctionsError)?.code.isRetryable ?? false
                    if !polledOnce || !transient || error is CancellationError {
                        fatal = WorkerError(
                            context: "cannot poll activity \(configuration.activityArn)",
                            underlying: "\(error)"
                        )
                        break
                    }
                    failures += 1
                    let base = configuration.pollRetryBase
                    let baseSeconds = Double(base.components.seconds) + Double(base.components.attoseconds) / 1e18
                    let cap = min(20.0, baseSeconds * pow(2.0, Double(min(failures, 10))))
                    let delay = Double.random(in: 0.5...1) * cap
                    logger.warning(
                        "poll failed; polling again later",
                        metadata: ["error": "\(error)", "retry_in_s": "\(String(format: "%.1f", delay))"]
                    )
                    await sleepUnlessShuttingDown(seconds: delay)
                    continue
                }
                guard let task else {
                    slots.release()
                    continue
                }
                if isShuttingDown {
                    logger.info("a poll in flight during shutdown brought a task: running it within the grace period")
                }
                group.addTask {
                    await self.handle(task)
                    self.slots.release()
                }
            }
            if fatal != nil { shutdown() }
            await group.waitForAll()
        }
        state.withLock { $0.graceTimer }?.cancel()
        if let fatal {
            logger.error("worker cannot go on", metadata: ["error": "\(fatal)"])
            throw fatal
        }
    }

    private func sleepUnlessShuttingDown(seconds: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline, !isShuttingDown {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    // MARK: Recovery

    /// Runs a crash left `RUNNING`: re-run when the task still takes a heartbeat, else marked `FAILED`.
    private func recover() async throws -> [JobRun] {
        let leftovers: [JobRun]
        do {
            leftovers = try store.runs(state: .running, activityArn: configuration.activityArn)
        } catch {
            throw WorkerError(context: "cannot read the job state", underlying: "\(error)")
        }
        var rerun: [JobRun] = []
        for var run in leftovers {
            var logger = self.logger
            logger[metadataKey: "run_id"] = "\(run.runId)"
            logger[metadataKey: "job"] = "\(run.job ?? "?")"
            do {
                try await service.sendTaskHeartbeat(taskToken: run.taskToken)
                run.attempts += 1
                run.startedAt = Date()
                run.heartbeatAt = run.startedAt
                run.workerName = configuration.workerName
                try store.update(run)
                logger.warning(
                    "worker restarted: the task of a run left RUNNING is still open; re-running it",
                    metadata: ["attempt": "\(run.attempts)"]
                )
                rerun.append(run)
            } catch let error as StepFunctionsError where error.code.isTaskGone {
                run.state = .failed
                run.completedAt = Date()
                run.error = "worker restarted: the task is no longer open (\(error.code): \(error.message))"
                do { try store.update(run) } catch {
                    throw WorkerError(context: "cannot record run \(run.runId)", underlying: "\(error)")
                }
                logger.warning("worker restarted: marked a run left RUNNING as FAILED", metadata: ["error": "\(error)"])
            } catch let error as JobStateStoreError {
                throw WorkerError(context: "cannot record run \(run.runId)", underlying: "\(error)")
            } catch {
                throw WorkerError(
                    context: "cannot check the task of run \(run.runId) left RUNNING by a previous worker",
                    underlying: "\(error)"
                )
            }
        }
        return rerun
    }

    // MARK: Running one task

    /// Records a fresh task, then runs it.
    private func handle(_ task: ActivityTask) async {
        var run = JobRun(
            taskToken: task.taskToken,
            activityArn: configuration.activityArn,
            workerName: configuration.workerName,
            job: nil,
            input: task.input
        )
        run.job = try? JobInvocation(taskInput: task.input).job
        do {
            try store.insert(run)
        } catch {
            // Never run untracked work: refuse the task explicitly.
            logger.error("cannot record a task; failing it", metadata: ["error": "\(error)"])
            let cause = TaskReport.failureCause(
                job: run.job,
                runId: run.runId,
                message: "cannot record the run: \(error)"
            )
            try? await service.sendTaskFailure(
                taskToken: task.taskToken,
                error: TaskReport.error(configuration.errorName),
                cause: cause
            )
            return
        }
        await execute(run)
    }

    /// Runs a recorded run to its end and records the end.
    private func execute(_ run: JobRun) async {
        var run = run
        var logger = self.logger
        logger[metadataKey: "run_id"] = "\(run.runId)"
        logger[metadataKey: "job"] = "\(run.job ?? "?")"

        let invocation: JobInvocation
        do {
            invocation = try JobInvocation(taskInput: run.input)
            let canonical = try executor.resolve(invocation.job)
            if run.job != canonical {
                // Recorded under the job's own name (e.g. psd for ProcessSalesData).
                run.job = canonical
                record(run, logger: logger)
            }
        } catch {
            logger.error("task refused", metadata: ["error": "\(error)"])
            await fail(run, message: "\(error)", report: true, logger: logger)
            return
        }
        logger.info("job started", metadata: ["attempt": "\(run.attempts)"])

        let (ends, continuation) = AsyncStream<RunEnd>.makeStream()
        let stopNow = state.withLock { state in
            state.running[run.runId] = continuation
            return state.graceExpired
        }
        if stopNow { continuation.yield(.stopped("worker shutting down")) }

        let executor = self.executor
        let job = Task { try await executor.run(invocation, logger: logger) }
        Task { continuation.yield(.finished(await job.result)) }
        let heartbeat = Task { [run] in await self.heartbeat(run, continuation, logger: logger) }

        var end = RunEnd.stopped("worker stopped")
        for await first in ends {
            end = first
            break
        }
        _ = state.withLock { $0.running.removeValue(forKey: run.runId) }
        heartbeat.cancel()

        if case .finished = end {
        } else {
            // Cancel the job and give it a moment to unwind (it removes its temporary output and commits nothing)
            // before the task is reported; never wait on it for long.
            job.cancel()
            let limit = Task {
                try? await Task.sleep(for: .seconds(2))
                continuation.yield(.stopped("no answer to cancellation"))
            }
            for await next in ends {
                if case .finished(.success) = next {
                    // It finished (and committed) after all: report that rather than a failure.
                    logger.info("the job completed while being stopped")
                    end = next
                }
                break
            }
            limit.cancel()
        }

        switch end {
        case .finished(.success(let outcome)):
            await succeed(run, invocation: invocation, outcome: outcome, logger: logger)
        case .finished(.failure(let error)):
            logger.error("job failed", metadata: ["error": "\(error)"])
            await fail(run, message: "\(error)", report: true, requested: invocation.job, logger: logger)
        case .taskGone(let error):
            logger.error("the task is closed; job cancelled", metadata: ["error": "\(error)"])
            let message = "job cancelled: heartbeat answered \(error.code): \(error.message)"
            await fail(run, message: message, report: false, requested: invocation.job, logger: logger)
        case .stopped(let reason):
            logger.warning("job stopped", metadata: ["reason": "\(reason)"])
            await fail(run, message: reason, report: true, requested: invocation.job, logger: logger)
        }
        continuation.finish()
    }

    private func heartbeat(_ run: JobRun, _ ends: AsyncStream<RunEnd>.Continuation, logger: Logger) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.heartbeatInterval) } catch { return }
            do {
                try await service.sendTaskHeartbeat(taskToken: run.taskToken)
                try? store.recordHeartbeat(runId: run.runId)
                logger.debug("heartbeat sent")
            } catch let error as StepFunctionsError where error.code.isTaskGone {
                ends.yield(.taskGone(error))
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("heartbeat failed; trying again at the next beat", metadata: ["error": "\(error)"])
            }
        }
    }

    private func succeed(_ run: JobRun, invocation: JobInvocation, outcome: JobOutcome, logger: Logger) async {
        var run = run
        run.rowsRead = outcome.rowsRead
        run.rowsWritten = outcome.rowsWritten
        run.rowsRejected = outcome.rowsRejected
        run.output = outcome.output
        run.job = outcome.job
        let output = TaskReport.successOutput(requestedJob: invocation.job, runId: run.runId, outcome: outcome)
        do {
            try await service.sendTaskSuccess(taskToken: run.taskToken, output: output)
            run.state = .succeeded
            logger.info(
                "job succeeded",
                metadata: [
                    "rows_read": "\(outcome.rowsRead)", "rows_written": "\(outcome.rowsWritten)",
                    "rows_rejected": "\(outcome.rowsRejected)", "output": "\(outcome.output)",
                ]
            )
        } catch let error as StepFunctionsError where error.code == .taskTimedOut {
            // The task is closed: either an earlier attempt of this report got through, or the task timed out.
            run.state = .succeeded
            run.error = "SendTaskSuccess answered TaskTimedOut: the task was already closed (\(error.message))"
            logger.warning("job succeeded but its task was already closed", metadata: ["error": "\(error)"])
        } catch {
            run.state = .failed
            run.error = "the job succeeded but SendTaskSuccess failed: \(error)"
            logger.error("cannot report success", metadata: ["error": "\(error)"])
        }
        run.completedAt = Date()
        record(run, logger: logger)
    }

    private func fail(_ run: JobRun, message: String, report: Bool, requested: String? = nil, logger: Logger) async {
        var run = run
        run.state = .failed
        run.completedAt = Date()
        run.error = message
        if report {
            do {
                try await service.sendTaskFailure(
                    taskToken: run.taskToken,
                    error: TaskReport.error(configuration.errorName),
                    cause: TaskReport.failureCause(
                        job: run.job,
                        requestedJob: requested,
                        runId: run.runId,
                        message: message
                    )
                )
            } catch {
                run.error = message + "; SendTaskFailure failed: \(error)"
                logger.error("cannot report failure", metadata: ["error": "\(error)"])
            }
        }
        record(run, logger: logger)
    }

    private func record(_ run: JobRun, logger: Logger) {
        do { try store.update(run) } catch {
            logger.error("cannot record the end of the run", metadata: ["error": "\(error)", "state": "\(run.state)"])
        }
    }
}
