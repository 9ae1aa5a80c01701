import Foundation

/// The test-only fault proxy `Tests/S3Tests/Fixtures/fault_proxy.py` in front of an HTTP server (moto), on a
/// free 127.0.0.1 port; see ``LoopbackServerProcess`` for how its lifetime is bounded. It forwards requests
/// unchanged and injects faults on a seeded random share of them (`rate`) or on scripted ones, and logs every
/// request with the body bytes it actually sent.
///
///     let proxy = try await FaultProxy.start(upstream: moto.endpoint, rate: 0.1, seed: 42)
///     let environment = moto.clientEnvironment(endpoint: proxy.endpoint)
///     try proxy.script([.init(fault: .cut, method: "GET", path: "/data/big.bin", after: 1000)])
///     let log = try proxy.requests()                           // what the client sent, what it got
public final class FaultProxy: Sendable {
    /// The faults the proxy knows (see the script's documentation).
    public enum Fault: String, Codable, Sendable, CaseIterable {
        /// 503 `SlowDown`, not forwarded.
        case slowdown
        /// 500 `InternalError`, not forwarded.
        case error500
        /// 502 with an empty body, not forwarded.
        case error502
        /// The connection closed without an answer, not forwarded.
        case reset
        /// Forwarded; the answer's body cut after `after` bytes (random when unset), then the connection closed.
        /// An answer without a body: forwarded, then closed without an answer.
        case cut
        /// Forwarded; the answer held `delay` seconds.
        case slow
        /// The request held `delay` seconds, then forwarded and answered normally.
        case hold
    }

    /// A scripted fault: applies to the first `times` requests matching `method` and `path` (a substring of the
    /// request target) or `pathRegex`, after skipping `skip` of them.
    public struct Rule: Encodable, Sendable {
        public var fault: Fault
        public var method: String?
        public var path: String?
        public var pathRegex: String?
        public var after: Int?
        public var delay: Double?
        public var times: Int
        public var skip: Int

        /// Creates a rule.
        public init(
            fault: Fault,
            method: String? = nil,
            path: String? = nil,
            pathRegex: String? = nil,
            after: Int? = nil,
            delay: Double? = nil,
            times: Int = 1,
            skip: Int = 0
        ) {
            self.fault = fault
            self.method = method
            self.path = path
            self.pathRegex = pathRegex
            self.after = after
            self.delay = delay
            self.times = times
            self.skip = skip
        }

        enum CodingKeys: String, CodingKey {
            case fault, method, path, after, delay, times, skip
            case pathRegex = "path_regex"
        }
    }

    /// One request the proxy saw.
    public struct LoggedRequest: Decodable, Sendable, Hashable {
        /// Arrival order, from 0.
        public var id: Int
        public var method: String
        /// The request target (path and query).
        public var path: String
        /// The `Range` header, when sent.
        public var range: String?
        /// The `If-Match` header, when sent.
        public var ifMatch: String?
        /// The status answered (upstream's, or the fault's); `nil` when the connection was closed unanswered.
        public var status: Int?
        /// The fault injected, if any.
        public var fault: Fault?
        /// The request body's size.
        public var bytesIn: Int
        /// The answer's body bytes actually written to the client.
        public var bytesSent: Int
        /// The body size upstream answered (0 when not forwarded).
        public var bodyBytes: Int

        enum CodingKeys: String, CodingKey {
            case id, method, path, range, status, fault
            case ifMatch = "if_match"
            case bytesIn = "bytes_in"
            case bytesSent = "bytes_sent"
            case bodyBytes = "body_bytes"
        }
    }

    /// The script's path.
    public static let scriptURL = Paths.packageRoot.appendingPathComponent("Tests/S3Tests/Fixtures/fault_proxy.py")

    /// The process.
    public let server: LoopbackServerProcess
    /// The port it listens on.
    public var port: Int { server.port }
    /// `http://127.0.0.1:<port>`, the endpoint to give the client.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts the proxy in front of `upstream` (blocking until it listens): `rate` of the requests (0...1) get a
    /// fault drawn from `faults` by a generator seeded with `seed`. `log` also appends each request as a JSON line.
    public init(
        upstream: String,
        rate: Double = 0,
        seed: Int? = nil,
        faults: [Fault] = [.slowdown, .error500, .cut],
        log: URL? = nil,
        lifetime: Double = 600
    ) throws {
        var arguments = [
            Self.scriptURL.path, "--upstream", upstream, "--rate", String(rate),
            "--faults", faults.map(\.rawValue).joined(separator: ","), "--ttl", String(lifetime),
        ]
        if let seed { arguments += ["--seed", String(seed)] }
        if let log { arguments += ["--log", log.path] }
        server = try LoopbackServerProcess(Python.executable, arguments, label: "fault-proxy")
    }

    /// Starts the proxy without blocking the cooperative pool.
    public static func start(
        upstream: String,
        rate: Double = 0,
        seed: Int? = nil,
        faults: [Fault] = [.slowdown, .error500, .cut],
        log: URL? = nil,
        lifetime: Double = 600
    ) async throws -> FaultProxy {
        try await offPool {
            try FaultProxy(upstream: upstream, rate: rate, seed: seed, faults: faults, log: log, lifetime: lifetime)
        }
    }

    /// Appends scripted rules (they take precedence over the random rate).
    public func script(_ rules: [Rule]) throws {
        try control("script", body: try JSONEncoder().encode(rules))
    }

    /// Changes the random fault rate, reseeds it, or changes the faults drawn from.
    public func configure(rate: Double? = nil, seed: Int? = nil, faults: [Fault]? = nil) throws {
        var config: [String: Any] = [:]
        if let rate { config["rate"] = rate }
        if let seed { config["seed"] = seed }
        if let faults { config["faults"] = faults.map(\.rawValue) }
        try control("config", body: try JSONSerialization.data(withJSONObject: config))
    }

    /// Clears the log and the script.
    public func reset() throws { try control("reset", body: Data()) }

    /// Every request so far, in arrival order.
    public func requests() throws -> [LoggedRequest] {
        try JSONDecoder().decode([LoggedRequest].self, from: Data(try control("log", body: nil).utf8))
    }

    /// Kills the proxy.
    public func stop() { server.stop() }

    @discardableResult
    private func control(_ name: String, body: Data?) throws -> String {
        try Python.run(
            """
            import sys, urllib.request
            data = None if sys.argv[2] == "-" else sys.argv[2].encode()
            request = urllib.request.Request(sys.argv[1], method="GET" if data is None else "POST", data=data)
            sys.stdout.write(urllib.request.urlopen(request).read().decode())
            """,
            ["\(endpoint)/__proxy/\(name)", body.map { String(decoding: $0, as: UTF8.self) } ?? "-"]
        )
    }
}
