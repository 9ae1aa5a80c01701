import Foundation
import StepFunctions
import Synchronization
import TestSupport

/// One end-to-end scenario: a moto launcher, a work directory (the worker's working directory, with `samples/`
/// as the landing directory) and `sluice` processes run against them.
final class FlowHarness: @unchecked Sendable {
    let moto: MotoServer
    let client: StepFunctionsClient
    let work: URL
    var processes: [ChildProcess] = []

    static let repositoryJobs = Paths.packageRoot.appendingPathComponent("jobs").path

    init(pollSeconds: Double = 2, auth: Bool = false, alsoOn: String? = nil) async throws {
        guard FileManager.default.isExecutableFile(atPath: Fixtures.sluice) else {
            throw Failure(
                message: "no sluice binary at \(Fixtures.sluice): these tests run the built CLI; build it too "
                    + "(SLUICE_ONLY=Runner,sluice swift test …, or without SLUICE_ONLY), or set SLUICE_BINARY"
            )
        }
        moto = try await MotoServer(pollSeconds: pollSeconds, auth: auth, alsoOn: alsoOn)
        client = moto.client()
        work = try Paths.temporaryDirectory("sluice-flow")
        try FileManager.default.createDirectory(
            at: work.appendingPathComponent("samples"),
            withIntermediateDirectories: true
        )
    }

    var statePath: String { work.appendingPathComponent("output/sluice.sqlite").path }
    func path(_ relative: String) -> String { work.appendingPathComponent(relative).path }

    /// Starts `sluice` with `arguments` in the work directory, pointed at the launcher; `prefix` (such as
    /// `ip netns exec NAME`) runs it through another program.
    func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        prefix: [String] = []
    ) throws -> ChildProcess {
        let command = prefix + [Fixtures.sluice] + arguments
        let process = try ChildProcess(
            command[0],
            Array(command.dropFirst()),
            environment: moto.environment().merging(environment) { $1 },
            removing: MotoServer.removedVariables,
            directory: work,
            logDirectory: work
        )
        processes.append(process)
        return process
    }

    /// Starts `sluice worker` on `activityArn` with the repository's jobs and the work directory's state.
    func startWorker(
        _ activityArn: String,
        heartbeat: Double = 1,
        grace: Double = 10,
        extra: [String] = [],
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        try start(
            [
                "worker", "--activity-arn", activityArn, "--jobs", Self.repositoryJobs, "--state", statePath,
                "--worker-name", "test-worker", "--heartbeat", "\(heartbeat)", "--grace", "\(grace)",
                "--concurrency", "2",
            ] + extra,
            environment: environment
        )
    }

    /// Runs `sluice` to completion (bounded by `seconds`).
    func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        seconds: Double = 120
    ) async throws
        -> (status: Int32?, stdout: String, stderr: String)
    {
        let process = try start(arguments, environment: environment)
        let status = await process.wait(seconds: seconds)
        if status == nil { await process.stop() }
        return (status, process.stdout, process.stderr)
    }

    /// Copies a sample into the landing directory (optionally through `transform`); returns its path.
    @discardableResult
    func land(_ sample: String, transform: ((String) -> String)? = nil) throws -> String {
        let target = work.appendingPathComponent("samples").appendingPathComponent(sample)
        var text = try String(contentsOf: Paths.sample(sample), encoding: .utf8)
        if let transform { text = transform(text) }
        // Written beside, then renamed into place, as an upload would complete.
        let partial = target.appendingPathExtension("part")
        try Data(text.utf8).write(to: partial)
        guard rename(partial.path, target.path) == 0 else { throw Failure(message: "rename to \(target.path) failed") }
        return target.path
    }

    /// Creates a one-state machine whose only Task runs on `activityArn`.
    func singleTaskMachine(
        _ name: String,
        activityArn: String,
        heartbeatSeconds: Int? = nil,
        before: String? = nil
    ) async throws -> String {
        var task: [String: Any] = ["Type": "Task", "Resource": activityArn, "End": true]
        if let heartbeatSeconds {
            task["HeartbeatSeconds"] = heartbeatSeconds
            task["TimeoutSeconds"] = 300
        }
        task["Catch"] = [["ErrorEquals": ["GlueJobFailedError"], "Next": "Fallback"]]
        task.removeValue(forKey: "End")
        task["End"] = true
        var states: [String: Any] = [
            "Run Job": task,
            "Fallback": ["Type": "Pass", "Result": "fallback", "End": true],
        ]
        var start = "Run Job"
        if let before {
            states["Prep"] = ["Type": "Pass", "Result": before, "Next": "Run Job"]
            start = "Prep"
        }
        let definition = try JSONSerialization.data(withJSONObject: ["StartAt": start, "States": states])
        return try await client.createStateMachine(
            name: name,
            definition: String(decoding: definition, as: UTF8.self),
            roleArn: "arn:aws:iam::123456789012:role/StateExecutionRole"
        )
    }

    /// The runs recorded in the work directory's state.
    func runs() throws -> [[String: Any]] {
        let result = try Subprocess.run(Fixtures.sluice, ["jobs", "--state", statePath, "--json"])
        guard result.status == 0 else { throw Failure(message: "sluice jobs failed: \(result.stderr)") }
        return try result.stdout.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    private let shutDown = Mutex(false)

    /// Stops every process, the client and the launcher, and removes the work directory (once).
    func shutdown() async {
        guard
            shutDown.withLock({ done in
                defer { done = true }
                return !done
            })
        else { return }
        for process in processes { await process.stop() }
        try? await client.shutdown()
        await moto.stop()
        try? FileManager.default.removeItem(at: work)
        try? FileManager.default.removeItem(at: moto.directory)
    }
}

/// Feeds a file into a named pipe from a thread of its own: it waits (up to a minute) for a reader, then writes
/// `chunks` pieces `pause` seconds apart. Lets a real job run as long as a test needs.
final class PipeFeeder: Sendable {
    let path: String
    private let done = Mutex(false)

    init(path: String) throws {
        self.path = path
        guard mkfifo(path, 0o600) == 0 else { throw FlowHarness.Failure(message: "mkfifo \(path) failed") }
    }

    var isDone: Bool { done.withLock { $0 } }

    func feed(_ data: Data, chunks: Int, pause: Double) {
        Thread.detachNewThread { [self] in
            let deadline = Date().addingTimeInterval(60)
            var fd: Int32 = -1
            while fd < 0, Date() < deadline {
                fd = open(path, O_WRONLY | O_NONBLOCK)
                if fd < 0 { usleep(50_000) }
            }
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            let size = (data.count + chunks - 1) / max(1, chunks)
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + size)
                data[offset..<end].withUnsafeBytes { buffer in
                    var written = 0
                    while written < buffer.count {
                        let result = write(fd, buffer.baseAddress! + written, buffer.count - written)
                        if result <= 0 { return }
                        written += result
                    }
                }
                offset = end
                if offset < data.count { usleep(useconds_t(pause * 1_000_000)) }
            }
            close(fd)
            done.withLock { $0 = true }
        }
    }
}

/// Parses a JSON object.
func jsonObject(_ text: String?) throws -> [String: Any] {
    guard let text, let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw FlowHarness.Failure(message: "not a JSON object: \(text ?? "nil")")
    }
    return object
}

/// An execution output that is a JSON string, without its quotes (moto's DescribeExecution drops them).
func unquoted(_ text: String?) -> String? {
    guard let text else { return nil }
    if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
    return text
}
