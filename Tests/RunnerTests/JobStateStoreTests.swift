import Foundation
import Runner
import TestSupport
import Testing

@Suite(.tags(.pythonPeers), .needsPythonPeers) struct JobStateStoreTests {
    @Test func runsRoundTripAndTheFileIsWALSQLite() throws {
        let directory = try Paths.temporaryDirectory("sluice-state")
        let path = directory.appendingPathComponent("nested/dir/sluice.sqlite").path
        let store = try JobStateStore(path: path)
        var first = JobRun(
            taskToken: "token-1",
            activityArn: "arn:aws:states:us-east-1:123456789012:activity:GlueRunnerActivity",
            workerName: "w1",
            job: "ProcessSalesData",
            input: #"{"GlueJobName": "ProcessSalesData"}"#,
            startedAt: Date(timeIntervalSince1970: 1_700_000_000)
        )
        try store.insert(first)
        let second = JobRun(
            taskToken: "token-2",
            activityArn: "arn:aws:states:us-east-1:123456789012:activity:Other",
            workerName: "w1",
            job: nil,
            input: "not json",
            startedAt: Date(timeIntervalSince1970: 1_700_000_001)
        )
        try store.insert(second)
        #expect(try store.runs().map(\.runId) == [first.runId, second.runId])
        #expect(try store.runs(state: .running, activityArn: first.activityArn) == [first])

        first.state = .succeeded
        first.completedAt = Date(timeIntervalSince1970: 1_700_000_002.5)
        first.rowsRead = 20994
        first.rowsWritten = 1802
        first.rowsRejected = 0
        first.output = "/x/output/psd"
        first.attempts = 2
        try store.update(first)
        try store.recordHeartbeat(runId: first.runId, at: Date(timeIntervalSince1970: 1_700_000_002))
        first.heartbeatAt = Date(timeIntervalSince1970: 1_700_000_002)
        #expect(try store.run(id: first.runId) == first)
        #expect(try store.runs(state: .running).map(\.runId) == [second.runId])

        // Another reader (Python's sqlite3) sees the same rows, in WAL mode.
        let seen = try Python.run(
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(db.execute('PRAGMA journal_mode').fetchone()[0])
            for row in db.execute('SELECT run_id, task_token, job, state, rows_written, attempts, completed_at FROM runs ORDER BY started_at'):
                print('|'.join(str(v) for v in row))
            """,
            [path]
        )
        #expect(
            seen.split(separator: "\n").map(String.init) == [
                "wal",
                "\(first.runId)|token-1|ProcessSalesData|SUCCEEDED|1802|2|2023-11-14T22:13:22.500Z",
                "\(second.runId)|token-2|None|RUNNING|None|1|None",
            ]
        )
    }

    @Test func reopeningKeepsTheRuns() throws {
        let path = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        // Times are stored to the millisecond.
        let run = JobRun(
            taskToken: "t",
            activityArn: "a",
            workerName: "w",
            job: "psd",
            input: "{}",
            startedAt: Date(timeIntervalSince1970: 1_700_000_000.125)
        )
        try JobStateStore(path: path).insert(run)
        #expect(try JobStateStore(path: path).runs() == [run])
    }

    @Test func updatingAnUnknownRunFails() throws {
        let path = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        let store = try JobStateStore(path: path)
        #expect(throws: JobStateStoreError.self) {
            try store.update(JobRun(taskToken: "t", activityArn: "a", workerName: "w", job: nil, input: ""))
        }
    }

    @Test func anUnusablePathIsAClearError() throws {
        let directory = try Paths.temporaryDirectory("sluice-state")
        let file = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        // A path below a regular file cannot be created.
        let path = file.appendingPathComponent("state.sqlite").path
        #expect {
            try JobStateStore(path: path)
        } throws: { error in
            "\(error)".hasPrefix(path + ": ")
        }
        // A file that is not a database.
        let garbage = directory.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: garbage)
        #expect {
            try JobStateStore(path: garbage.path)
        } throws: { error in
            "\(error)".contains(garbage.path) && "\(error)".contains("not a database")
        }
    }

    @Test func listingShowsEveryRun() throws {
        var run = JobRun(
            runId: "jr_abc",
            taskToken: "t",
            activityArn: "a",
            workerName: "w",
            job: "psd",
            input: "{}",
            startedAt: Date(timeIntervalSince1970: 1_700_000_000)
        )
        run.state = .failed
        run.completedAt = Date(timeIntervalSince1970: 1_700_000_001.5)
        run.error = "worker restarted: the task is no longer open"
        let table = RunListing.table([run])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("RUN ID"))
        #expect(lines[1].hasPrefix("jr_abc"))
        for cell in ["FAILED", "psd", "2023-11-14T22:13:20.000Z", "1.5", "worker restarted"] {
            #expect(lines[1].contains(cell))
        }
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(RunListing.json(run).utf8)) as? [String: Any]
        )
        #expect(json["state"] as? String == "FAILED")
        #expect(json["error"] as? String == "worker restarted: the task is no longer open")
        #expect(RunListing.table([]).contains("(no runs)"))
    }

    @Test func oneWorkerAtATimePerStateFile() throws {
        let path = try Paths.temporaryDirectory("sluice-state").appendingPathComponent("s.sqlite").path
        let store = try JobStateStore(path: path)
        var lock: JobStateLock? = try store.lockForWorker()
        #expect(lock?.path == path + ".lock")
        #expect {
            try JobStateStore(path: path).lockForWorker()
        } throws: { error in
            "\(error)".contains("another worker is using this job state")
        }
        lock = nil
        #expect(throws: Never.self) { _ = try store.lockForWorker() }
    }

    /// Another process in a write transaction (`BEGIN IMMEDIATE`, held by Python's sqlite3) makes the state
    /// unwritable: the health probe never waits for it, reports it once it has been held a second, and clears as
    /// soon as it is released.
    @Test func aWriteLockHeldByAnotherProcessIsReportedAndClearsOnRelease() async throws {
        let directory = try Paths.temporaryDirectory("sluice-state")
        let path = directory.appendingPathComponent("s.sqlite").path
        let store = try JobStateStore(path: path)
        let start = ContinuousClock.now
        #expect(store.writeProblem(now: start) == nil)
        let holder = try SQLiteLockHolder(database: path, directory: directory)
        #expect(await holder.waitUntilHeld(), "\(holder.stderr)")

        // Past the 250 ms for which the verdict at `start` is kept.
        let probing = ContinuousClock.now + .seconds(1)
        #expect(store.writeProblem(now: probing) == nil, "one busy probe only starts the watch")
        #expect(store.writeProblem(now: probing + .milliseconds(100)) == nil, "the verdict is kept for 250 ms")
        let locked = store.writeProblem(now: probing + .milliseconds(2_500))
        #expect(locked == "\(path) is locked by another connection for 2 s (database is locked (SQLite error 5))")
        #expect(store.writeProblem(now: probing + .milliseconds(2_600)) == locked)

        #expect(await holder.release() == 0, "\(holder.stderr)")
        #expect(store.writeProblem(now: probing + .seconds(3)) == nil, "released: writable again")
        #expect(throws: Never.self) { try store.recordHeartbeat(runId: "none") }
    }
}
