import Foundation
import GRDB
import Synchronization

/// The worker's job state: one row per run in an SQLite database (WAL mode), written before the job starts so
/// that a crash leaves a trace for restart recovery and for `sluice jobs`; also the cursor of `sluice watch
/// s3://…` polling (see `JobStateStore+Arrivals.swift`). The schema is versioned by GRDB migrations (see
/// `JobStateStore+Schema.swift`); opening a file upgrades it.
///
/// Safe to share between tasks; calls are serialised. Errors are ``JobStateStoreError``.
public final class JobStateStore: Sendable {
    /// The database file.
    public let path: String
    let database: DatabaseQueue
    /// The health check's probe of the write lock (see `JobStateStore+Health.swift`).
    let lockProbe = Mutex(LockProbe())

    /// Opens or creates the database at `path` (creating its directory), in WAL mode, and migrates it to the
    /// current schema: the `runs`, `arrival_cursors` and `arrivals_announced` tables.
    public init(path: String) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw JobStateStoreError(
                path: path,
                operation: "create directory \(directory.path)",
                message: error.localizedDescription
            )
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        // Several processes (a worker and `sluice jobs`) may use the file at once: wait for locks a while.
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw JobStateStoreError.wrapping(error, path: path, operation: "open")
        }
        try migrate()
    }

    /// Records a new run.
    public func insert(_ run: JobRun) throws {
        try write("insert run \(run.runId)") { try run.insert($0) }
    }

    /// Replaces the stored row of `run.runId` with `run` (keeping a recorded heartbeat when `run` has none).
    public func update(_ run: JobRun) throws {
        try write("update run \(run.runId)") { database in
            guard let stored = try JobRun.fetchOne(database, key: run.runId) else {
                throw JobStateStoreError(path: path, operation: "update run \(run.runId)", message: "no such run")
            }
            var row = run
            if row.heartbeatAt == nil { row.heartbeatAt = stored.heartbeatAt }
            try row.update(database)
        }
    }

    /// Records a successful heartbeat.
    public func recordHeartbeat(runId: String, at date: Date = Date()) throws {
        try write("record heartbeat of run \(runId)") { database in
            _ = try JobRun.filter(key: runId).updateAll(database, JobRun.Columns.heartbeatAt.set(to: Self.format(date)))
        }
    }

    /// The run with id `runId`, if any.
    public func run(id runId: String) throws -> JobRun? {
        try read("read run \(runId)") { try JobRun.fetchOne($0, key: runId) }
    }

    /// All runs, oldest first; only those in `state` (and of `activityArn`) when given.
    public func runs(state: JobRun.State? = nil, activityArn: String? = nil) throws -> [JobRun] {
        var request = JobRun.all()
        if let state { request = request.filter(JobRun.Columns.state == state) }
        if let activityArn { request = request.filter(JobRun.Columns.activityArn == activityArn) }
        request = request.order(JobRun.Columns.startedAt, Column.rowID)
        return try read("read runs") { try request.fetchAll($0) }
    }

    // MARK: Access

    /// Runs `body` in a write transaction; every error becomes a ``JobStateStoreError`` naming `operation`.
    @discardableResult
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.write(body)
        } catch {
            throw JobStateStoreError.wrapping(error, path: path, operation: operation)
        }
    }

    /// Runs `body` with read access; every error becomes a ``JobStateStoreError`` naming `operation`.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw JobStateStoreError.wrapping(error, path: path, operation: operation)
        }
    }

    static func format(_ date: Date) -> String { Timestamp.format(date) }
}
