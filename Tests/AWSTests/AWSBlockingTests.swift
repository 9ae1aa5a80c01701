import Foundation
import Synchronization
import Testing

@testable import AWS

/// ``AWSBlocking/run(_:)`` and its thread-pool executor: values, errors, cancellation, and no deadlock however
/// many callers block at once, from plain threads or from the cooperative pool.
@Suite(.timeLimit(.minutes(1))) struct AWSBlockingTests {
    struct Boom: Error, Equatable { var code: Int }

    /// Whether the calling thread belongs to the shared executor (a synchronous check from async code).
    static func onExecutorThread() -> Bool { ThreadPoolTaskExecutor.shared.isCurrentThread }

    @Test func returnsTheBodysValueComputedOnTheDedicatedThreads() throws {
        let (value, onExecutor) = try AWSBlocking.run {
            try await Task.sleep(for: .milliseconds(5))
            return (41 + 1, Self.onExecutorThread())
        }
        #expect(value == 42)
        #expect(onExecutor)
        #expect(!Self.onExecutorThread())
    }

    @Test func rethrowsTheBodysError() {
        let error = #expect(throws: Boom.self) {
            try AWSBlocking.run { () async throws -> Int in
                await Task.yield()
                throw Boom(code: 7)
            }
        }
        #expect(error == Boom(code: 7))
    }

    @Test func manyThreadsAtOnce() throws {
        let count = 48
        let results = Mutex<[Int: Int]>([:])
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                let value = try? AWSBlocking.run {
                    try await Task.sleep(for: .milliseconds(20))
                    return index * index
                }
                results.withLock { $0[index] = value }
                group.leave()
            }
            thread.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let collected = results.withLock { $0 }
        #expect(collected.count == count)
        for index in 0..<count { #expect(collected[index] == index * index) }
    }

    @Test func fromEveryThreadOfTheCooperativePoolWithoutDeadlock() async throws {
        // More blocked callers than the cooperative pool has threads: every one of its threads blocks in `run`,
        // and the bodies (which sleep, so they need an executor to resume on) still complete.
        let callers = ProcessInfo.processInfo.activeProcessorCount * 4
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<callers {
                group.addTask {
                    try AWSBlocking.run {
                        try await Task.sleep(for: .milliseconds(10))
                        await Task.yield()
                        return index
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(sum == (0..<callers).reduce(0, +))
    }

    @Test func nestedRunDoesNotDeadlock() throws {
        let value = try AWSBlocking.run {
            let inner = try AWSBlocking.run {
                try await Task.sleep(for: .milliseconds(5))
                return 5
            }
            return inner * 2
        }
        #expect(value == 10)
    }

    @Test func childTasksAndActorsStayOnTheExecutor() throws {
        actor Counter {
            var value = 0
            func add(_ amount: Int) -> Bool {
                value += amount
                return AWSBlockingTests.onExecutorThread()
            }
        }
        let (total, everyStepOnExecutor) = try AWSBlocking.run {
            let counter = Counter()
            let onExecutor = try await withThrowingTaskGroup(of: Bool.self) { group in
                for amount in 1...10 {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(1))
                        let actorOnExecutor = await counter.add(amount)
                        return actorOnExecutor && Self.onExecutorThread()
                    }
                }
                return try await group.allSatisfy { $0 }
            }
            return (await counter.value, onExecutor)
        }
        #expect(total == 55)
        #expect(everyStepOnExecutor)
    }

    @Test func callerCancellationCancelsTheBody() async throws {
        let started = Mutex(false)
        let caller = Task {
            try AWSBlocking.run {
                started.withLock { $0 = true }
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        let clock = ContinuousClock()
        let cancelledAt = clock.now
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        // Well before the body's 60 s sleep would end (a loaded 2-core machine delays the wake-ups by seconds).
        #expect(clock.now - cancelledAt < .seconds(45))
    }

    @Test func anAlreadyCancelledCallerDoesNotStartTheBody() async {
        let ran = Mutex(false)
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try AWSBlocking.run {
                ran.withLock { $0 = true }
                return 1
            }
        }
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ran.withLock { $0 } == false)
    }
}
