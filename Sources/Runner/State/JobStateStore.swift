import Foundation
import Synchronization

/// The worker's job state: one row per run in an SQLite database (WAL mode), written before the job starts so
/// that a crash leaves a trace for restart recovery and for `sluice jobs`; also the cursor of `sluice watch
/// s3://…` polling (see `JobStateStore+Arrivals.swift`).
///
/// Safe to share between tasks; calls are serialised.
public final class JobStateStore: Sendable {
    /// The database file.
    public let path: String
    let database: Mutex<SQLiteDatabase>

    /// Opens or creates the database at `path` (creating its directory), in WAL mode, with the `runs`,
    /// `arrival_cursors` and `arrivals_announced` tables.
    public init(path: String) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLiteError(
                path: path,
                operation: "create directory \(directory.path)",
                code: 14,
                message: "\(error.localizedDescription)"
            )
        }
        let connection = try SQLiteDatabase(path: path)
        let mode = try connection.query("PRAGMA journal_mode=WAL")
        guard mode.first?.first == .text("wal") else {
            throw SQLiteError(
                path: path,
                operation: "PRAGMA journal_mode=WAL",
                code: 1,
                message: "the database did not switch to WAL mode (got \(mode))"
            )
        }
        try connection.execute(
            """
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS runs (
                run_id TEXT PRIMARY KEY,
                task_token TEXT NOT NULL,
                activity_arn TEXT NOT NULL,
                worker_name TEXT NOT NULL,
                job TEXT,
                input TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
                started_at TEXT NOT NULL,
                completed_at TEXT,
                heartbeat_at TEXT,
                rows_read INTEGER,
                rows_written INTEGER,
                rows_rejected INTEGER,
                output TEXT,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 1
            );
            CREATE INDEX IF NOT EXISTS runs_by_state ON runs (state, activity_arn);
            CREATE TABLE IF NOT EXISTS arrival_cursors (
                source TEXT PRIMARY KEY,
                start_after TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS arrivals_announced (
                source TEXT NOT NULL,
                key TEXT NOT NULL,
                etag TEXT NOT NULL,
                last_modified TEXT NOT NULL,
                activity_arn TEXT NOT NULL,
                size INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                announced_at TEXT NOT NULL,
                PRIMARY KEY (source, key, etag, last_modified)
            );
            """
        )
        database = Mutex(connection)
    }

    /// Records a new run.
    public func insert(_ run: JobRun) throws {
        _ = try database.withLock { database in
            try database.run(
                """
                INSERT INTO runs (run_id, task_token, activity_arn, worker_name, job, input, state, started_at,
                    completed_at, heartbeat_at, rows_read, rows_written, rows_rejected, output, error, attempts)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                """,
                Self.values(of: run)
            )
        }
    }

    /// Replaces the stored row of `run.runId` with `run` (keeping a recorded heartbeat when `run` has none).
    public func update(_ run: JobRun) throws {
        let changed = try database.withLock { database in
            try database.run(
                """
                UPDATE runs SET task_token = ?2, activity_arn = ?3, worker_name = ?4, job = ?5, input = ?6,
                    state = ?7, started_at = ?8, completed_at = ?9, heartbeat_at = COALESCE(?10, heartbeat_at), rows_read = ?11,
                    rows_written = ?12, rows_rejected = ?13, output = ?14, error = ?15, attempts = ?16
                WHERE run_id = ?1
                """,
                Self.values(of: run)
            )
        }
        if changed != 1 {
            throw SQLiteError(path: path, operation: "update run \(run.runId)", code: 12, message: "no such run")
        }
    }

    /// Records a successful heartbeat.
    public func recordHeartbeat(runId: String, at date: Date = Date()) throws {
        _ = try database.withLock { database in
            try database.run(
                "UPDATE runs SET heartbeat_at = ?2 WHERE run_id = ?1",
                [.text(runId), .text(Self.format(date))]
            )
        }
    }

    /// The run with id `runId`, if any.
    public func run(id runId: String) throws -> JobRun? {
        try runs(where: "run_id = ?1", [.text(runId)]).first
    }

    /// All runs, oldest first; only those in `state` (and of `activityArn`) when given.
    public func runs(state: JobRun.State? = nil, activityArn: String? = nil) throws -> [JobRun] {
        var conditions: [String] = []
        var parameters: [SQLiteDatabase.Value] = []
        if let state {
            parameters.append(.text(state.rawValue))
            conditions.append("state = ?\(parameters.count)")
        }
        if let activityArn {
            parameters.append(.text(activityArn))
            conditions.append("activity_arn = ?\(parameters.count)")
        }
        return try runs(where: conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), parameters)
    }

    private func runs(where condition: String, _ parameters: [SQLiteDatabase.Value]) throws -> [JobRun] {
        let rows = try database.withLock { database in
            try database.query(
                """
                SELECT run_id, task_token, activity_arn, worker_name, job, input, state, started_at, completed_at,
                    heartbeat_at, rows_read, rows_written, rows_rejected, output, error, attempts
                FROM runs WHERE \(condition) ORDER BY started_at, rowid
                """,
                parameters
            )
        }
        return try rows.map { try decode($0) }
    }

    private func decode(_ row: [SQLiteDatabase.Value]) throws -> JobRun {
        func text(_ index: Int) -> String? {
            if case .text(let value) = row[index] { return value }
            return nil
        }
        func integer(_ index: Int) -> Int? {
            if case .integer(let value) = row[index] { return Int(value) }
            return nil
        }
        func date(_ index: Int) -> Date? { text(index).flatMap(Self.parse) }
        guard row.count == 16, let runId = text(0), let stateText = text(6),
            let state = JobRun.State(rawValue: stateText), let startedAt = date(7)
        else {
            throw SQLiteError(path: path, operation: "read runs", code: 11, message: "malformed row \(row)")
        }
        var run = JobRun(
            runId: runId,
            taskToken: text(1) ?? "",
            activityArn: text(2) ?? "",
            workerName: text(3) ?? "",
            job: text(4),
            input: text(5) ?? "",
            startedAt: startedAt
        )
        run.state = state
        run.completedAt = date(8)
        run.heartbeatAt = date(9)
        run.rowsRead = integer(10)
        run.rowsWritten = integer(11)
        run.rowsRejected = integer(12)
        run.output = text(13)
        run.error = text(14)
        run.attempts = integer(15) ?? 1
        return run
    }

    private static func values(of run: JobRun) -> [SQLiteDatabase.Value] {
        func optional(_ value: String?) -> SQLiteDatabase.Value { value.map { .text($0) } ?? .null }
        func optional(_ value: Int?) -> SQLiteDatabase.Value { value.map { .integer(Int64($0)) } ?? .null }
        func optional(_ value: Date?) -> SQLiteDatabase.Value { value.map { .text(format($0)) } ?? .null }
        return [
            .text(run.runId), .text(run.taskToken), .text(run.activityArn), .text(run.workerName), optional(run.job),
            .text(run.input), .text(run.state.rawValue), .text(format(run.startedAt)), optional(run.completedAt),
            optional(run.heartbeatAt), optional(run.rowsRead), optional(run.rowsWritten), optional(run.rowsRejected),
            optional(run.output), optional(run.error), .integer(Int64(run.attempts)),
        ]
    }

    static func format(_ date: Date) -> String { Timestamp.format(date) }

    static func parse(_ text: String) -> Date? { Timestamp.parse(text) }
}
