import Dispatch
import Foundation

/// A thread of the reader's own that runs submitted jobs in order.
///
/// The reader parses and reads ahead on such threads rather than on Dispatch's global queues: a caller that runs on a
/// global queue (for example a Swift task) and blocks waiting for the next chunk would otherwise hold one of the few
/// pool threads, and the parse parts would queue behind it instead of running on both cores.
final class WorkerThread: @unchecked Sendable {
    private let lock = NSLock()
    private let available = DispatchSemaphore(value: 0)
    /// Pending jobs; `nil` ends the thread.
    private var jobs: [(@Sendable () -> Void)?] = []

    /// Starts the thread.
    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Runs `job` on the thread after the jobs submitted before it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        enqueue(job)
    }

    /// Ends the thread once the jobs submitted before are done; it holds the worker until then.
    func stop() {
        enqueue(nil)
    }

    private func enqueue(_ job: (@Sendable () -> Void)?) {
        lock.lock()
        jobs.append(job)
        lock.unlock()
        available.signal()
    }

    private func run() {
        while true {
            available.wait()
            lock.lock()
            let job = jobs.removeFirst()
            lock.unlock()
            guard let job else { return }
            job()
        }
    }
}
