import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The Prometheus text endpoint on its own port: `GET /metrics` answers the registry in the
/// text exposition format; anything else is 404. Plain HTTP/1.1; keep it on loopback or a
/// monitoring network (it shows call counts, never records or identities).
struct MetricsServer: Service {
  let host: String
  let port: Int
  let registry: PrometheusCollectorRegistry
  let logger: Logger

  func run() async throws {
    let registry = self.registry
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(MetricsHandler(registry: registry))
        }
      }
      .bind(host: host, port: port).get()
    let bound = channel.localAddress?.port ?? port
    logger.info("metrics on http://\(host):\(bound)/metrics", metadata: ["metrics_port": "\(bound)"])
    try await withGracefulShutdownHandler {
      try await channel.closeFuture.get()
    } onGracefulShutdown: {
      channel.close(promise: nil)
    }
  }
}

/// Answers one HTTP request at a time on a connection.
private final class MetricsHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let registry: PrometheusCollectorRegistry

  init(registry: PrometheusCollectorRegistry) {
    self.registry = registry
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .head(let head) = unwrapInboundIn(data) else { return }
    var body: [UInt8] = []
    let status: HTTPResponseStatus
    var contentType = "text/plain; charset=utf-8"
    if head.method == .GET, head.uri == "/metrics" || head.uri.hasPrefix("/metrics?") {
      registry.emit(into: &body)
      status = .ok
      contentType = "text/plain; version=0.0.4; charset=utf-8"
    } else {
      body = Array("not found: the metrics are at GET /metrics\n".utf8)
      status = .notFound
    }
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: contentType)
    headers.add(name: "Content-Length", value: "\(body.count)")
    headers.add(name: "Connection", value: "close")
    context.write(
      wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
    context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
  }
}
