import Foundation
import GRPCCore
import Logging
import Metrics
import Synchronization

/// The request id of the call being served: on every log line written during it (through the
/// logging system's metadata provider) and sent back in `x-request-id`.
enum RequestContext {
  @TaskLocal static var id: String?

  /// Adds `request_id` to every log line written inside a call.
  static let metadataProvider = Logger.MetadataProvider {
    guard let id = RequestContext.id else { return [:] }
    return ["request_id": "\(id)"]
  }

  private static let counter = Atomic<UInt64>(0)
  private static let prefix = String(UInt32.random(in: .min ... .max), radix: 16)

  /// A new id: unique per process start and call, short enough to read in a log.
  static func next() -> String {
    "\(prefix)-\(counter.add(1, ordering: .relaxed).newValue)"
  }
}

/// Counts and times every RPC by method and status code (`assure_rpc_requests_total`,
/// `assure_rpc_duration_seconds`), gives it a request id (the caller's `x-request-id`, or a
/// new one), and logs it at debug level when it ends. The first interceptor: it sees the
/// answers of the others too.
struct CallObserver: ServerInterceptor {
  let logger: Logger

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    // The caller's id only when it is a plain token: it goes on every log line of the call.
    let given = request.metadata[stringValues: "x-request-id"].first(where: Self.isPlainRequestID)
    let id = given ?? RequestContext.next()
    let method = context.descriptor.fullyQualifiedMethod
    let started = ContinuousClock.now
    let logger = self.logger
    return try await RequestContext.$id.withValue(id) {
      var response: StreamingServerResponse<Output>
      do {
        response = try await next(request, context)
      } catch {
        Self.finish(method, error: error, since: started, logger: logger)
        throw ErrorText.bounded(error)
      }
      switch response.accepted {
      case .success(var contents):
        contents.metadata.replaceOrAddString(id, forKey: "x-request-id")
        let producer = contents.producer
        contents.producer = { writer in
          // The producer runs after this interceptor returns: the id goes with it.
          try await RequestContext.$id.withValue(id) {
            do {
              let trailers = try await producer(writer)
              Self.finish(method, error: nil, since: started, logger: logger)
              return trailers
            } catch {
              Self.finish(method, error: error, since: started, logger: logger)
              throw ErrorText.bounded(error)
            }
          }
        }
        response.accepted = .success(contents)
      case .failure(let error):
        Self.finish(method, error: error, since: started, logger: logger)
        response.accepted = .failure(ErrorText.bounded(error) as? RPCError ?? error)
      }
      return response
    }
  }

  /// 1 to 64 ASCII letters, digits, '.', '_', ':' or '-': nothing that can break a log line.
  static func isPlainRequestID(_ id: String) -> Bool {
    let bytes = id.utf8
    return (1...64).contains(bytes.count)
      && bytes.allSatisfy { b in
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F
          || b == 0x3A || b == 0x2D
      }
  }

  static func code(of error: (any Error)?) -> String {
    guard let error else { return "OK" }
    if let error = error as? RPCError { return Self.name(error.code) }
    if let error = error as? any RPCErrorConvertible { return Self.name(error.rpcErrorCode) }
    return "UNKNOWN"
  }

  /// The code as gRPC writes it, e.g. `PERMISSION_DENIED`.
  static func name(_ code: RPCError.Code) -> String {
    var out = ""
    for character in String(describing: code) {
      if character.isUppercase, !out.isEmpty { out += "_" }
      out += character.uppercased()
    }
    return out
  }

  /// The counter and timer of a method and code, made once.
  private static let made = Mutex<[String: (Counter, Metrics.Timer)]>([:])

  private static func handles(_ method: String, _ code: String) -> (Counter, Metrics.Timer) {
    let key = method + " " + code
    if let found = made.withLock({ $0[key] }) { return found }
    let dimensions = [("method", method), ("code", code)]
    let pair = (
      Counter(label: "assure_rpc_requests_total", dimensions: dimensions),
      Metrics.Timer(label: "assure_rpc_duration_seconds", dimensions: dimensions)
    )
    made.withLock { $0[key] = pair }
    return pair
  }

  private static func finish(
    _ method: String, error: (any Error)?, since started: ContinuousClock.Instant, logger: Logger
  ) {
    let code = code(of: error)
    let elapsed = ContinuousClock.now - started
    let (counter, timer) = handles(method, code)
    counter.increment()
    let parts = elapsed.components
    timer.recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    logger.debug(
      "rpc",
      metadata: [
        "method": "\(method)", "code": "\(code)",
        "ms": "\(Double(parts.attoseconds / 1_000_000_000_000) / 1000 + Double(parts.seconds) * 1000)",
      ])
  }
}

/// Open client connections (`assure_open_connections`), counted as the transport accepts and
/// closes them.
enum ConnectionGauge {
  private static let open = Atomic<Int>(0)

  static func opened() { Gauge(label: "assure_open_connections").record(open.add(1, ordering: .relaxed).newValue) }
  static func closed() { Gauge(label: "assure_open_connections").record(open.subtract(1, ordering: .relaxed).newValue) }
}
