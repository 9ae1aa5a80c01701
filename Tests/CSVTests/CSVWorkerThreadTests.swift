import Dispatch
import Testing

@testable import CSV

#if canImport(Glibc)
import Glibc
#endif

/// The reader's own threads: jobs run in the order submitted, off the caller's thread, below its priority.
@Suite struct CSVWorkerThreadTests {
    final class Log: @unchecked Sendable {
        var entries: [Int] = []
        var threads: Set<Int> = []
        var niceness: Int32?
    }

    @Test func jobsRunInOrderOnOneThreadBelowTheCallersPriority() throws {
        let worker = WorkerThread(name: "test")
        defer { worker.stop() }
        let log = Log()
        let done = DispatchSemaphore(value: 0)
        for k in 0..<100 {
            worker.submit {
                log.entries.append(k)
                #if os(Linux)
                log.threads.insert(Int(WorkerThread.threadID() ?? 0))
                #endif
            }
        }
        worker.submit {
            #if os(Linux)
            errno = 0
            log.niceness = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), WorkerThread.threadID() ?? 0)
            #endif
            done.signal()
        }
        done.wait()
        #expect(log.entries == Array(0..<100))
        #if os(Linux)
        let caller = Int(try #require(WorkerThread.threadID()))
        #expect(log.threads.count == 1)
        #expect(!log.threads.contains(caller))
        #expect(log.niceness == WorkerThread.niceness + getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        #endif
    }
}
