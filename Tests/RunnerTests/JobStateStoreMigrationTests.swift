import Foundation
import GRDB
import Runner
import TestSupport
import Testing

/// The versioned schema: state files written before migrations existed (`Fixtures/state-v0.sqlite`, written by the
/// store of then), fresh files, and files of a newer Sluice.
@Suite struct JobStateStoreMigrationTests {
    static let glueRunner = "arn:aws:states:us-east-1:123456789012:activity:GlueRunnerActivity"

    /// The fixture copied into a temporary directory, so that opening it (which upgrades it) leaves the original.
    static func fixtureCopy() throws -> String {
        let directory = try Paths.temporaryDirectory("sluice-state-v0")
        let copy = directory.appendingPathComponent("sluice.sqlite")
        try FileManager.default.copyItem(at: Fixtures.url("state-v0.sqlite"), to: copy)
        return copy.path
    }

    /// The runs the fixture holds, as the store of then wrote them.
    static var fixtureRuns: [JobRun] {
        var succeeded = JobRun(
            runId: "jr_00000000000000000000000000000001",
            taskToken: "token-succeeded",
            activityArn: glueRunner,
            workerName: "worker-a",
            job: "ProcessSalesData",
            input: #"{"GlueJobName": "ProcessSalesData"}"#,
            startedAt: Date(timeIntervalSince1970: 1_700_000_000.125)
        )
        succeeded.state = .succeeded
        succeeded.completedAt = Date(timeIntervalSince1970: 1_700_000_012.5)
        succeeded.heartbeatAt = Date(timeIntervalSince1970: 1_700_000_010)
        succeeded.rowsRead = 20994
        succeeded.rowsWritten = 1802
        succeeded.rowsRejected = 3
        succeeded.output = "/data/output/psd"
        var failed = JobRun(
            runId: "jr_00000000000000000000000000000002",
            taskToken: "token-failed",
            activityArn: glueRunner,
            workerName: "worker-a",
            job: "psd",
            input: #"{"job": "psd", "params": {"bucket": "my-data"}}"#,
            startedAt: Date(timeIntervalSince1970: 1_700_000_100)
        )
        failed.state = .failed
        failed.completedAt = Date(timeIntervalSince1970: 1_700_000_101.75)
        failed.error = "jobs/psd.json: inputs.sales.path: parameter ${bucket} has no value"
        failed.attempts = 2
        var running = JobRun(
            runId: "jr_00000000000000000000000000000003",
            taskToken: "token-running",
            activityArn: "arn:aws:states:us-east-1:123456789012:activity:Other",
            workerName: "worker-b",
            job: nil,
            input: "not json",
            startedAt: Date(timeIntervalSince1970: 1_700_000_200)
        )
        running.heartbeatAt = Date(timeIntervalSince1970: 1_700_000_230)
        return [succeeded, failed, running]
    }

    /// `type name sql` of every schema object but GRDB's own, in name order.
    static func schema(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { database in
            try String.fetchAll(
                database,
                sql: """
                    SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
                    WHERE tbl_name NOT LIKE 'grdb_%' ORDER BY name
                    """
            )
        }
    }

    @Test func theFixtureIsOneFileWithTodaysTablesAndNoMigrations() throws {
        // Read from a copy: SQLite gives even a read-only connection to a WAL file `-wal` and `-shm` files.
        let original = Fixtures.url("state-v0.sqlite").path
        #expect(!FileManager.default.fileExists(atPath: original + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: original + "-shm"))
        let tables = try DatabaseQueue(path: try Self.fixtureCopy()).read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["arrival_cursors", "arrivals_announced", "runs"])
    }

    @Test func aStateFileWrittenBeforeMigrationsOpensAndUpgrades() throws {
        let path = try Self.fixtureCopy()
        let store = try JobStateStore(path: path)
        #expect(try store.appliedMigrations() == ["v1"])

        // Every field of every run, as written.
        let expected = Self.fixtureRuns
        let runs = try store.runs()
        #expect(runs.count == 3)
        for (run, want) in zip(runs, expected) {
            #expect(run.runId == want.runId)
            #expect(run.taskToken == want.taskToken)
            #expect(run.activityArn == want.activityArn)
            #expect(run.workerName == want.workerName)
            #expect(run.job == want.job)
            #expect(run.input == want.input)
            #expect(run.state == want.state)
            #expect(run.startedAt == want.startedAt)
            #expect(run.completedAt == want.completedAt)
            #expect(run.heartbeatAt == want.heartbeatAt)
            #expect(run.rowsRead == want.rowsRead)
            #expect(run.rowsWritten == want.rowsWritten)
            #expect(run.rowsRejected == want.rowsRejected)
            #expect(run.output == want.output)
            #expect(run.error == want.error)
            #expect(run.attempts == want.attempts)
        }
        #expect(runs == expected)
        #expect(try store.runs(state: .running) == [expected[2]])
        #expect(try store.runs(state: .failed, activityArn: Self.glueRunner) == [expected[1]])
        #expect(try store.run(id: expected[0].runId) == expected[0])

        // The arrival cursors.
        let cursor = try store.arrivalCursor(source: "s3://my-data/incoming/")
        #expect(cursor.startAfter == "incoming/b.csv")
        #expect(
            cursor.announced == [
                .init(key: "incoming/a.csv", eTag: "etag-a", lastModified: "2023-11-14T22:15:00.000Z"),
                .init(key: "incoming/b.csv", eTag: "etag-b", lastModified: nil),
            ]
        )
        let other = try store.arrivalCursor(source: "s3://other/")
        #expect(other.startAfter == nil && other.announced.isEmpty)

        // A new run is written and read back, beside the old ones, also after reopening.
        var fresh = JobRun(
            taskToken: "token-new",
            activityArn: Self.glueRunner,
            workerName: "worker-c",
            job: "jmsd",
            input: "{}",
            startedAt: Date(timeIntervalSince1970: 1_800_000_000.5)
        )
        try store.insert(fresh)
        fresh.state = .succeeded
        fresh.completedAt = Date(timeIntervalSince1970: 1_800_000_001)
        fresh.rowsRead = 7
        fresh.rowsWritten = 7
        fresh.rowsRejected = 0
        fresh.output = "s3://b/output/jmsd"
        try store.update(fresh)
        #expect(try store.run(id: fresh.runId) == fresh)
        #expect(try JobStateStore(path: path).runs() == expected + [fresh])

        // The upgraded file's schema is a fresh file's.
        let freshPath = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        _ = try JobStateStore(path: freshPath)
        #expect(try Self.schema(path) == Self.schema(freshPath))
        #expect(try Self.schema(path).count == 7)
    }

    @Test func aFreshStoreHasTheMigrationsRecorded() throws {
        let path = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        #expect(try JobStateStore(path: path).appliedMigrations() == JobStateStore.migrations)
        #expect(JobStateStore.migrations == ["v1"])
        let recorded = try DatabaseQueue(path: path).read {
            try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(recorded == ["v1"])
        // Opening again migrates nothing and keeps the file in WAL mode.
        #expect(try JobStateStore(path: path).appliedMigrations() == ["v1"])
        let mode = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aFileOfANewerSluiceIsRefused() throws {
        let path = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        _ = try JobStateStore(path: path)
        try DatabaseQueue(path: path).write {
            try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-from-the-future')")
        }
        #expect {
            try JobStateStore(path: path)
        } throws: { error in
            guard let error = error as? JobStateStoreError else { return false }
            return error.path == path && error.operation == "migrate" && error.message.contains("v2-from-the-future")
        }
    }

    @Test func storeErrorsNameTheFileTheOperationAndTheReason() throws {
        let path = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        let store = try JobStateStore(path: path)
        let missing = JobRun(
            runId: "jr_missing",
            taskToken: "t",
            activityArn: "a",
            workerName: "w",
            job: nil,
            input: ""
        )
        #expect {
            try store.update(missing)
        } throws: { error in
            error as? JobStateStoreError
                == JobStateStoreError(path: path, operation: "update run jr_missing", message: "no such run")
        }
        try store.insert(missing)
        #expect {
            try store.insert(missing)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(path + ": insert run jr_missing: ") && text.contains("UNIQUE constraint failed")
        }
    }
}
