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
    /// How much nicer the reader's threads are than the thread that starts them. Measured on the 2-core machine: at 5,
    /// PMD on 10M rows (Parquet encoding on the caller's side) is as fast as without working ahead, while at 0 it was
    /// 7% slower; PSD (parse-bound) is the same at 0 and 5.
    static let niceness: Int32 = 5
    /// Pending jobs; `nil` ends the thread.
    private var jobs: [(@Sendable () -> Void)?] = []
    /// Signalled when the thread ends.
    private let exited = DispatchSemaphore(value: 0)
    /// The thread, until it ends (then `nil`, so that the thread and the worker do not hold each other).
    private var thread: Thread?

    /// Starts the thread.
    init(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        lock.lock()
        self.thread = thread
        lock.unlock()
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

    /// Ends the thread once the jobs submitted before are done, and waits until it has (so that everything its jobs
    /// held is released), unless called on the thread itself.
    func stopAndWait() {
        lock.lock()
        let onItself = thread != nil && Thread.current === thread
        lock.unlock()
        enqueue(nil)
        if !onItself { exited.wait() }
    }

    private func enqueue(_ job: (@Sendable () -> Void)?) {
        lock.lock()
        jobs.append(job)
        lock.unlock()
        available.signal()
    }

    #if os(Linux)
    /// The kernel's id of the calling thread, from `/proc/thread-self` (`<pid>/task/<tid>`).
    static func threadID() -> id_t? {
        var link = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/thread-self", &link, link.count - 1)
        guard length > 0 else { return nil }
        let text = String(decoding: link.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "/").last.flatMap { id_t($0) }
    }
    #endif

    private func run() {
        #if os(Linux)
        // A little below the caller's threads: the reader works ahead, so when the caller's own work (encoding,
        // writing) needs a core, it gets it first, and the parse takes the cycles left. Best effort: a failure leaves
        // the thread at the caller's priority.
        if let thread = Self.threadID() {
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            _ = setpriority(which, thread, min(19, getpriority(which, thread) + WorkerThread.niceness))
        }
        #endif
        while true {
            available.wait()
            lock.lock()
            let job = jobs.removeFirst()
            lock.unlock()
            guard let job else {
                lock.lock()
                thread = nil
                lock.unlock()
                exited.signal()
                return
            }
            job()
        }
    }
}
