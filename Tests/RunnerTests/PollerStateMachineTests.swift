import StepFunctions
import Testing

@testable import Runner

/// Every event in every state of the worker's poller, without a clock, a network or a task.
@Suite struct PollerStateMachineTests {
    typealias Machine = PollerStateMachine
    typealias Action = PollerStateMachine.Action

    static let arn = "arn:aws:states:us-east-1:123456789012:activity:GlueRunnerActivity"
    static let task = ActivityTask(taskToken: "t-new", input: #"{"job": "psd"}"#)
    static let refused = WorkerError(
        context: "cannot poll activity \(arn)",
        underlying: "UnrecognizedClientException: bad token"
    )

    /// The states a worker with two slots goes through.
    enum State: String, CaseIterable, CustomTestStringConvertible {
        case notStarted
        case pollingIdle
        case pollingWithOneRun
        case full
        case backingOff
        case drainingWithPollInFlight
        case drainingWithRuns
        case graceOverWithRuns
        case graceOverWithPollInFlight
        case finished

        var testDescription: String { rawValue }

        /// A machine in this state, reached by real events (each step's actions checked on the way).
        func machine() -> Machine {
            var machine = Machine(concurrency: 2, activityArn: arn)
            func step(_ actions: [Action], _ expected: [Action]) {
                precondition(actions == expected, "\(self): \(actions) != \(expected)")
            }
            let one = ActivityTask(taskToken: "t1", input: "{}")
            let two = ActivityTask(taskToken: "t2", input: "{}")
            switch self {
            case .notStarted:
                break
            case .pollingIdle:
                step(machine.start(recovered: []), [.poll(0)])
            case .pollingWithOneRun:
                step(machine.start(recovered: []), [.poll(0)])
                step(machine.pollReturned(one), [.startRun(one, activity: 0, stopAtOnce: false), .poll(0)])
            case .full:
                step(machine.start(recovered: []), [.poll(0)])
                step(machine.pollReturned(one), [.startRun(one, activity: 0, stopAtOnce: false), .poll(0)])
                step(machine.pollReturned(two), [.startRun(two, activity: 0, stopAtOnce: false)])
            case .backingOff:
                step(machine.start(recovered: []), [.poll(0)])
                step(machine.pollReturned(nil), [.poll(0)])
                step(machine.pollFailed(.transient("NetworkError: connection refused")), [.backOff(0, retry: 0)])
            case .drainingWithPollInFlight:
                step(machine.start(recovered: []), [.poll(0)])
                step(machine.shutdownRequested(), [.armGraceTimer, .waitForPollInFlight])
            case .drainingWithRuns:
                machine = State.full.machine()
                step(machine.shutdownRequested(), [.armGraceTimer])
            case .graceOverWithRuns:
                machine = State.drainingWithRuns.machine()
                step(machine.graceExpired(), [.stopRuns])
            case .graceOverWithPollInFlight:
                machine = State.drainingWithPollInFlight.machine()
                step(machine.graceExpired(), [])
            case .finished:
                machine = State.drainingWithPollInFlight.machine()
                step(machine.pollReturned(nil), [.finish(nil)])
            }
            return machine
        }
    }

    /// The events a poller takes.
    enum Event: String, CaseIterable, CustomTestStringConvertible {
        case start
        case pollReturnedTask
        case pollReturnedNothing
        case pollFailedTransiently
        case pollFailedFatally
        case backoffElapsed
        case runEnded
        case shutdownRequested
        case graceExpired

        var testDescription: String { rawValue }

        func deliver(to machine: inout Machine) -> [Action] {
            switch self {
            case .start: machine.start(recovered: [])
            case .pollReturnedTask: machine.pollReturned(PollerStateMachineTests.task)
            case .pollReturnedNothing: machine.pollReturned(nil)
            case .pollFailedTransiently: machine.pollFailed(.transient("ThrottlingException: Rate exceeded"))
            case .pollFailedFatally: machine.pollFailed(.fatal("UnrecognizedClientException: bad token"))
            case .backoffElapsed: machine.backoffElapsed()
            case .runEnded: machine.runEnded()
            case .shutdownRequested: machine.shutdownRequested()
            case .graceExpired: machine.graceExpired()
            }
        }
    }

    /// The actions every event answers in every state; a pair not listed answers nothing.
    static let expected: [State: [Event: [Action]]] = [
        .notStarted: [
            .start: [.poll(0)],
            .shutdownRequested: [.armGraceTimer],
        ],
        .pollingIdle: [
            .pollReturnedTask: [.startRun(task, activity: 0, stopAtOnce: false), .poll(0)],
            .pollReturnedNothing: [.poll(0)],
            // The first poll failing, even transiently, means the worker cannot poll at all.
            .pollFailedTransiently: [
                .armGraceTimer,
                .finish(WorkerError(context: refused.context, underlying: "ThrottlingException: Rate exceeded")),
            ],
            .pollFailedFatally: [.armGraceTimer, .finish(refused)],
            .shutdownRequested: [.armGraceTimer, .waitForPollInFlight],
        ],
        .pollingWithOneRun: [
            .pollReturnedTask: [.startRun(task, activity: 0, stopAtOnce: false)],
            .pollReturnedNothing: [.poll(0)],
            .pollFailedTransiently: [.backOff(0, retry: 0)],
            .pollFailedFatally: [.armGraceTimer],
            .shutdownRequested: [.armGraceTimer, .waitForPollInFlight],
        ],
        .full: [
            .runEnded: [.poll(0)],
            .shutdownRequested: [.armGraceTimer],
        ],
        .backingOff: [
            .backoffElapsed: [.poll(0)],
            .shutdownRequested: [.armGraceTimer, .finish(nil)],
        ],
        .drainingWithPollInFlight: [
            // A task the poll in flight brings is run, never dropped.
            .pollReturnedTask: [.startRun(task, activity: 0, stopAtOnce: false)],
            .pollReturnedNothing: [.finish(nil)],
            .pollFailedTransiently: [.finish(nil)],
            .pollFailedFatally: [.finish(nil)],
        ],
        .drainingWithRuns: [
            .graceExpired: [.stopRuns]
        ],
        .graceOverWithRuns: [:],
        .graceOverWithPollInFlight: [
            .pollReturnedTask: [.startRun(task, activity: 0, stopAtOnce: true)],
            .pollReturnedNothing: [.finish(nil)],
            .pollFailedTransiently: [.finish(nil)],
            .pollFailedFatally: [.finish(nil)],
        ],
        .finished: [:],
    ]

    @Test(arguments: State.allCases, Event.allCases)
    func everyEventInEveryState(state: State, event: Event) {
        var machine = state.machine()
        let actions = event.deliver(to: &machine)
        #expect(actions == Self.expected[state]?[event] ?? [], "\(state) + \(event)")
    }

    @Test func nothingIsPolledOnceStoppingAndTheMachineFinishesWhenTheLastRunEnds() {
        var machine = State.drainingWithRuns.machine()
        #expect(machine.isStopping)
        #expect(machine.runEnded() == [])
        #expect(machine.pollReturned(Self.task) == [], "no poll is in flight")
        #expect(machine.runEnded() == [.finish(nil)])
        #expect(machine.runEnded() == [])
        #expect(machine.shutdownRequested() == [])
    }

    @Test func aBackoffCountsFailuresInARowAndAGoodPollResetsIt() {
        var machine = State.backingOff.machine()
        #expect(machine.backoffElapsed() == [.poll(0)])
        #expect(machine.pollFailed(.transient("5xx")) == [.backOff(0, retry: 1)])
        #expect(machine.backoffElapsed() == [.poll(0)])
        #expect(machine.pollFailed(.transient("5xx")) == [.backOff(0, retry: 2)])
        #expect(machine.backoffElapsed() == [.poll(0)])
        #expect(machine.pollReturned(nil) == [.poll(0)])
        #expect(machine.pollFailed(.transient("5xx")) == [.backOff(0, retry: 0)])
        #expect(!machine.isPolling)
    }

    @Test func aFatalPollFailureWaitsForTheRunsThenFinishesWithTheError() {
        var machine = State.pollingWithOneRun.machine()
        #expect(machine.pollFailed(.fatal("ActivityDoesNotExist: gone")) == [.armGraceTimer])
        #expect(machine.graceExpired() == [.stopRuns])
        let error = WorkerError(context: "cannot poll activity \(Self.arn)", underlying: "ActivityDoesNotExist: gone")
        #expect(machine.runEnded() == [.finish(error)])
    }

    @Test func recoveredRunsStartFirstWithinTheBound() {
        let runs = (1...3).map {
            JobRun(taskToken: "t\($0)", activityArn: Self.arn, workerName: "w", job: "psd", input: "{}")
        }
        var machine = Machine(concurrency: 2, activityArn: Self.arn)
        #expect(machine.start(recovered: runs) == [.startRecoveredRun(runs[0]), .startRecoveredRun(runs[1])])
        #expect(machine.runEnded() == [.startRecoveredRun(runs[2])])
        #expect(machine.runEnded() == [.poll(0)])
        #expect(machine.running == 1 && machine.isPolling)
    }

    @Test func aShutdownBeforeTheStartFinishesAtOnceAndLeavesRecoveredRuns() {
        var machine = Machine(concurrency: 2, activityArn: Self.arn)
        #expect(machine.shutdownRequested() == [.armGraceTimer])
        let run = JobRun(taskToken: "t", activityArn: Self.arn, workerName: "w", job: "psd", input: "{}")
        #expect(machine.start(recovered: [run]) == [.finish(nil)])
        #expect(machine.start(recovered: [run]) == [])
    }

    @Test func concurrencyIsAtLeastOne() {
        var machine = Machine(concurrency: 0, activityArn: Self.arn)
        #expect(machine.start(recovered: []) == [.poll(0)])
        #expect(machine.pollReturned(Self.task) == [.startRun(Self.task, activity: 0, stopAtOnce: false)])
    }
}
