import GRPCCore
import Sync

/// Makes the caller of each RPC known to the services that record it: the user and device
/// named in the request metadata (`assure-user`, `assure-device`) and the method called.
///
/// Until accounts and device tokens exist, the names are taken as given; they are recorded,
/// not trusted for access control.
struct CallerInterceptor: ServerInterceptor {
  /// The caller of the RPC being served; set for the duration of each call.
  @TaskLocal static var current = Caller(user: "unknown", rpc: "unknown")

  static let userKey = "assure-user"
  static let deviceKey = "assure-device"

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let user = request.metadata[stringValues: Self.userKey].first(where: { !$0.isEmpty }) ?? "unknown"
    let device = request.metadata[stringValues: Self.deviceKey].first(where: { !$0.isEmpty })
    let caller = Caller(
      user: String(user.prefix(100)), deviceID: device.map { String($0.prefix(100)) },
      rpc: "\(context.descriptor.service.service).\(context.descriptor.method)")
    return try await Self.$current.withValue(caller) { try await next(request, context) }
  }
}
