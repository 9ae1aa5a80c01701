import Foundation
import TestSupport

/// moto's server on a free 127.0.0.1 port, started per test; stops when the test closes its stdin or after
/// `lifetime` seconds.
final class MotoServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let stdin: Pipe

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// `environment` is added to moto's, e.g. `INITIAL_NO_AUTH_ACTION_COUNT`.
    init(environment: [String: String] = [:], lifetime: Int = 300) throws {
        let script = #"""
            import os, socket, sys, threading
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            sock.close()
            def watch_stdin():
                sys.stdin.read()
                os._exit(0)
            threading.Thread(target=watch_stdin, daemon=True).start()
            timer = threading.Timer(float(sys.argv[1]), lambda: os._exit(0))
            timer.daemon = True
            timer.start()
            print(port, flush=True)
            from moto.server import main
            main(["-H", "127.0.0.1", "-p", str(port)])
            """#
        (process, stdin, port) = try ScriptedServer.launch(
            Python.executable,
            ["-c", script, String(lifetime)],
            environment: environment
        )
        try waitUntilListening()
    }

    private func waitUntilListening() throws {
        try Python.run(
            """
            import socket, sys, time
            deadline = time.time() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
                    break
                except OSError:
                    if time.time() > deadline:
                        sys.exit("moto did not start")
                    time.sleep(0.1)
            """,
            [String(port)]
        )
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}

extension MotoServer {
    /// Starts moto and waits until it listens, without blocking the cooperative pool.
    static func start(environment: [String: String] = [:], lifetime: Int = 300) async throws -> MotoServer {
        try await offPool { try MotoServer(environment: environment, lifetime: lifetime) }
    }
}
