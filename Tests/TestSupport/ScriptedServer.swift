import Foundation

/// A scripted HTTP server on 127.0.0.1 (Python's http.server, started per test). Each route `"METHOD /path"`
/// answers its responses in order, repeating the last. Requests are recorded in a JSON file. The server stops
/// when the test closes its stdin, or by itself after `lifetime` seconds.
public final class ScriptedServer: @unchecked Sendable {
    /// One scripted answer.
    public struct Response: Sendable {
        /// The HTTP status.
        public var status: Int
        /// The body, sent as UTF-8.
        public var body: String
        /// Extra response headers.
        public var headers: [String: String]
        /// Close the connection without answering (a network error for the client).
        public var drop: Bool
        /// Seconds to wait before answering.
        public var delay: Double

        /// Creates a response.
        public init(
            status: Int,
            body: String = "",
            headers: [String: String] = [:],
            drop: Bool = false,
            delay: Double = 0
        ) {
            self.status = status
            self.body = body
            self.headers = headers
            self.drop = drop
            self.delay = delay
        }
    }

    /// One request the server received.
    public struct RecordedRequest: Decodable, Sendable {
        /// The HTTP method.
        public var method: String
        /// The request target (path and query).
        public var path: String
        /// The headers, names lower-cased.
        public var headers: [String: String]
        /// The body, decoded as UTF-8.
        public var body: String
    }

    /// The port it listens on.
    public let port: Int
    private let process: Process
    private let stdin: Pipe
    private let logURL: URL

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server (blocking until it reports its port).
    public init(routes: [String: [Response]], lifetime: Int = 600) throws {
        let directory = try Paths.temporaryDirectory("sfn-server")
        logURL = directory.appendingPathComponent("requests.json")
        var plan: [String: Any] = ["lifetime": lifetime, "log": logURL.path]
        plan["routes"] = routes.mapValues { responses in
            responses.map {
                ["status": $0.status, "body": $0.body, "headers": $0.headers, "drop": $0.drop, "delay": $0.delay]
            }
        }
        let planData = try JSONSerialization.data(withJSONObject: plan)
        (process, stdin, port) = try Self.launch(
            Python.executable,
            ["-c", Self.script, String(decoding: planData, as: UTF8.self)]
        )
    }

    /// The requests received so far, in order.
    public func requests() throws -> [RecordedRequest] {
        guard let data = try? Data(contentsOf: logURL) else { return [] }
        return try JSONDecoder().decode([RecordedRequest].self, from: data)
    }

    /// Stops the server and waits for it to exit.
    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Starts `program`, whose first stdout line is the port it listens on.
    public static func launch(
        _ program: String,
        _ arguments: [String],
        environment: [String: String] = [:]
    ) throws -> (Process, Pipe, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = ProcessLaunch.pipe()
        let stdout = ProcessLaunch.pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        var line = Data()
        let handle = stdout.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw ServerError(
                message: "\(program) did not report a port (got '\(String(decoding: line, as: UTF8.self))')"
            )
        }
        return (process, stdin, port)
    }

    /// The server could not be started.
    public struct ServerError: Error, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    static let script = #"""
        import http.server, json, sys, threading, os, time
        plan = json.loads(sys.argv[1])
        routes = plan["routes"]
        counters, log, lock = {}, [], threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                key = f"{self.command} {self.path}"
                with lock:
                    log.append({"method": self.command, "path": self.path,
                                "headers": {k.lower(): v for k, v in self.headers.items()},
                                "body": body.decode("utf-8", "replace")})
                    with open(plan["log"] + ".tmp", "w") as f:
                        json.dump(log, f)
                    os.replace(plan["log"] + ".tmp", plan["log"])
                    responses = routes.get(key) or routes.get("* " + self.path) or routes.get("*")
                    if responses is None:
                        response = {"status": 404, "body": "", "headers": {}, "drop": False, "delay": 0}
                    else:
                        index = counters.get(key, 0)
                        counters[key] = index + 1
                        response = responses[min(index, len(responses) - 1)]
                if response["delay"]:
                    time.sleep(response["delay"])
                if response["drop"]:
                    self.close_connection = True
                    self.connection.close()
                    return
                data = response["body"].encode()
                self.send_response(response["status"])
                for name, value in response["headers"].items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any
            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        print(server.server_address[1], flush=True)
        def watch_stdin():
            sys.stdin.read()
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
        timer = threading.Timer(plan["lifetime"], lambda: os._exit(0))
        timer.daemon = True
        timer.start()
        server.serve_forever()
        """#
}

/// Runs blocking work (process start-up, waiting for a port) on a Dispatch thread, so the few threads of Swift's
/// cooperative pool stay free for the client's own timers and deadlines while tests run in parallel.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

extension ScriptedServer {
    /// Starts a server without blocking the cooperative pool.
    public static func start(routes: [String: [Response]], lifetime: Int = 600) async throws -> ScriptedServer {
        try await offPool { try ScriptedServer(routes: routes, lifetime: lifetime) }
    }
}

/// A 127.0.0.1 port with nothing listening (bound, then released).
public func closedLoopbackPort() async throws -> Int {
    try await offPool { try closedLoopbackPortBlocking() }
}

private func closedLoopbackPortBlocking() throws -> Int {
    let output = try Python.run(
        """
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
        s.close()
        """
    )
    return Int(output.trimmingCharacters(in: .whitespacesAndNewlines))!
}
