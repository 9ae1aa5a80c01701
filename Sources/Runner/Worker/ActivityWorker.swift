import Foundation
import Logging
import ServiceLifecycle
import StepFunctions
import Synchronization

/// A Step Functions activity worker that runs the jobs and queries its tasks name: the replacement of the seed's
/// Glue runner and Athena runner.
///
/// It long-polls each of its activities (``WorkerConfiguration/activities``) while fewer than
/// ``WorkerConfiguration/concurrency`` runs go, all activities sharing that one pool. A Glue-runner activity's tasks
/// run jobs on the ``JobExecuting`` executor; an Athena-runner activity's tasks run SQL on the ``QueryExecuting``
/// one and report the seed runner's keys (``TaskReport/athenaSuccessOutput(runId:outcome:)``). Each task is recorded
/// in the ``JobStateStore`` *before* its job starts; the job heartbeats every
/// ``WorkerConfiguration/heartbeatInterval`` and ends in `SendTaskSuccess` (see ``TaskReport/successOutput``) or
/// `SendTaskFailure` with the activity's ``WorkerActivity/errorName``. A heartbeat answered `TaskTimedOut`,
/// `TaskDoesNotExist` or `InvalidToken` cancels the job and records why.
///
/// On start it recovers runs a crash left `RUNNING`: a task whose token still takes a heartbeat is re-run,
/// any other is marked `FAILED` with "worker restarted".
///
/// As a swift-service-lifecycle `Service`, a graceful shutdown (SIGTERM/SIGINT in `sluice worker`) or
/// ``shutdown()`` stops new polls; a poll in flight is waited for (up to the 60 s of a long poll) and whatever task
/// it brings is run, never dropped. Running jobs get ``WorkerConfiguration/grace`` to finish; then their tasks are
/// failed with "worker shutting down".
///
/// The decisions are made by two pure state machines, ``PollerStateMachine`` and ``RunStateMachine``; this type
/// only carries out their actions. Every poll, backoff, timer and run is a child of one task group, and each run
/// has its own task group for its heartbeats and deadlines, all cancelled when they are no longer needed. The job
/// itself runs in a task of its own, so that a job deaf to cancellation cannot hold the worker past its deadline.
public final class ActivityWorker: Service, Sendable {
    /// The configuration.
    public let configuration: WorkerConfiguration
    let service: any ActivityService
    let executor: any JobExecuting
    let queries: (any QueryExecuting)?
    let store: JobStateStore
    let logger: Logger
    /// The metrics of each activity, by ARN.
    let metrics: [String: WorkerMetrics]
    let shared = Mutex(Shared())

    /// What the driver shares between its tasks.
    struct Shared {
        var shuttingDown = false
        /// Set when the ``PollerStateMachine`` asks to stop the runs: its `isGraceOver` lives on the driver's
        /// task, and a run started just before but registered just after that broadcast reads it here instead.
        var graceOver = false
        var polledOnce = false
        var pollsFailingSince: ContinuousClock.Instant?
        var events: AsyncStream<Event>.Continuation?
        var runs: [String: AsyncStream<RunEvent>.Continuation] = [:]
    }

    /// Events for the ``PollerStateMachine``.
    enum Event: Sendable {
        case pollReturned(Int, ActivityTask?)
        case pollFailed(Int, PollerStateMachine.PollFailure)
        case backoffElapsed(Int)
        case runEnded
        case shutdownRequested
        case graceExpired
    }

    /// Events for a run's ``RunStateMachine``.
    enum RunEvent: Sendable {
        case heartbeatDue
        case heartbeatAnswered(RunStateMachine.HeartbeatAnswer)
        case graceExpired
        case jobFinished(RunStateMachine.JobResult)
        case cancellationDeadlinePassed
        case reportDue
    }

    /// Creates a worker whose Glue-runner tasks run on `executor` and whose Athena-runner tasks (when it polls an
    /// activity of that kind) run on `queries`.
    public init(
        configuration: WorkerConfiguration,
        service: any ActivityService,
        executor: any JobExecuting,
        queries: (any QueryExecuting)? = nil,
        store: JobStateStore,
        logger: Logger
    ) {
        self.configuration = configuration
        self.service = service
        self.executor = executor
        self.queries = queries
        self.store = store
        self.metrics = Dictionary(
            uniqueKeysWithValues: configuration.activities.map { ($0.arn, WorkerMetrics(activity: $0.arn)) }
        )
        var logger = logger
        if configuration.activities.count == 1 { logger[metadataKey: "activity"] = "\(configuration.activityArn)" }
        self.logger = logger
    }

    /// The metrics of the activity whose ARN is `arn`.
    func metrics(_ arn: String) -> WorkerMetrics { metrics[arn] ?? WorkerMetrics(activity: arn) }

    /// Whether a shutdown was requested.
    public var isShuttingDown: Bool { shared.withLock { $0.shuttingDown } }

    /// The state `GET /healthz` and `GET /readyz` judge (see ``WorkerHealth``), at `now`.
    public func healthSnapshot(now: ContinuousClock.Instant = .now) -> WorkerHealth.Snapshot {
        let (shuttingDown, polledOnce, failingSince) = shared.withLock {
            ($0.shuttingDown, $0.polledOnce, $0.pollsFailingSince)
        }
        return WorkerHealth.Snapshot(
            shuttingDown: shuttingDown,
            polledOnce: polledOnce,
            pollsFailingFor: failingSince.map { now - $0 },
            storeProblem: store.writeProblem()
        )
    }

    /// Recovers left-over runs, then polls and runs jobs until a shutdown request has been honoured.
    /// Throws ``WorkerError`` when the activity cannot be polled at all (bad credentials, unknown activity,
    /// unreachable endpoint at start) or the job state cannot be read.
    public func run() async throws {
        logger.info(
            "worker starting",
            metadata: [
                "worker": "\(configuration.workerName)", "concurrency": "\(configuration.concurrency)",
                "heartbeat": "\(configuration.heartbeatInterval)", "state": "\(store.path)",
                "activities":
                    "\(configuration.activities.map { "\($0.kind.rawValue)=\($0.arn)" }.joined(separator: " "))",
            ]
        )
        if queries == nil, let athena = configuration.activities.first(where: { $0.kind == .athena }) {
            throw WorkerError(context: "cannot serve activity \(athena.arn)", underlying: "no SQL engine was given")
        }
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
        let (first, events) = shared.withLock { shared in
            defer { shared.shuttingDown = true }
            return (!shared.shuttingDown, shared.events)
        }
        // Before `serve` starts there is no event stream yet: it finds the flag and delivers the request itself.
        if first { events?.yield(.shutdownRequested) }
    }

    // MARK: Polling

    private func serve(_ recovered: [JobRun]) async throws {
        let (events, input) = AsyncStream<Event>.makeStream()
        let shuttingDown = shared.withLock { shared in
            shared.events = input
            return shared.shuttingDown
        }
        var machine = PollerStateMachine(
            concurrency: configuration.concurrency,
            activities: configuration.activities.map(\.arn)
        )
        var failure: WorkerError?
        await withTaskGroup(of: Void.self) { group in
            var actions = shuttingDown ? machine.shutdownRequested() : []
            actions += machine.start(recovered: recovered)
            var iterator = events.makeAsyncIterator()
            loop: while true {
                for action in actions {
                    if case .finish(let error) = action {
                        failure = error
                        break loop
                    }
                    perform(action, machine: machine, group: &group, events: input)
                }
                guard let event = await iterator.next() else { break }
                switch event {
                case .pollReturned(let activity, let task): actions = machine.pollReturned(task, from: activity)
                case .pollFailed(let activity, let failure): actions = machine.pollFailed(failure, from: activity)
                case .backoffElapsed(let activity): actions = machine.backoffElapsed(activity)
                case .runEnded: actions = machine.runEnded()
                case .shutdownRequested: actions = machine.shutdownRequested()
                case .graceExpired: actions = machine.graceExpired()
                }
            }
            // Only timers are left (a backoff, the grace period): nothing runs and no poll is in flight.
            group.cancelAll()
        }
        shared.withLock { $0.events = nil }
        input.finish()
        if let failure {
            logger.error("worker cannot go on", metadata: ["error": "\(failure)"])
            throw failure
        }
    }

    private func perform(
        _ action: PollerStateMachine.Action,
        machine: PollerStateMachine,
        group: inout TaskGroup<Void>,
        events: AsyncStream<Event>.Continuation
    ) {
        switch action {
        case .poll(let index):
            let activity = configuration.activities[index]
            let (service, workerName, metrics) = (self.service, configuration.workerName, self.metrics(activity.arn))
            group.addTask {
                let start = ContinuousClock.now
                do {
                    // Never cancelled while the worker runs: a poll that brings a task must hand it over.
                    let task = try await service.getActivityTask(activityArn: activity.arn, workerName: workerName)
                    metrics.polled(task: task != nil, after: ContinuousClock.now - start)
                    self.shared.withLock { shared in
                        shared.polledOnce = true
                        shared.pollsFailingSince = nil
                    }
                    events.yield(.pollReturned(index, task))
                } catch let error as StepFunctionsError where error.code.isRetryable {
                    metrics.pollFailed(transient: true)
                    self.shared.withLock { $0.pollsFailingSince = $0.pollsFailingSince ?? start }
                    events.yield(.pollFailed(index, .transient("\(error)")))
                } catch {
                    metrics.pollFailed(transient: false)
                    events.yield(.pollFailed(index, .fatal("\(error)")))
                }
            }
        case .backOff(let index, let retry):
            let delay = configuration.pollRetry.delay(forRetry: retry)
            logger.warning(
                "poll failed; polling again later",
                metadata: [
                    "failures_in_a_row": "\(retry + 1)", "retry_in": "\(delay)",
                    "activity": "\(configuration.activities[index].arn)",
                ]
            )
            group.addTask {
                do { try await Task.sleep(for: delay) } catch { return }
                events.yield(.backoffElapsed(index))
            }
        case .startRun(let task, let index, let stopAtOnce):
            if machine.isStopping {
                logger.info("the poll in flight at shutdown brought a task: running it within the grace period")
            }
            group.addTask {
                await self.handle(task, activity: self.configuration.activities[index], stopAtOnce: stopAtOnce)
                events.yield(.runEnded)
            }
        case .startRecoveredRun(let run):
            group.addTask {
                await self.execute(run, stopAtOnce: false)
                events.yield(.runEnded)
            }
        case .armGraceTimer:
            logger.info(
                "shutting down: no new polls",
                metadata: ["running": "\(machine.running)", "grace": "\(configuration.grace)"]
            )
            let grace = configuration.grace
            group.addTask {
                // Cancelled (the worker's own task cancelled, e.g. a second signal): the grace period is over now.
                try? await Task.sleep(for: grace)
                events.yield(.graceExpired)
            }
        case .waitForPollInFlight:
            logger.info(
                "waiting for the poll in flight (a long poll returns within 60 s) so that no task handed out is lost"
            )
        case .stopRuns:
            let runs = shared.withLock { shared in
                shared.graceOver = true
                return Array(shared.runs.values)
            }
            logger.warning(
                "grace period over: failing the running tasks with 'worker shutting down'",
                metadata: ["running": "\(runs.count)"]
            )
            for run in runs { run.yield(.graceExpired) }
        case .finish:
            break
        }
    }
}
