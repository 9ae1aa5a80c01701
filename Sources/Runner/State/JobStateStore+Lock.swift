import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exclusive use of a job-state database by one worker, so that restart recovery never re-runs a job another
/// live worker is running. Held through an advisory lock on `<state>.lock`; the system releases it when the
/// process ends, however it ends.
public final class JobStateLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JobStateStoreError(path: path, operation: "open lock file", message: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw JobStateStoreError(
                path: path,
                operation: "lock",
                message: "another worker is using this job state (one worker per --state file)"
            )
        }
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        pid.withUnsafeBytes { _ = pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension JobStateStore {
    /// Takes the worker lock of this database (`<path>.lock`); throws when another worker holds it.
    public func lockForWorker() throws -> JobStateLock {
        try JobStateLock(path: path + ".lock")
    }
}
