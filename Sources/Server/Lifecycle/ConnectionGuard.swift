import Logging
import Metrics
import NIOCore
import NIOHTTP2
import Synchronization

#if canImport(Glibc)
  /// glibc's `malloc_trim` (malloc.h, which the Glibc module does not export): returns the free
  /// memory at the top of the heap and in whole free pages of every arena to the system.
  @_silgen_name("malloc_trim")
  private func mallocTrim(_ pad: Int) -> Int32
#endif

/// What a peer may hold on the server before it has proved anything, and what any connection
/// may hold at all: the limits an unauthenticated client cannot get round.
struct ConnectionLimits: Sendable, Hashable {
  /// Connections open at once; a connection past it is closed as soon as it is accepted.
  var maxConnections = 512
  /// A new connection must start its first call within this: TLS handshake, HTTP/2 preface
  /// and one request. Closes peers that never speak and half-open handshakes.
  var handshakeTimeout: Duration = .seconds(10)
  /// A connection with no call in flight for this long is closed (first with a GOAWAY; a peer
  /// that does not acknowledge it within `graceTime` is cut off).
  var idleTimeout: Duration = .seconds(300)
  /// A connection older than this is asked to go away (GOAWAY); cut off `graceTime` later.
  var maxAge: Duration = .seconds(3600)
  /// How long a connection asked to go away may take to finish its calls.
  var graceTime: Duration = .seconds(20)
  /// With no data from the peer for this long the server pings it; no answer within
  /// `keepaliveTimeout` closes the connection.
  var keepaliveTime: Duration = .seconds(120)
  var keepaliveTimeout: Duration = .seconds(20)
  /// A connection holding answers its peer does not read (flow control closed, or the socket
  /// not drained) with no progress for this long is closed, and its answers dropped.
  var stallTimeout: Duration = .seconds(10)
  /// Calls in flight on the whole server; a stream past it is reset at once.
  var maxOpenStreams = 2048
  /// Answer bytes waiting for their peers to read them, on the whole server and per
  /// connection; a write past either closes the connection that made it.
  var maxPendingBytes = 32 << 20
  var maxPendingBytesPerConnection = 8 << 20
}

/// Enforces `ConnectionLimits` on the connections and streams the gRPC transport accepts:
/// installed through the transport's accept callbacks, it counts connections, open streams
/// and unread answer bytes, and closes what goes over.
///
/// grpc-swift-nio-transport's own idle, age and keepalive settings are also used (they end
/// a connection politely, with a GOAWAY), but they wait for the peer to acknowledge that
/// GOAWAY, so a peer that never speaks, or never reads, is never closed by them; this guard
/// closes such connections outright.
final class ConnectionGuard: Sendable {
  let limits: ConnectionLimits
  let logger: Logger
  private let connections = Atomic<Int>(0)
  private let streams = Atomic<Int>(0)
  private let pending = Atomic<Int>(0)
  /// When the server began shutting down (`NIODeadline` nanoseconds), or 0.
  private let shutdownStarted = Atomic<Int64>(0)

  init(limits: ConnectionLimits, logger: Logger) {
    self.limits = limits
    self.logger = logger
  }

  /// Connections, streams and unread answer bytes held now.
  var counts: (connections: Int, streams: Int, pendingBytes: Int) {
    (connections.load(ordering: .relaxed), streams.load(ordering: .relaxed), pending.load(ordering: .relaxed))
  }

  /// For the transport's `onAcceptTCPConnection`: counts the connection, refuses it past
  /// `maxConnections`, and watches it.
  func accept(connection channel: any Channel) -> EventLoopFuture<Void> {
    let open = connections.add(1, ordering: .relaxed).newValue
    ConnectionGauge.opened()
    channel.closeFuture.whenComplete { [self] _ in
      connections.subtract(1, ordering: .relaxed)
      ConnectionGauge.closed()
      returnMemorySoon(on: channel.eventLoop)
    }
    guard open <= limits.maxConnections else {
      Self.count("max_connections")
      logger.debug("connection refused: too many open", metadata: ["open": "\(open)", "peer": "\(Self.peer(channel))"])
      channel.close(promise: nil)
      return channel.eventLoop.makeSucceededVoidFuture()
    }
    return channel.eventLoop.makeCompletedFuture {
      try channel.pipeline.syncOperations.addHandler(ConnectionWatch(guard: self), position: .first)
    }
  }

  /// For the transport's `onAcceptHTTP2Stream`: counts the stream against its connection
  /// and the server, resets it past `maxOpenStreams`, and watches its answer bytes.
  func accept(stream channel: any Channel) -> EventLoopFuture<Void> {
    let open = streams.add(1, ordering: .relaxed).newValue
    channel.closeFuture.whenComplete { [self] _ in streams.subtract(1, ordering: .relaxed) }
    guard open <= limits.maxOpenStreams else {
      Self.count("max_streams")
      // Reset once the stream is fully opened: the transport's connection handler learns of
      // a stream after this initializer, and must not hear of its end before its start.
      channel.eventLoop.execute { channel.close(promise: nil) }
      return channel.eventLoop.makeSucceededVoidFuture()
    }
    return channel.eventLoop.makeCompletedFuture {
      guard let parent = channel.parent,
        let watch = try? parent.pipeline.syncOperations.handler(type: ConnectionWatch.self)
      else { return }
      watch.streamOpened()
      channel.closeFuture.whenComplete { _ in watch.streamClosed() }
      try channel.pipeline.syncOperations.addHandler(StreamWatch(connection: watch), position: .first)
    }
  }

  /// The server is shutting down: connections still open `graceTime` from now are cut off
  /// (a peer that does not acknowledge the GOAWAY would otherwise hold the shutdown for ever).
  func beginShutdown() {
    _ = shutdownStarted.compareExchange(
      expected: 0, desired: Int64(NIODeadline.now().uptimeNanoseconds), ordering: .relaxed)
  }

  /// Whether the grace time of a shutdown has run out.
  fileprivate func shutdownGraceOver(at now: NIODeadline) -> Bool {
    let started = shutdownStarted.load(ordering: .relaxed)
    guard started > 0 else { return false }
    return now - NIODeadline.uptimeNanoseconds(UInt64(started)) > TimeAmount(limits.graceTime)
  }

  /// Whether a return of free memory to the system is scheduled.
  private let trimScheduled = Atomic<Bool>(false)

  /// Gives the memory freed by closed connections back to the system, a few seconds after
  /// they close (at most once every five seconds). glibc's allocator keeps freed memory in
  /// its arenas: without this, the memory a flood of connections needed would stay counted
  /// against the server long after they are gone.
  private func returnMemorySoon(on eventLoop: any EventLoop) {
    #if canImport(Glibc)
      guard trimScheduled.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
      eventLoop.scheduleTask(in: .seconds(5)) { [self] in
        trimScheduled.store(false, ordering: .relaxed)
        _ = mallocTrim(0)
      }
    #endif
  }

  /// Adds `bytes` to the server's unread answer bytes; `false` when that passes the limit.
  fileprivate func hold(_ bytes: Int) -> Bool {
    pending.add(bytes, ordering: .relaxed).newValue <= limits.maxPendingBytes
  }

  fileprivate func release(_ bytes: Int) {
    pending.subtract(bytes, ordering: .relaxed)
  }

  fileprivate static func count(_ reason: String) {
    Counter(label: "assure_connections_closed_total", dimensions: [("reason", reason)]).increment()
  }

  fileprivate static func peer(_ channel: any Channel) -> String {
    channel.remoteAddress.map { "\($0)" } ?? "unknown"
  }
}

/// The state of one connection, first in its pipeline: when it started, its streams, its
/// unread answer bytes, and a once-a-second check of the time limits.
final class ConnectionWatch: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer

  private let connectionGuard: ConnectionGuard
  private var context: ChannelHandlerContext?
  private var ticker: RepeatedTask?
  private let acceptedAt = NIODeadline.now()
  private var streamsEver = 0
  private var openStreams = 0
  private var idleSince = NIODeadline.now()
  private(set) var pendingBytes = 0
  private var lastProgress = NIODeadline.now()
  private var closing = false

  init(guard connectionGuard: ConnectionGuard) {
    self.connectionGuard = connectionGuard
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
      loopBound.value.check()
    }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    ticker?.cancel()
    ticker = nil
    self.context = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    ticker?.cancel()
    ticker = nil
    context.fireChannelInactive()
  }

  func streamOpened() {
    streamsEver += 1
    openStreams += 1
  }

  func streamClosed() {
    openStreams -= 1
    if openStreams == 0 { idleSince = .now() }
  }

  /// An answer of `bytes` was handed to HTTP/2 for this connection's peer.
  func held(_ bytes: Int) {
    pendingBytes += bytes
    let serverWide = connectionGuard.hold(bytes)
    if pendingBytes > connectionGuard.limits.maxPendingBytesPerConnection {
      close("unread_bytes_connection")
    } else if !serverWide {
      close("unread_bytes_server")
    }
  }

  /// Bytes handed over before left the server (sent, or dropped with their stream).
  func released(_ bytes: Int, sent: Bool) {
    pendingBytes -= bytes
    connectionGuard.release(bytes)
    if sent { lastProgress = .now() }
  }

  private func check() {
    let now = NIODeadline.now()
    let limits = connectionGuard.limits
    if streamsEver == 0, now - acceptedAt > TimeAmount(limits.handshakeTimeout) {
      close("handshake_timeout")
    } else if openStreams == 0, streamsEver > 0, now - idleSince > TimeAmount(limits.idleTimeout + limits.graceTime) {
      close("idle")
    } else if now - acceptedAt > TimeAmount(limits.maxAge + limits.graceTime) {
      close("max_age")
    } else if pendingBytes > 0, now - lastProgress > TimeAmount(limits.stallTimeout) {
      close("stalled_reader")
    } else if connectionGuard.shutdownGraceOver(at: now) {
      close("shutdown")
    }
  }

  private func close(_ reason: String) {
    guard !closing, let context else { return }
    closing = true
    ConnectionGuard.count(reason)
    connectionGuard.logger.debug(
      "connection closed", metadata: ["reason": "\(reason)", "peer": "\(ConnectionGuard.peer(context.channel))"])
    // Closed on the next turn of the event loop, not inside the write or check that found
    // the problem: the HTTP/2 handlers may be in the middle of opening or closing a stream.
    let channel = context.channel
    channel.eventLoop.execute { channel.close(promise: nil) }
  }
}

/// First in a stream's pipeline: counts the answer bytes it writes until HTTP/2 has sent them
/// (the write's promise completes once the frame leaves flow control), on its connection.
final class StreamWatch: ChannelOutboundHandler, RemovableChannelHandler {
  typealias OutboundIn = HTTP2Frame.FramePayload
  typealias OutboundOut = HTTP2Frame.FramePayload

  private let connection: ConnectionWatch

  init(connection: ConnectionWatch) {
    self.connection = connection
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let payload = unwrapOutboundIn(data)
    guard case .data(let frame) = payload, case .byteBuffer(let buffer) = frame.data, buffer.readableBytes > 0 else {
      context.write(data, promise: promise)
      return
    }
    let bytes = buffer.readableBytes
    let tracked = promise ?? context.eventLoop.makePromise(of: Void.self)
    let connection = NIOLoopBound(self.connection, eventLoop: context.eventLoop)
    tracked.futureResult.whenComplete { result in
      if case .success = result {
        connection.value.released(bytes, sent: true)
      } else {
        connection.value.released(bytes, sent: false)
      }
    }
    connection.value.held(bytes)
    context.write(data, promise: tracked)
  }
}
