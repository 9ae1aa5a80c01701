import Foundation
import Logging
import Runner
import StepFunctions
import Synchronization

/// An in-memory activity: a queue of tasks and a record of every report.
final class FakeActivityService: ActivityService {
    struct Failure: Equatable {
        var token: String
        var error: String
        var cause: String
    }

    private struct State {
        var queue: [ActivityTask] = []
        var heldPoll: CheckedContinuation<ActivityTask?, Never>?
        var holdPolls = false
        var polls = 0
        var successes: [String: String] = [:]
        var failures: [Failure] = []
        var heartbeats: [String] = []
        var deadTokens: [String: StepFunctionsError.Code] = [:]
        var pollErrors: [StepFunctionsError] = []
        var reportErrors: [StepFunctionsError] = []
        var reportAttempts = 0
    }

    private let state = Mutex(State())

    func enqueue(_ token: String, _ input: String) {
        state.withLock { $0.queue.append(ActivityTask(taskToken: token, input: input)) }
    }

    /// Makes heartbeats (and reports) on `token` answer `code`.
    func kill(_ token: String, code: StepFunctionsError.Code = .taskTimedOut) {
        state.withLock { $0.deadTokens[token] = code }
    }

    /// The next polls fail with `errors`, in order.
    func failPolls(_ errors: [StepFunctionsError]) { state.withLock { $0.pollErrors = errors } }
    /// The next reports (`SendTaskSuccess` or `SendTaskFailure`) throw these, one each, before reports go through.
    func failReports(_ errors: [StepFunctionsError]) { state.withLock { $0.reportErrors = errors } }
    var reportAttempts: Int { state.withLock { $0.reportAttempts } }

    /// The next poll waits until ``releasePoll(with:)``.
    func holdNextPoll() { state.withLock { $0.holdPolls = true } }

    var isPollHeld: Bool { state.withLock { $0.heldPoll != nil } }

    func releasePoll(with task: ActivityTask?) {
        let held = state.withLock { state in
            state.holdPolls = false
            defer { state.heldPoll = nil }
            return state.heldPoll
        }
        held?.resume(returning: task)
    }

    var polls: Int { state.withLock { $0.polls } }
    var successes: [String: String] { state.withLock { $0.successes } }
    var failures: [Failure] { state.withLock { $0.failures } }
    func heartbeats(_ token: String) -> Int { state.withLock { $0.heartbeats.filter { $0 == token }.count } }

    func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask? {
        let (hold, failure) = state.withLock { state in
            state.polls += 1
            return (state.holdPolls, state.pollErrors.isEmpty ? nil : state.pollErrors.removeFirst())
        }
        if let failure { throw failure }
        if hold {
            return await withCheckedContinuation { continuation in
                state.withLock { $0.heldPoll = continuation }
            }
        }
        if let task = state.withLock({ $0.queue.isEmpty ? nil : $0.queue.removeFirst() }) { return task }
        try await Task.sleep(for: .milliseconds(20))
        return nil
    }

    private func check(_ token: String, _ operation: String) throws {
        if let code = state.withLock({ $0.deadTokens[token] }) {
            throw StepFunctionsError(code: code, message: "Task Timed Out", httpStatus: 400, operation: operation)
        }
    }

    private func report() throws {
        let failure = state.withLock { state in
            state.reportAttempts += 1
            return state.reportErrors.isEmpty ? nil : state.reportErrors.removeFirst()
        }
        if let failure { throw failure }
    }

    func sendTaskSuccess(taskToken: String, output: String) async throws {
        try report()
        try check(taskToken, "SendTaskSuccess")
        state.withLock { $0.successes[taskToken] = output }
    }

    func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {
        try report()
        try check(taskToken, "SendTaskFailure")
        state.withLock { $0.failures.append(Failure(token: taskToken, error: error, cause: cause)) }
    }

    func sendTaskHeartbeat(taskToken: String) async throws {
        try check(taskToken, "SendTaskHeartbeat")
        state.withLock { $0.heartbeats.append(taskToken) }
    }
}

/// Jobs for worker tests: `quick` finishes at once, `boom` fails, `slow` runs until released or cancelled,
/// `stubborn` runs until released.
final class FakeExecutor: JobExecuting {
    private struct State {
        var released: Set<String> = []
        var running = 0
        var maxRunning = 0
        var cancelled: [String] = []
        var started: [String] = []
    }

    private let state = Mutex(State())

    struct Boom: Error, CustomStringConvertible {
        var description: String { "sales.csv:3: column \"Forecasted Monthly Revenue\": expected int64, got \"x\"" }
    }

    struct Unknown: Error, CustomStringConvertible {
        var name: String
        var description: String { "unknown job \"\(name)\"; known jobs: quick, boom, slow" }
    }

    func release(_ output: String) { _ = state.withLock { $0.released.insert(output) } }
    var maxRunning: Int { state.withLock { $0.maxRunning } }
    var cancelled: [String] { state.withLock { $0.cancelled } }
    var started: [String] { state.withLock { $0.started } }
    var running: Int { state.withLock { $0.running } }

    func resolve(_ name: String) throws -> String {
        guard ["quick", "boom", "slow", "stubborn"].contains(name) else { throw Unknown(name: name) }
        return name
    }

    func run(_ invocation: JobInvocation, logger: Logger) async throws -> JobOutcome {
        let output = invocation.output ?? "output/\(invocation.job)"
        state.withLock { state in
            state.running += 1
            state.maxRunning = max(state.maxRunning, state.running)
            state.started.append(output)
        }
        defer { state.withLock { $0.running -= 1 } }
        let started = Date()
        switch invocation.job {
        case "boom":
            throw Boom()
        case "slow":
            while !state.withLock({ $0.released.contains(output) }) {
                if Task.isCancelled {
                    state.withLock { $0.cancelled.append(output) }
                    throw CancellationError()
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        case "stubborn":
            // Ignores cancellation (noting that it was asked, once): finishes only when released.
            var noted = false
            while !state.withLock({ $0.released.contains(output) }) {
                if Task.isCancelled, !noted {
                    noted = true
                    state.withLock { $0.cancelled.append(output) }
                }
                // A detached sleep is not cancelled with the job, so a cancelled stubborn job does not spin.
                await Task.detached { try? await Task.sleep(for: .milliseconds(5)) }.value
            }
        default:
            break
        }
        return JobOutcome(
            job: invocation.job,
            rowsRead: 10,
            rowsWritten: 7,
            rowsRejected: 3,
            output: output,
            startedAt: started,
            completedAt: Date()
        )
    }
}
