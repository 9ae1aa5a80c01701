import Foundation
import Synchronization
import TestSupport

/// A background process for tests: output captured to files, signals, bounded waits. Killed on deinit.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL

    /// Starts `program` with `arguments` in `directory`; `environment` entries replace inherited ones.
    init(
        _ program: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        removing removed: [String] = [],
        directory: URL? = nil,
        logDirectory: URL
    ) throws {
        let label = URL(fileURLWithPath: program).lastPathComponent + "-" + UUID().uuidString.prefix(8)
        stdoutURL = logDirectory.appendingPathComponent("\(label).out")
        stderrURL = logDirectory.appendingPathComponent("\(label).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for name in removed { variables.removeValue(forKey: name) }
        process.environment = variables
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        _ = Self.exitHook
        try ProcessLaunch.run(process)
        Self.live.withLock { _ = $0.insert(process.processIdentifier) }
    }

    /// Children still running when the test process exits are killed, so none outlives the tests.
    private static let live = Mutex<Set<Int32>>([])
    private static let exitHook: Void = {
        atexit {
            for pid in ChildProcess.live.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }()

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        Self.live.withLock { _ = $0.remove(process.processIdentifier) }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits up to `seconds` for the exit; the exit status, or `nil` when it is still running.
    @discardableResult
    func wait(seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Whether the process ended by a signal (a crash) rather than exiting.
    var endedBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Waits up to `seconds` until `condition` holds on standard error.
    func waitForStderr(seconds: Double, _ condition: (String) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(stderr) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(stderr)
    }

    /// Kills the process and waits for it.
    func stop() async {
        if process.isRunning { signal(SIGKILL) }
        await wait(seconds: 10)
    }
}

/// Polls `condition` every 100 ms until it holds, for up to `seconds`. The default is generous on purpose: the
/// worker suites run in one process with every other suite, whose synchronous peers (Python, the CLI) can hold
/// both threads of a 2-core machine's concurrency pool for a minute or more. It returns as soon as the condition
/// holds, so a passing test does not wait; it is never used to prove that something did not happen.
func eventually(seconds: Double = 240, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
