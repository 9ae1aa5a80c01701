import Foundation

/// Runs the Python test peers (pyarrow, DuckDB, Polars, moto) from the venv that `Tests/run-all` creates.
public enum Python {
    /// The interpreter: `$SLUICE_PYTHON`, else `.venv/bin/python` in the package root.
    public static var executable: String {
        if let path = ProcessInfo.processInfo.environment["SLUICE_PYTHON"], !path.isEmpty { return path }
        return Paths.packageRoot.appendingPathComponent(".venv/bin/python").path
    }

    /// The result of a finished process.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A Python script that failed.
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int32
        public var stderr: String
        public var description: String { "python exited with \(status): \(stderr)" }

        /// A failure with `status` and what the script said.
        public init(status: Int32, stderr: String) {
            self.status = status
            self.stderr = stderr
        }
    }

    /// Runs `code` with `arguments` (available as `sys.argv[1...]`) and returns its standard output.
    /// Throws ``Failure`` on a non-zero exit.
    @discardableResult
    public static func run(
        _ code: String,
        _ arguments: [String] = [],
        environment: [String: String] = [:]
    ) throws
        -> String
    {
        let output = try Subprocess.run(executable, ["-c", code] + arguments, environment: environment)
        guard output.status == 0 else { throw Failure(status: output.status, stderr: output.stderr) }
        return output.stdout
    }
}

/// Runs a program to completion, capturing its output.
public enum Subprocess {
    /// Runs `program` with `arguments`; `environment` entries are added to this process's environment.
    public static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        currentDirectory: URL? = nil
    ) throws -> Python.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let out = ProcessLaunch.pipe()
        let err = ProcessLaunch.pipe()
        process.standardOutput = out
        process.standardError = err
        try ProcessLaunch.run(process)
        // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Python.Output(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

/// Well-known paths for tests.
public enum Paths {
    /// The package root (the folder holding `Package.swift`).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/TestSupport/Python.swift -> package root
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The sample CSVs shipped in `samples/`.
    public static func sample(_ name: String) -> URL {
        packageRoot.appendingPathComponent("samples").appendingPathComponent(name)
    }

    /// A new empty temporary directory, unique to the caller.
    public static func temporaryDirectory(_ label: String = "sluice-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The built `sluice` executable, for tests that run the command line.
public enum SluiceBinary {
    /// `$SLUICE_BIN`, else `sluice` beside the test bundle (the build's products directory).
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["SLUICE_BIN"], !path.isEmpty { return path }
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var directory = argv0.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("sluice"))
            directory.deleteLastPathComponent()
        }
        candidates.append(Paths.packageRoot.appendingPathComponent(".build/debug/sluice"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return candidates.last!.path
    }

    /// Runs `sluice` with `arguments` in `directory` (default: the package root).
    public static func run(
        _ arguments: [String],
        in directory: URL = Paths.packageRoot,
        environment: [String: String] = [:]
    ) throws -> Python.Output {
        try Subprocess.run(path, arguments, environment: environment, currentDirectory: directory)
    }
}
