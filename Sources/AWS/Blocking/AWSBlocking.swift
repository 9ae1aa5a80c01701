import Dispatch
import Synchronization

/// A bridge from synchronous code to the async AWS clients: ``run(_:)`` starts the async body as a task whose
/// executor preference is ``ThreadPoolTaskExecutor/shared`` (threads of its own, not Swift's cooperative pool) and
/// blocks the calling thread until the body finishes.
///
/// Synchronous readers and writers (a Parquet reader on its own thread, a CSV writer's sink) call S3 through
/// it. As the body runs on dedicated threads, blocking the caller never starves the cooperative pool of the work
/// the body needs, even when the caller is itself one of the pool's (few) threads.
public enum AWSBlocking {
    /// Runs `body` to completion on the dedicated executor and returns its value, or throws its error.
    ///
    /// Cancellation propagates: when the caller is inside a task that is (or becomes) cancelled, the body's task
    /// is cancelled and the body's outcome, usually `CancellationError`, is returned. A caller inside a task that
    /// is already cancelled gets `CancellationError` without the body starting.
    public static func run<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) throws -> T {
        let callerIsTask = withUnsafeCurrentTask { $0 != nil }
        if callerIsTask, callerIsCancelled() { throw CancellationError() }

        let outcome = Outcome<T>()
        let task = Task(executorPreference: ThreadPoolTaskExecutor.shared) {
            do {
                outcome.finish(.success(try await body()))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        if callerIsTask {
            // A synchronous caller has no cancellation handler to install; look at its task now and then.
            var forwarded = false
            while outcome.semaphore.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
                if !forwarded, callerIsCancelled() {
                    forwarded = true
                    task.cancel()
                }
            }
        } else {
            outcome.semaphore.wait()
        }
        return try outcome.result()
    }

    /// Whether the current task (if any) is cancelled.
    private static func callerIsCancelled() -> Bool {
        withUnsafeCurrentTask { $0?.isCancelled ?? false }
    }

    /// The body's result, handed from the executor thread to the waiting caller.
    private final class Outcome<T: Sendable>: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        private let value = Mutex<Result<T, any Error>?>(nil)

        func finish(_ result: Result<T, any Error>) {
            value.withLock { $0 = result }
            semaphore.signal()
        }

        func result() throws -> T {
            guard let result = value.withLock({ $0 }) else { preconditionFailure("AWSBlocking: no result") }
            return try result.get()
        }
    }
}
