import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Runner

/// The worker's HTTP endpoint for its platform (`sluice worker --http-port`): `GET /healthz` (liveness),
/// `GET /readyz` (readiness), both 200 or 503 with `{"status": …, "reason": …}`, and `GET /metrics` in the
/// Prometheus text format. Served by SwiftNIO's HTTP/1 server pipeline on the shared event loop group.
final class WorkerHTTPServer: Sendable {
    private let channel: any Channel
    /// The port it listens on (the one chosen when 0 was asked for).
    let port: Int

    /// Binds `host:port` and serves until ``close()``.
    init(
        host: String,
        port: Int,
        worker: ActivityWorker,
        registry: PrometheusCollectorRegistry,
        pollFailureThreshold: Duration
    ) async throws {
        let routes = Routes(worker: worker, registry: registry, threshold: pollFailureThreshold)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(routes: routes))
                }
            }
            .bind(host: host, port: port)
            .get()
        self.port = channel.localAddress?.port ?? port
    }

    /// Stops listening.
    func close() async {
        try? await channel.close()
    }

    /// What each path answers.
    struct Routes: Sendable {
        let worker: ActivityWorker
        let registry: PrometheusCollectorRegistry
        let threshold: Duration

        func answer(method: HTTPMethod, uri: String) -> (HTTPResponseStatus, String, [UInt8]) {
            let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
            guard method == .GET || method == .HEAD else {
                return (.methodNotAllowed, "text/plain", Array("only GET\n".utf8))
            }
            switch path {
            case "/healthz", "/readyz":
                let snapshot = worker.healthSnapshot()
                let health =
                    path == "/healthz"
                    ? WorkerHealth.liveness(snapshot, threshold: threshold)
                    : WorkerHealth.readiness(snapshot, threshold: threshold)
                var body: [String: String] = ["status": health.isHealthy ? "ok" : "unavailable"]
                if let reason = health.reason { body["reason"] = reason }
                let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
                return (health.isHealthy ? .ok : .serviceUnavailable, "application/json", Array(data) + [0x0A])
            case "/metrics":
                return (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer())
            default:
                return (.notFound, "text/plain", Array("not found: \(path)\n".utf8))
            }
        }
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let routes: Routes
        private var head: HTTPRequestHead?

        init(routes: Routes) { self.routes = routes }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let request):
                head = request
            case .body:
                break
            case .end:
                guard let request = head else { return }
                let (status, type, body) = routes.answer(method: request.method, uri: request.uri)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: type)
                headers.add(name: "Content-Length", value: "\(body.count)")
                let keepAlive = request.isKeepAlive
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                context.write(
                    wrapOutboundOut(
                        .head(HTTPResponseHead(version: request.version, status: status, headers: headers))
                    ),
                    promise: nil
                )
                if request.method != .HEAD {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
                }
                let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive {
                    let channel = context.channel
                    done.whenComplete { _ in channel.close(promise: nil) }
                }
            }
        }
    }
}
