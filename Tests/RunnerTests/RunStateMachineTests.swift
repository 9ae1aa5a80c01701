import Foundation
import Testing

@testable import Runner

/// Every event in every state of one run, without a clock, a network or a task.
@Suite struct RunStateMachineTests {
    typealias Machine = RunStateMachine
    typealias Action = RunStateMachine.Action
    typealias End = RunStateMachine.End

    static let outcome = JobOutcome(
        job: "psd",
        rowsRead: 2000,
        rowsWritten: 1802,
        rowsRejected: 0,
        output: "output/psd",
        startedAt: Date(timeIntervalSince1970: 1_700_000_000),
        completedAt: Date(timeIntervalSince1970: 1_700_000_060)
    )
    static let gone = "TaskTimedOut: Task Timed Out"

    /// The states of a run, each reached by real events (each step's action checked on the way).
    enum State: String, CaseIterable, CustomTestStringConvertible {
        case running
        case heartbeatInFlight
        case stoppingTaskGone
        case stoppingShutdown
        case reportingSuccess
        case reportingFailure
        case waitingToReportSuccess
        case waitingToReportFailure
        case finished

        var testDescription: String { rawValue }

        func machine() -> Machine {
            var machine = Machine()
            func step(_ action: Action, _ expected: Action) {
                precondition(action == expected, "\(self): \(action) != \(expected)")
            }
            switch self {
            case .running:
                break
            case .heartbeatInFlight:
                step(machine.heartbeatDue(), .sendHeartbeat)
            case .stoppingTaskGone:
                step(machine.heartbeatDue(), .sendHeartbeat)
                step(machine.heartbeatAnswered(.taskGone(gone)), .cancelJob(.taskGone(gone)))
            case .stoppingShutdown:
                step(machine.graceExpired(), .cancelJob(.shutdown))
            case .reportingSuccess:
                step(machine.jobFinished(.succeeded(outcome)), .reportSuccess(outcome))
            case .reportingFailure:
                step(
                    machine.jobFinished(.failed("sales.csv:3: expected int64")),
                    .reportFailure("sales.csv:3: expected int64")
                )
            case .waitingToReportSuccess:
                step(machine.jobFinished(.succeeded(outcome)), .reportSuccess(outcome))
                step(
                    machine.successReported(.unreachable(unanswered)),
                    .reportLater(after: .seconds(1), error: unanswered)
                )
            case .waitingToReportFailure:
                step(machine.jobFinished(.failed(failing)), .reportFailure(failing))
                step(
                    machine.failureReported(.unreachable(unanswered)),
                    .reportLater(after: .seconds(1), error: unanswered)
                )
            case .finished:
                step(machine.jobFinished(.failed("boom")), .reportFailure("boom"))
                step(machine.failureReported(.accepted), .finish(End(state: .failed, error: "boom")))
            }
            return machine
        }
    }

    /// The events a run takes.
    enum Event: String, CaseIterable, CustomTestStringConvertible {
        case heartbeatDue
        case heartbeatAccepted
        case heartbeatTaskGone
        case heartbeatFailed
        case graceExpired
        case jobSucceeded
        case jobFailed
        case cancellationDeadlinePassed
        case successAccepted
        case successTaskTimedOut
        case successUnreachable
        case successFailed
        case failureAccepted
        case failureTaskTimedOut
        case failureUnreachable
        case failureFailed
        case reportDue

        var testDescription: String { rawValue }

        func deliver(to machine: inout Machine) -> Action {
            switch self {
            case .heartbeatDue: machine.heartbeatDue()
            case .heartbeatAccepted: machine.heartbeatAnswered(.accepted)
            case .heartbeatTaskGone: machine.heartbeatAnswered(.taskGone("TaskDoesNotExist: gone"))
            case .heartbeatFailed: machine.heartbeatAnswered(.failed("NetworkError: reset"))
            case .graceExpired: machine.graceExpired()
            case .jobSucceeded: machine.jobFinished(.succeeded(RunStateMachineTests.outcome))
            case .jobFailed: machine.jobFinished(.failed("disk full"))
            case .cancellationDeadlinePassed: machine.cancellationDeadlinePassed()
            case .successAccepted: machine.successReported(.accepted)
            case .successTaskTimedOut: machine.successReported(.taskTimedOut("Task Timed Out"))
            case .successUnreachable: machine.successReported(.unreachable("NetworkError: reset"))
            case .successFailed: machine.successReported(.failed("InvalidToken: malformed"))
            case .failureAccepted: machine.failureReported(.accepted)
            case .failureTaskTimedOut: machine.failureReported(.taskTimedOut("Task Timed Out"))
            case .failureUnreachable: machine.failureReported(.unreachable("NetworkError: reset"))
            case .failureFailed: machine.failureReported(.failed("InvalidToken: malformed"))
            case .reportDue: machine.reportDue()
            }
        }
    }

    static let cancelled = "job cancelled: heartbeat answered \(gone)"
    static let failing = "sales.csv:3: expected int64"
    static let unanswered = "SendTaskSuccess failed: NetworkError: the server closed the connection"
    static let leftOpen =
        "could not be delivered before the worker stopped (\(unanswered)); "
        + "left RUNNING for the next start to re-run while its task is open"

    /// The action every event answers in every state; a pair not listed answers `.none`.
    static let expected: [State: [Event: Action]] = [
        .running: [
            .heartbeatDue: .sendHeartbeat,
            // An answer always frees the heartbeat slot, even one that arrives late.
            .heartbeatAccepted: .recordHeartbeat,
            .heartbeatTaskGone: .cancelJob(.taskGone("TaskDoesNotExist: gone")),
            .heartbeatFailed: .logHeartbeatFailure("NetworkError: reset"),
            .graceExpired: .cancelJob(.shutdown),
            .jobSucceeded: .reportSuccess(outcome),
            .jobFailed: .reportFailure("disk full"),
        ],
        .heartbeatInFlight: [
            // Never two heartbeats at once.
            .heartbeatAccepted: .recordHeartbeat,
            .heartbeatTaskGone: .cancelJob(.taskGone("TaskDoesNotExist: gone")),
            .heartbeatFailed: .logHeartbeatFailure("NetworkError: reset"),
            .graceExpired: .cancelJob(.shutdown),
            .jobSucceeded: .reportSuccess(outcome),
            .jobFailed: .reportFailure("disk full"),
        ],
        .stoppingTaskGone: [
            // A job that completes while being stopped committed its output: success is reported.
            .jobSucceeded: .reportSuccess(outcome),
            // The task is closed: nothing is reported, the run is recorded with why.
            .jobFailed: .finish(End(state: .failed, error: cancelled)),
            .cancellationDeadlinePassed: .finish(End(state: .failed, error: cancelled)),
        ],
        .stoppingShutdown: [
            .jobSucceeded: .reportSuccess(outcome),
            .jobFailed: .reportFailure("worker shutting down"),
            .cancellationDeadlinePassed: .reportFailure("worker shutting down"),
        ],
        .reportingSuccess: [
            .successAccepted: .finish(End(state: .succeeded, outcome: outcome)),
            .successTaskTimedOut: .finish(
                End(
                    state: .succeeded,
                    error: "SendTaskSuccess answered TaskTimedOut: the task was already closed (Task Timed Out)",
                    outcome: outcome
                )
            ),
            .successFailed: .finish(
                End(
                    state: .failed,
                    error: "the job succeeded but SendTaskSuccess failed: InvalidToken: malformed",
                    outcome: outcome
                )
            ),
            // No definitive answer: sent again after a delay, never recorded as lost.
            .successUnreachable: .reportLater(after: .seconds(1), error: "NetworkError: reset"),
        ],
        .reportingFailure: [
            .failureAccepted: .finish(End(state: .failed, error: failing)),
            .failureTaskTimedOut: .finish(
                End(
                    state: .failed,
                    error: failing
                        + "; SendTaskFailure answered TaskTimedOut: the task was already closed (Task Timed Out)"
                )
            ),
            .failureFailed: .finish(
                End(state: .failed, error: failing + "; SendTaskFailure failed: InvalidToken: malformed")
            ),
            .failureUnreachable: .reportLater(after: .seconds(1), error: "NetworkError: reset"),
        ],
        .waitingToReportSuccess: [
            .reportDue: .reportSuccess(outcome),
            .graceExpired: .finish(
                End(state: .running, error: "the job succeeded but SendTaskSuccess " + leftOpen, outcome: outcome)
            ),
        ],
        .waitingToReportFailure: [
            .reportDue: .reportFailure(failing),
            .graceExpired: .finish(
                End(state: .running, error: "the job failed (\(failing)) but SendTaskFailure " + leftOpen)
            ),
        ],
        .finished: [:],
    ]

    @Test(arguments: State.allCases, Event.allCases)
    func everyEventInEveryState(state: State, event: Event) {
        var machine = state.machine()
        let action = event.deliver(to: &machine)
        #expect(action == Self.expected[state]?[event] ?? Action.none, "\(state) + \(event)")
    }

    @Test func heartbeatsTakeTurnsWhileTheJobRuns() {
        var machine = Machine()
        for _ in 0..<3 {
            #expect(machine.heartbeatDue() == .sendHeartbeat)
            #expect(machine.heartbeatDue() == .none, "one heartbeat in flight at a time")
            #expect(machine.heartbeatAnswered(.accepted) == .recordHeartbeat)
        }
        #expect(machine.heartbeatDue() == .sendHeartbeat)
        #expect(machine.heartbeatAnswered(.failed("5xx")) == .logHeartbeatFailure("5xx"))
        #expect(machine.heartbeatDue() == .sendHeartbeat, "a failed heartbeat is tried again at the next tick")
    }

    @Test func heartbeatsStopWhenTheJobEnds() {
        var machine = Machine()
        #expect(machine.jobFinished(.succeeded(Self.outcome)) == .reportSuccess(Self.outcome))
        #expect(machine.heartbeatDue() == .none)
        #expect(machine.successReported(.accepted) == .finish(End(state: .succeeded, outcome: Self.outcome)))
        #expect(machine.isFinished)
        #expect(machine.heartbeatDue() == .none)
    }

    @Test func theFirstStopReasonWins() {
        var machine = State.stoppingShutdown.machine()
        #expect(machine.isStopping)
        #expect(machine.heartbeatAnswered(.taskGone(Self.gone)) == .none)
        #expect(machine.graceExpired() == .none)
        #expect(machine.jobFinished(.failed("CancellationError()")) == .reportFailure("worker shutting down"))
        #expect(machine.failureReported(.accepted) == .finish(End(state: .failed, error: "worker shutting down")))
    }

    @Test func aJobThatEndsAfterBeingAbandonedChangesNothing() {
        var machine = State.stoppingTaskGone.machine()
        #expect(machine.cancellationDeadlinePassed() == .finish(End(state: .failed, error: Self.cancelled)))
        #expect(machine.jobFinished(.succeeded(Self.outcome)) == .none)
        #expect(machine.cancellationDeadlinePassed() == .none)
    }

    @Test func anUnansweredReportIsSentAgainWithAGrowingDelayUntilItGetsThrough() {
        var machine = State.waitingToReportSuccess.machine()
        var delays: [Duration] = [.seconds(1)]
        for _ in 0..<7 {
            #expect(machine.heartbeatDue() == .none, "no heartbeat once the job has ended")
            #expect(machine.reportDue() == .reportSuccess(Self.outcome))
            #expect(machine.reportDue() == .none, "one report at a time")
            guard case .reportLater(let delay, _) = machine.successReported(.unreachable("503")) else {
                Issue.record("not sent again")
                return
            }
            delays.append(delay)
        }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
        #expect(machine.reportDue() == .reportSuccess(Self.outcome))
        #expect(machine.successReported(.accepted) == .finish(End(state: .succeeded, outcome: Self.outcome)))
        #expect(machine.isFinished)
        #expect(machine.graceExpired() == .none)
    }

    @Test func aRefusedTaskWhoseFailureIsUnansweredIsLeftOpenAtShutdown() {
        var machine = Machine()
        #expect(machine.jobFinished(.failed("no such job: psdx")) == .reportFailure("no such job: psdx"))
        #expect(
            machine.failureReported(.unreachable("throttled")) == .reportLater(after: .seconds(1), error: "throttled")
        )
        #expect(machine.jobFinished(.failed("again")) == .none)
        let left = machine.graceExpired()
        guard case .finish(let end) = left else {
            Issue.record("\(left)")
            return
        }
        #expect(end.state == .running)
        #expect(end.error?.contains("no such job: psdx") == true)
        #expect(machine.reportDue() == .none, "the run is over for this worker")
    }
}
