import Foundation

/// A test peer process serving on 127.0.0.1 (moto, the fault proxy): it prints `READY <port>` on stdout once it
/// listens; its standard error goes to a log file. Its stdin is a pipe this process holds open, and the peer exits
/// when it reaches end of file, so it never outlives the test process, however that ends. ``stop()`` (or deinit)
/// kills it at once.
public final class LoopbackServerProcess: @unchecked Sendable {
    /// The port it reported.
    public let port: Int
    /// The process.
    public let process: Process
    /// The lines it printed before `READY <port>` (e.g. `CREDENTIALS <key id> <secret>`).
    public let announcements: [String]
    /// Where its standard error goes.
    public let stderrURL: URL
    private let stdin: Pipe

    /// Starts `program` and blocks until it reports its port. Throws ``ScriptedServer/ServerError`` with its
    /// standard error when it exits first.
    public init(
        _ program: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        removing removed: [String] = [],
        label: String
    ) throws {
        let directory = try Paths.temporaryDirectory(label)
        stderrURL = directory.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for name in removed { variables.removeValue(forKey: name) }
        process.environment = variables
        stdin = ProcessLaunch.pipe()
        let stdout = ProcessLaunch.pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try ProcessLaunch.run(process)
        let handle = stdout.fileHandleForReading
        var reported: Int?
        var lines: [String] = []
        var ended = false
        while reported == nil, !ended {
            var line = Data()
            while true {
                let byte = handle.readData(ofLength: 1)
                if byte.isEmpty { ended = true }
                if byte.isEmpty || byte == Data([0x0a]) { break }
                line.append(byte)
            }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) {
                reported = port
            } else if !text.isEmpty {
                lines.append(text)
            }
        }
        guard let reported else {
            process.waitUntilExit()
            let log = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw ScriptedServer.ServerError(message: "\(label) did not start: \(log.suffix(2000))")
        }
        port = reported
        announcements = lines
        // Keep draining stdout so a chatty peer never blocks on a full pipe.
        handle.readabilityHandler = { handle in _ = handle.availableData }
    }

    /// Its standard error so far.
    public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Kills it and waits for it to exit.
    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
