import Foundation
import TestSupport

/// Another process holding an SQLite database's write lock (`BEGIN IMMEDIATE` in Python's sqlite3) until
/// ``release()``: the "store locked" case of a health check, made by a real peer.
final class SQLiteLockHolder: Sendable {
    private let process: ChildProcess
    private let held: String
    private let go: String

    /// Starts the holder on `database`; ``waitUntilHeld()`` returns once it holds the lock.
    init(database: String, directory: URL) throws {
        let label = UUID().uuidString.prefix(8)
        held = directory.appendingPathComponent("lock-held-\(label)").path
        go = directory.appendingPathComponent("lock-release-\(label)").path
        let script = """
            import os, sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            open(sys.argv[2], "w").close()
            while not os.path.exists(sys.argv[3]):
                time.sleep(0.02)
            c.execute("ROLLBACK")
            """
        process = try ChildProcess(Python.executable, ["-c", script, database, held, go], logDirectory: directory)
    }

    /// Whether it holds the lock, within `seconds`.
    func waitUntilHeld(seconds: Double = 120) async -> Bool {
        await eventually(seconds: seconds) { FileManager.default.fileExists(atPath: held) || !process.isRunning }
            && FileManager.default.fileExists(atPath: held)
    }

    /// Releases the lock; the exit status, or `nil` if it did not exit within a minute.
    func release() async -> Int32? {
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        return await process.wait(seconds: 60)
    }

    /// What it printed on standard error.
    var stderr: String { process.stderr }
}
