import Dispatch

/// Runs blocking, CPU-heavy test work (a query engine run, a subprocess) on a Dispatch thread instead of one of
/// Swift concurrency's cooperative threads: on a 2-core machine the pool has two, and a synchronous test holding
/// one for a minute delays every async test's timers and servers (a scripted server outlives its lifetime, a
/// chaos test's kill comes late).
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
