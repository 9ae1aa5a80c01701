import Dispatch

/// One serial queue of its own, so that heavy checks neither hold Swift concurrency's cooperative threads nor flood
/// Dispatch's global queue (which `Subprocess` and the blocking AWS helpers drain their work on).
private let heavyWork = DispatchQueue(label: "sluice.tests.off-the-pool")

/// Runs blocking, CPU-heavy test work (a query engine run, a subprocess) on a serial queue of its own, one piece at
/// a time, instead of on one of Swift concurrency's cooperative threads: on a 2-core machine the pool has two, and
/// a synchronous test holding one for a minute delays every async test's timers and servers (a scripted server
/// outlives its lifetime, a chaos test's kill comes late). The global Dispatch queue is no place for it either:
/// hundreds of parameterized cases queued there starved the blocking AWS helpers and moto's launcher.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        heavyWork.async {
            continuation.resume(with: Result { try body() })
        }
    }
}
