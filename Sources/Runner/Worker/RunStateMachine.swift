/// The life of one run of an ``ActivityWorker``: heartbeats while the job runs, the stop when its task is gone or
/// the grace period is over, the report to Step Functions and what is recorded in the job state. Pure: it takes
/// events and returns actions for the worker to carry out, and holds no clock, no network and no tasks.
///
/// - While the job runs, each heartbeat tick sends one heartbeat (never two at once). A heartbeat answered
///   `TaskTimedOut`, `TaskDoesNotExist` or `InvalidToken` cancels the job; its run is recorded `FAILED` and not
///   reported (the task is closed). Other heartbeat failures are logged and the next tick tries again.
/// - When the grace period after a shutdown request is over, the job is cancelled and its task failed with
///   "worker shutting down".
/// - A cancelled job gets a moment to unwind (the worker's cancellation deadline). If it completes successfully
///   in that moment, it committed its output: success is reported rather than a failure. If the deadline passes
///   first, the run ends as if the job had failed, and the job is abandoned.
/// - `SendTaskSuccess` answered `TaskTimedOut` means the task was closed already (an earlier attempt of the same
///   report got through, or the task timed out): the run is recorded `SUCCEEDED` with that note. Any other failure
///   of a report is recorded with the run.
struct RunStateMachine: Sendable {
    /// What the worker does next for this run.
    enum Action: Sendable, Hashable {
        /// Nothing.
        case none
        /// Send one heartbeat, then deliver ``RunStateMachine/heartbeatAnswered(_:)``.
        case sendHeartbeat
        /// The heartbeat went through: record its time.
        case recordHeartbeat
        /// The heartbeat failed transiently: log it; the next tick tries again.
        case logHeartbeatFailure(String)
        /// Cancel the job, then deliver ``RunStateMachine/cancellationDeadlinePassed()`` after the deadline.
        case cancelJob(StopReason)
        /// Send `SendTaskSuccess`, then deliver ``RunStateMachine/successReported(_:)``.
        case reportSuccess(JobOutcome)
        /// Send `SendTaskFailure` with this message, then deliver ``RunStateMachine/failureReported(_:)``.
        case reportFailure(String)
        /// The run is over: record this end. Nothing more happens for it.
        case finish(End)
    }

    /// Why a running job is stopped.
    enum StopReason: Sendable, Hashable {
        /// A heartbeat answered that the task is closed, e.g. `TaskTimedOut: Task Timed Out`.
        case taskGone(String)
        /// The grace period after a shutdown request is over.
        case shutdown
    }

    /// How a heartbeat was answered.
    enum HeartbeatAnswer: Sendable, Hashable {
        /// Accepted.
        case accepted
        /// The task is closed (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`): code and message.
        case taskGone(String)
        /// Any other failure.
        case failed(String)
    }

    /// How a job ended.
    enum JobResult: Sendable, Hashable {
        /// It completed and committed its output.
        case succeeded(JobOutcome)
        /// It threw (or was refused before it started); the error's description.
        case failed(String)
    }

    /// How a report (`SendTaskSuccess` or `SendTaskFailure`) was answered.
    enum ReportAnswer: Sendable, Hashable {
        /// Accepted.
        case accepted
        /// `TaskTimedOut`: the task was closed already; the service's message.
        case taskTimedOut(String)
        /// Any other failure, described.
        case failed(String)
    }

    /// What is recorded when the run ends.
    struct End: Sendable, Hashable {
        /// `SUCCEEDED` or `FAILED`.
        var state: JobRun.State
        /// Why it failed, or a note on a success.
        var error: String?
        /// The job's outcome, when it completed.
        var outcome: JobOutcome?
    }

    private enum State: Sendable, Hashable {
        case running(heartbeatInFlight: Bool)
        case stopping(StopReason)
        case reportingSuccess(JobOutcome)
        case reportingFailure(String)
        case finished
    }

    private var state = State.running(heartbeatInFlight: false)

    /// A run whose job has just started.
    init() {}

    /// Whether the run has ended.
    var isFinished: Bool { state == .finished }

    /// Whether the job was told to stop and has not answered yet.
    var isStopping: Bool {
        if case .stopping = state { return true }
        return false
    }

    /// The heartbeat interval passed.
    mutating func heartbeatDue() -> Action {
        guard state == .running(heartbeatInFlight: false) else { return .none }
        state = .running(heartbeatInFlight: true)
        return .sendHeartbeat
    }

    /// A heartbeat was answered.
    mutating func heartbeatAnswered(_ answer: HeartbeatAnswer) -> Action {
        guard case .running = state else { return .none }
        state = .running(heartbeatInFlight: false)
        switch answer {
        case .accepted:
            return .recordHeartbeat
        case .failed(let description):
            return .logHeartbeatFailure(description)
        case .taskGone(let description):
            state = .stopping(.taskGone(description))
            return .cancelJob(.taskGone(description))
        }
    }

    /// The grace period after a shutdown request is over.
    mutating func graceExpired() -> Action {
        guard case .running = state else { return .none }
        state = .stopping(.shutdown)
        return .cancelJob(.shutdown)
    }

    /// The job returned or threw.
    mutating func jobFinished(_ result: JobResult) -> Action {
        switch (state, result) {
        case (.running, .succeeded(let outcome)), (.stopping, .succeeded(let outcome)):
            state = .reportingSuccess(outcome)
            return .reportSuccess(outcome)
        case (.running, .failed(let message)):
            state = .reportingFailure(message)
            return .reportFailure(message)
        case (.stopping(let reason), .failed):
            return stopped(reason)
        case (.reportingSuccess, _), (.reportingFailure, _), (.finished, _):
            return .none
        }
    }

    /// A cancelled job did not end within the cancellation deadline: it is abandoned.
    mutating func cancellationDeadlinePassed() -> Action {
        guard case .stopping(let reason) = state else { return .none }
        return stopped(reason)
    }

    /// `SendTaskSuccess` was answered.
    mutating func successReported(_ answer: ReportAnswer) -> Action {
        guard case .reportingSuccess(let outcome) = state else { return .none }
        state = .finished
        switch answer {
        case .accepted:
            return .finish(End(state: .succeeded, outcome: outcome))
        case .taskTimedOut(let message):
            let note = "SendTaskSuccess answered TaskTimedOut: the task was already closed (\(message))"
            return .finish(End(state: .succeeded, error: note, outcome: outcome))
        case .failed(let description):
            let error = "the job succeeded but SendTaskSuccess failed: \(description)"
            return .finish(End(state: .failed, error: error, outcome: outcome))
        }
    }

    /// `SendTaskFailure` was answered.
    mutating func failureReported(_ answer: ReportAnswer) -> Action {
        guard case .reportingFailure(let message) = state else { return .none }
        state = .finished
        switch answer {
        case .accepted:
            return .finish(End(state: .failed, error: message))
        case .taskTimedOut(let reply):
            let error = message + "; SendTaskFailure answered TaskTimedOut: the task was already closed (\(reply))"
            return .finish(End(state: .failed, error: error))
        case .failed(let description):
            return .finish(End(state: .failed, error: message + "; SendTaskFailure failed: \(description)"))
        }
    }

    private mutating func stopped(_ reason: StopReason) -> Action {
        switch reason {
        case .taskGone(let description):
            state = .finished
            return .finish(End(state: .failed, error: "job cancelled: heartbeat answered \(description)"))
        case .shutdown:
            state = .reportingFailure("worker shutting down")
            return .reportFailure("worker shutting down")
        }
    }
}
