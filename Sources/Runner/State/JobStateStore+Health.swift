import Foundation
import GRDB

extension JobStateStore {
    /// Why the state file cannot be written now, or `nil`; for health checks. Read-only file or directory; or the
    /// write lock held by another connection (another process in a write transaction) for a second or more, judged
    /// by a probe that never waits (see ``JobStateLockWatch``). Cheap: at most one probe per 250 ms, on a
    /// connection of its own.
    public func writeProblem(now: ContinuousClock.Instant = .now) -> String? {
        let files = FileManager.default
        if files.fileExists(atPath: path), !files.isWritableFile(atPath: path) { return "\(path) is read-only" }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !files.isWritableFile(atPath: directory) { return "\(directory) is read-only" }
        return lockProbe.withLock { probe in
            if let checked = probe.checkedAt, now - checked < .milliseconds(250) { return probe.verdict }
            probe.checkedAt = now
            switch probeWriteLock(&probe.connection) {
            case .free:
                probe.verdict = probe.watch.probed(busy: nil, at: now)
            case .busy(let why):
                probe.verdict = probe.watch.probed(busy: why, at: now).map { "\(path) is \($0)" }
            case .failed(let why):
                probe.verdict = "\(path): \(why)"
            }
            return probe.verdict
        }
    }

    private enum ProbeResult {
        case free
        case busy(String)
        case failed(String)
    }

    /// Takes and at once releases the write lock (`BEGIN IMMEDIATE; ROLLBACK`) on the probe's own connection, which
    /// fails at once rather than waiting when the lock is taken.
    private func probeWriteLock(_ connection: inout DatabaseQueue?) -> ProbeResult {
        do {
            if connection == nil {
                var configuration = Configuration()
                configuration.busyMode = .immediateError
                connection = try DatabaseQueue(path: path, configuration: configuration)
            }
            try connection?.writeWithoutTransaction { database in
                try database.execute(sql: "BEGIN IMMEDIATE")
                try database.execute(sql: "ROLLBACK")
            }
            return .free
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            return .busy("\(error.message ?? "database is locked") (SQLite error \(error.extendedResultCode.rawValue))")
        } catch {
            connection = nil
            return .failed(
                "\(JobStateStoreError.wrapping(error, path: path, operation: "probe the write lock").message)"
            )
        }
    }

    /// The probe's connection and last verdict.
    struct LockProbe: Sendable {
        var connection: DatabaseQueue?
        var checkedAt: ContinuousClock.Instant?
        var verdict: String?
        var watch = JobStateLockWatch()
    }
}
