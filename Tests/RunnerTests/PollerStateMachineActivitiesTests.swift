import StepFunctions
import Testing

@testable import Runner

/// A poller of two activities (the Glue runner's and the Athena runner's) sharing one pool of runs.
@Suite struct PollerStateMachineActivitiesTests {
    typealias Machine = PollerStateMachine
    typealias Action = PollerStateMachine.Action

    static let glue = "arn:aws:states:us-east-1:123456789012:activity:GlueRunnerActivity"
    static let athena = "arn:aws:states:us-east-1:123456789012:activity:AthenaRunnerActivity"
    static let one = ActivityTask(taskToken: "t1", input: "{}")
    static let two = ActivityTask(taskToken: "t2", input: "{}")

    @Test func withTwoSlotsBothActivitiesArePolledAtOnceAndEachTaskKnowsItsActivity() {
        var machine = Machine(concurrency: 2, activities: [Self.glue, Self.athena])
        #expect(machine.start(recovered: []) == [.poll(0), .poll(1)])
        // A task of the Athena activity: one run and one poll in flight fill the two slots.
        #expect(machine.pollReturned(Self.one, from: 1) == [.startRun(Self.one, activity: 1, stopAtOnce: false)])
        #expect(machine.pollReturned(nil, from: 0) == [.poll(0)])
        #expect(machine.pollReturned(Self.two, from: 0) == [.startRun(Self.two, activity: 0, stopAtOnce: false)])
        #expect(machine.running == 2 && !machine.isPolling)
        // A slot frees: the activities take turns, the Athena one first (the Glue one was polled last).
        #expect(machine.runEnded() == [.poll(1)])
        #expect(machine.runEnded() == [.poll(0)])
    }

    @Test func withOneSlotTheActivitiesTakeTurnsSoThatTasksNeverOverfillThePool() {
        var machine = Machine(concurrency: 1, activities: [Self.glue, Self.athena])
        #expect(machine.start(recovered: []) == [.poll(0)])
        #expect(machine.pollReturned(nil, from: 0) == [.poll(1)])
        #expect(machine.pollReturned(nil, from: 1) == [.poll(0)])
        #expect(machine.pollReturned(Self.one, from: 0) == [.startRun(Self.one, activity: 0, stopAtOnce: false)])
        #expect(machine.runEnded() == [.poll(1)])
        // An answer for an activity not being polled changes nothing.
        #expect(machine.pollReturned(Self.two, from: 0) == [])
        #expect(machine.pollReturned(Self.two, from: 7) == [])
        #expect(machine.running == 0)
    }

    @Test func oneActivitysTransientFailureBacksOffThatActivityAloneWhileTheOtherKeepsPolling() {
        var machine = Machine(concurrency: 2, activities: [Self.glue, Self.athena])
        _ = machine.start(recovered: [])
        #expect(machine.pollReturned(nil, from: 0) == [.poll(0)])
        #expect(machine.pollReturned(nil, from: 1) == [.poll(1)])
        #expect(machine.pollFailed(.transient("throttled"), from: 1) == [.backOff(1, retry: 0)])
        #expect(machine.pollReturned(nil, from: 0) == [.poll(0)])
        #expect(machine.backoffElapsed(0) == [])
        #expect(machine.backoffElapsed(1) == [.poll(1)])
    }

    @Test func anActivitysFirstPollRefusedStopsTheWorkerOnceTheOtherPollIsBack() {
        var machine = Machine(concurrency: 2, activities: [Self.glue, Self.athena])
        _ = machine.start(recovered: [])
        let error = WorkerError(context: "cannot poll activity \(Self.athena)", underlying: "ActivityDoesNotExist")
        #expect(machine.pollFailed(.fatal("ActivityDoesNotExist"), from: 1) == [.armGraceTimer, .waitForPollInFlight])
        // The Glue poll in flight brings a task: it is run, then the worker stops.
        #expect(machine.pollReturned(Self.one, from: 0) == [.startRun(Self.one, activity: 0, stopAtOnce: false)])
        #expect(machine.runEnded() == [.finish(error)])
    }

    @Test func aShutdownWaitsForEveryPollInFlightAndEndsEveryBackoff() {
        var machine = Machine(concurrency: 3, activities: [Self.glue, Self.athena])
        _ = machine.start(recovered: [])
        _ = machine.pollReturned(nil, from: 1)
        #expect(machine.pollFailed(.transient("5xx"), from: 1) == [.backOff(1, retry: 0)])
        #expect(machine.shutdownRequested() == [.armGraceTimer, .waitForPollInFlight])
        #expect(machine.backoffElapsed(1) == [])
        #expect(machine.pollReturned(nil, from: 0) == [.finish(nil)])
    }
}
