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
///   report got through, or the task timed out): the run is recorded `SUCCEEDED` with that note. A report that got
///   no definitive answer (the endpoint unreachable, throttled or failing with 5xx after the client's own retries)
///   is sent again after a growing delay (``reportDelay(attempt:)``), for as long as it takes: the task stays open
///   until the service says otherwise, and a committed output is never dropped for want of a network. If the grace
///   period after a shutdown request ends while a report waits, the run is left `RUNNING` with a note, so that the
///   next start's recovery re-runs it while its task is open. Any other failure of a report is recorded with the
///   run.
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
        /// The report got no definitive answer: log this, wait this long, then deliver
        /// ``RunStateMachine/reportDue()``.
        case reportLater(after: Duration, error: String)
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
        /// No definitive answer (network, throttling, 5xx after the client's retries), described: worth sending
        /// again.
        case unreachable(String)
        /// Any other failure, described.
        case failed(String)
    }

    /// What is recorded when the run ends.
    struct End: Sendable, Hashable {
        /// `SUCCEEDED` or `FAILED`; `RUNNING` for a run whose report could not be delivered before the worker
        /// stopped, left for the next start's recovery.
        var state: JobRun.State
        /// Why it failed, or a note on a success.
        var error: String?
        /// The job's outcome, when it completed.
        var outcome: JobOutcome?
    }

    /// A report to send.
    private enum Report: Sendable, Hashable {
        case success(JobOutcome)
        case failure(String)

        var action: Action {
            switch self {
            case .success(let outcome): .reportSuccess(outcome)
            case .failure(let message): .reportFailure(message)
            }
        }
    }

    private enum State: Sendable, Hashable {
        case running(heartbeatInFlight: Bool)
        case stopping(StopReason)
        case reportingSuccess(JobOutcome, attempt: Int)
        case reportingFailure(String, attempt: Int)
        case waitingToReport(Report, attempt: Int, error: String)
        case finished
    }

    /// How long a report that got no definitive answer waits before its next attempt: 1 s, doubling up to 30 s.
    static func reportDelay(attempt: Int) -> Duration {
        .seconds(min(30, 1 << min(max(attempt - 1, 0), 5)))
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
        switch state {
        case .running:
            state = .stopping(.shutdown)
            return .cancelJob(.shutdown)
        case .waitingToReport(let report, _, let error):
            state = .finished
            let what: String
            let outcome: JobOutcome?
            switch report {
            case .success(let committed):
                what = "the job succeeded but SendTaskSuccess"
                outcome = committed
            case .failure(let message):
                what = "the job failed (\(message)) but SendTaskFailure"
                outcome = nil
            }
            let note =
                "\(what) could not be delivered before the worker stopped (\(error)); "
                + "left RUNNING for the next start to re-run while its task is open"
            return .finish(End(state: .running, error: note, outcome: outcome))
        default:
            return .none
        }
    }

    /// The wait after a report without a definitive answer is over: send it again.
    mutating func reportDue() -> Action {
        guard case .waitingToReport(let report, let attempt, _) = state else { return .none }
        switch report {
        case .success(let outcome): state = .reportingSuccess(outcome, attempt: attempt + 1)
        case .failure(let message): state = .reportingFailure(message, attempt: attempt + 1)
        }
        return report.action
    }

    /// The job returned or threw.
    mutating func jobFinished(_ result: JobResult) -> Action {
        switch (state, result) {
        case (.running, .succeeded(let outcome)), (.stopping, .succeeded(let outcome)):
            state = .reportingSuccess(outcome, attempt: 1)
            return .reportSuccess(outcome)
        case (.running, .failed(let message)):
            state = .reportingFailure(message, attempt: 1)
            return .reportFailure(message)
        case (.stopping(let reason), .failed):
            return stopped(reason)
        case (.reportingSuccess, _), (.reportingFailure, _), (.waitingToReport, _), (.finished, _):
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
        guard case .reportingSuccess(let outcome, let attempt) = state else { return .none }
        state = .finished
        switch answer {
        case .unreachable(let description):
            state = .waitingToReport(.success(outcome), attempt: attempt, error: description)
            return .reportLater(after: Self.reportDelay(attempt: attempt), error: description)
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
        guard case .reportingFailure(let message, let attempt) = state else { return .none }
        state = .finished
        switch answer {
        case .unreachable(let description):
            state = .waitingToReport(.failure(message), attempt: attempt, error: description)
            return .reportLater(after: Self.reportDelay(attempt: attempt), error: description)
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
            state = .reportingFailure("worker shutting down", attempt: 1)
            return .reportFailure("worker shutting down")
        }
    }
}
