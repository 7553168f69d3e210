public import GRPCCore
import Synchronization

/// Sends a device token with every call (`authorization: Bearer <token>`). The token can be
/// replaced while calls are made (after a refresh); calls already sent keep the one they had.
public final class BearerToken: ClientInterceptor {
  private let token: Mutex<String>

  public init(_ token: String) {
    self.token = Mutex(token)
  }

  public var current: String { token.withLock { $0 } }

  public func replace(with newToken: String) {
    token.withLock { $0 = newToken }
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingClientRequest<Input>,
    context: ClientContext,
    next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
  ) async throws -> StreamingClientResponse<Output> {
    var request = request
    request.metadata.replaceOrAddString("Bearer \(current)", forKey: "authorization")
    return try await next(request, context)
  }
}
