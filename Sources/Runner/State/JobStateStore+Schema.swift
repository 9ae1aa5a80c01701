import Foundation
import GRDB

/// The versioned schema: GRDB migrations, recorded in the database's `grdb_migrations` table.
///
/// `v1` is the schema of the store before migrations existed, statement for statement, with `IF NOT EXISTS`: a file
/// written then (which has the tables but no `grdb_migrations`) passes through it unchanged and is recorded as
/// `v1`. Later changes are new migrations appended to ``migrator``; never edit one that has shipped.
extension JobStateStore {
    /// The identifiers of the schema's migrations, oldest first; a current file has applied all of them.
    public static let migrations = ["v1"]

    /// The migrations of ``migrations``.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { database in
            try database.execute(
                sql: """
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
        }
        return migrator
    }

    /// The migrations applied to this file, oldest first (equal to ``migrations`` once opened).
    public func appliedMigrations() throws -> [String] {
        try read("read the schema version") { try Self.migrator.appliedMigrations($0) }
    }

    /// Brings the file to the current schema; a file written by a newer Sluice (with migrations this one does not
    /// know) is refused rather than misread.
    func migrate() throws {
        let migrator = Self.migrator
        let superseded = try read("read the schema version") { try migrator.hasBeenSuperseded($0) }
        if superseded {
            let applied = try read("read the schema version") { try migrator.appliedIdentifiers($0) }
            let unknown = applied.subtracting(Self.migrations).sorted()
            throw JobStateStoreError(
                path: path,
                operation: "migrate",
                message: "written by a newer sluice: it has schema migrations this one does not know ("
                    + unknown.joined(separator: ", ") + ")"
            )
        }
        do {
            try migrator.migrate(database)
        } catch {
            throw JobStateStoreError.wrapping(error, path: path, operation: "migrate")
        }
    }
}
