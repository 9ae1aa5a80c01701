import Foundation
import Synchronization

/// A `TaskExecutor` that runs jobs on threads of its own (pthreads started by Foundation's `Thread`), outside
/// Swift's cooperative pool.
///
/// It starts a thread when a job arrives and more jobs wait than threads are idle, up to ``maximumThreads``; so a job that blocks
/// (a nested ``AWSBlocking/run(_:)``, say) does not hold up the others until that many are blocked. Threads stay
/// once started (they sleep on a condition variable while idle) and are named `<name>-<n>`.
public final class ThreadPoolTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// The executor ``AWSBlocking`` uses: up to 64 threads named `sluice-aws-<n>`.
    public static let shared = ThreadPoolTaskExecutor(name: "sluice-aws", maximumThreads: 64)

    /// The threads' name prefix.
    public let name: String
    /// The most threads it starts.
    public let maximumThreads: Int

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var queueHead = 0
    private var threads = 0
    private var idle = 0
    private var threadIds: Set<UInt> = []

    /// Creates an executor; no thread starts before the first job.
    public init(name: String, maximumThreads: Int) {
        self.name = name
        self.maximumThreads = max(1, maximumThreads)
    }

    /// The number of threads started so far.
    public var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    /// Whether the calling thread is one of this executor's.
    public var isCurrentThread: Bool {
        let current = Self.currentThreadId()
        condition.lock()
        defer { condition.unlock() }
        return threadIds.contains(current)
    }

    private static func currentThreadId() -> UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// Queues `job` and wakes (or starts) a thread for it.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        var start = false
        // Each idle thread takes one queued job; start another when the queue holds more than that.
        if queue.count - queueHead > idle, threads < maximumThreads {
            threads += 1
            start = true
        }
        let number = threads
        condition.signal()
        condition.unlock()
        if start { startThread(number: number) }
    }

    private func startThread(number: Int) {
        let thread = Thread { [self] in work() }
        thread.name = "\(name)-\(number)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// A thread's loop: take the next job, run it, sleep while there is none.
    private func work() {
        let executor = asUnownedTaskExecutor()
        condition.lock()
        threadIds.insert(Self.currentThreadId())
        condition.unlock()
        while true {
            condition.lock()
            while queueHead == queue.count {
                idle += 1
                condition.wait()
                idle -= 1
            }
            let job = queue[queueHead]
            queueHead += 1
            if queueHead == queue.count {
                queue.removeAll(keepingCapacity: true)
                queueHead = 0
            }
            condition.unlock()
            job.runSynchronously(on: executor)
        }
    }
}
