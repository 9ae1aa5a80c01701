import Synchronization

/// A counting semaphore for async code that can be closed: closing wakes every waiter with `false` and makes
/// further acquisitions fail, which is how a shutting-down worker stops taking new work.
final class SlotPool: Sendable {
    private struct State {
        var available: Int
        var closed = false
        var waiters: [CheckedContinuation<Bool, Never>] = []
    }

    private let state: Mutex<State>

    /// A pool of `count` slots (at least one).
    init(count: Int) {
        state = Mutex(State(available: max(1, count)))
    }

    /// Waits for a free slot; `false` when the pool is (or gets) closed.
    func acquire() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer: Bool? = state.withLock { state in
                if state.closed { return false }
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Gives a slot back, handing it to the oldest waiter if any.
    func release() {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLock { state in
            if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.available += 1
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Closes the pool: waiters get `false`, and so does every later ``acquire()``.
    func close() {
        let waiters: [CheckedContinuation<Bool, Never>] = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }
}
