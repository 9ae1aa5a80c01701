import StepFunctions

/// The polling side of an ``ActivityWorker``: when to poll each of its activities, when to back off, which runs to
/// start, and when the worker may stop. Pure: it takes events and returns actions for the worker to carry out, and
/// holds no clock, no network and no tasks.
///
/// - Each activity (by its index in `activities`) has at most one poll in flight. An activity is polled while the
///   runs going plus the polls in flight are fewer than `concurrency`, so that all the tasks the polls may bring
///   fit in the one pool the activities share; when not every activity can be polled at once, they take turns,
///   starting after the one polled last. Each task a poll brings starts a run. Runs a crash left open
///   (``start(recovered:)``) start first, within the same bound.
/// - A poll that fails with a transient error (throttling, 5xx, network) after its activity was polled once is
///   retried after a backoff (``Action/backOff(_:retry:)``, the retry count since that activity's last good
///   poll); any other poll failure, or a failure of an activity's very first poll, stops the worker with a
///   ``WorkerError``.
/// - A shutdown request (or a fatal poll failure) stops polling and arms the grace timer. A poll in flight is
///   never cancelled: it is waited for, and a task it brings is run, so no task handed out is lost. When the
///   grace period is over, running runs are told to stop. The worker finishes once no run is going and no poll
///   is in flight.
struct PollerStateMachine: Sendable {
    /// What the worker does next.
    enum Action: Sendable, Hashable {
        /// Start one long poll of the activity with this index.
        case poll(Int)
        /// Wait `RetryPolicy.delay(forRetry: retry)`, then deliver ``PollerStateMachine/backoffElapsed(_:)`` for
        /// the activity with this index.
        case backOff(Int, retry: Int)
        /// Record and run a task a poll of the activity with this index brought; `stopAtOnce` when the grace
        /// period is already over.
        case startRun(ActivityTask, activity: Int, stopAtOnce: Bool)
        /// Run a run a previous worker left `RUNNING` (its task still takes heartbeats).
        case startRecoveredRun(JobRun)
        /// Start the grace period: deliver ``PollerStateMachine/graceExpired()`` when it is over.
        case armGraceTimer
        /// A poll is in flight at shutdown: it is waited for (a long poll takes up to 60 s).
        case waitForPollInFlight
        /// The grace period is over: tell every running run to stop.
        case stopRuns
        /// Nothing runs and nothing is polled: the worker stops, with the error that stopped it if any.
        case finish(WorkerError?)
    }

    /// How a poll failed.
    enum PollFailure: Sendable, Hashable {
        /// Throttling, a 5xx or a network error after the client's own retries: worth polling again.
        case transient(String)
        /// Anything else (bad credentials, an unknown activity, cancellation).
        case fatal(String)
    }

    private enum Poll: Sendable, Hashable {
        case idle
        case inFlight
        case backingOff
    }

    private enum Phase: Sendable, Hashable {
        case notStarted
        case serving
        case draining(graceExpired: Bool, error: WorkerError?)
        case finished
    }

    /// The most runs at once.
    let concurrency: Int
    /// The activities polled (their ARNs, for errors), by index.
    let activities: [String]
    /// The runs going now.
    private(set) var running = 0
    private var polls: [Poll]
    private var phase = Phase.notStarted
    private var started = false
    private var polledOnce: [Bool]
    private var failuresInARow: [Int]
    /// The activity whose turn it is to be polled first.
    private var turn = 0
    private var recovered: [JobRun] = []

    /// A poller of `activities` (at least one) for `concurrency` runs at once (at least one).
    init(concurrency: Int, activities: [String]) {
        precondition(!activities.isEmpty, "a worker polls at least one activity")
        self.concurrency = max(1, concurrency)
        self.activities = activities
        self.polls = Array(repeating: .idle, count: activities.count)
        self.polledOnce = Array(repeating: false, count: activities.count)
        self.failuresInARow = Array(repeating: 0, count: activities.count)
    }

    /// A poller of one activity.
    init(concurrency: Int, activityArn: String) {
        self.init(concurrency: concurrency, activities: [activityArn])
    }

    /// Whether polling has stopped for good (shutdown requested, a fatal poll failure, or finished).
    var isStopping: Bool {
        switch phase {
        case .notStarted, .serving: false
        case .draining, .finished: true
        }
    }

    /// Whether the grace period after a shutdown request is over.
    var isGraceOver: Bool {
        if case .draining(true, _) = phase { return true }
        return false
    }

    /// Whether a poll is in flight.
    var isPolling: Bool { polls.contains(.inFlight) }

    /// The polls in flight.
    var pollsInFlight: Int { polls.count { $0 == .inFlight } }

    /// The worker starts, with the runs recovery found still open.
    mutating func start(recovered: [JobRun]) -> [Action] {
        guard !started else { return [] }
        started = true
        if phase == .notStarted { phase = .serving }
        // After a shutdown requested before the start, recovered runs stay `RUNNING` for the next worker.
        self.recovered = recovered
        return next()
    }

    /// A poll of activity `activity` returned, with a task or (after its long-poll timeout) without one.
    mutating func pollReturned(_ task: ActivityTask?, from activity: Int = 0) -> [Action] {
        guard polls.indices.contains(activity), polls[activity] == .inFlight else { return [] }
        polls[activity] = .idle
        polledOnce[activity] = true
        failuresInARow[activity] = 0
        var actions: [Action] = []
        if let task {
            running += 1
            actions.append(.startRun(task, activity: activity, stopAtOnce: isGraceOver))
        }
        return actions + next()
    }

    /// A poll of activity `activity` failed.
    mutating func pollFailed(_ failure: PollFailure, from activity: Int = 0) -> [Action] {
        guard polls.indices.contains(activity), polls[activity] == .inFlight else { return [] }
        polls[activity] = .idle
        guard phase == .serving else { return next() }
        switch failure {
        case .transient where polledOnce[activity]:
            failuresInARow[activity] += 1
            polls[activity] = .backingOff
            return [.backOff(activity, retry: failuresInARow[activity] - 1)] + next()
        case .transient(let description), .fatal(let description):
            let error = WorkerError(
                context: "cannot poll activity \(activities[activity])",
                underlying: description
            )
            phase = .draining(graceExpired: false, error: error)
            return [.armGraceTimer] + (isPolling ? [.waitForPollInFlight] : []) + next()
        }
    }

    /// The backoff after a failed poll of activity `activity` is over.
    mutating func backoffElapsed(_ activity: Int = 0) -> [Action] {
        guard polls.indices.contains(activity), polls[activity] == .backingOff else { return [] }
        polls[activity] = .idle
        return next()
    }

    /// A run ended (reported and recorded, or abandoned after it did not answer cancellation).
    mutating func runEnded() -> [Action] {
        guard running > 0 else { return [] }
        running -= 1
        return next()
    }

    /// SIGTERM, SIGINT or ``ActivityWorker/shutdown()``: no new polls; running runs get the grace period.
    mutating func shutdownRequested() -> [Action] {
        switch phase {
        case .notStarted:
            phase = .draining(graceExpired: false, error: nil)
            return [.armGraceTimer]
        case .serving:
            phase = .draining(graceExpired: false, error: nil)
            var actions: [Action] = [.armGraceTimer]
            if isPolling { actions.append(.waitForPollInFlight) }
            for index in polls.indices where polls[index] == .backingOff { polls[index] = .idle }
            return actions + next()
        case .draining, .finished:
            return []
        }
    }

    /// The grace period is over.
    mutating func graceExpired() -> [Action] {
        guard case .draining(false, let error) = phase else { return [] }
        phase = .draining(graceExpired: true, error: error)
        return running > 0 ? [.stopRuns] : []
    }

    private mutating func next() -> [Action] {
        switch phase {
        case .notStarted, .finished:
            return []
        case .draining where !started:
            return []
        case .serving:
            var actions: [Action] = []
            while running < concurrency, !recovered.isEmpty {
                running += 1
                actions.append(.startRecoveredRun(recovered.removeFirst()))
            }
            let first = turn
            for offset in polls.indices {
                let index = (first + offset) % polls.count
                guard polls[index] == .idle, running + pollsInFlight < concurrency else { continue }
                polls[index] = .inFlight
                turn = (index + 1) % polls.count
                actions.append(.poll(index))
            }
            return actions
        case .draining(_, let error):
            guard running == 0, !isPolling else { return [] }
            phase = .finished
            return [.finish(error)]
        }
    }
}
