import Application
import Foundation
import GRPCCore
import Model
import Sync
import Synchronization

/// Authenticates and authorises every RPC: reads the device token from the `authorization`
/// metadata (`Bearer <token>`), finds its account, checks the method against
/// `PermissionTable`, and makes the caller known to the services for the call.
///
/// No token (where one is needed), or an unknown, expired or revoked one: `UNAUTHENTICATED`.
/// A role the table does not allow: `PERMISSION_DENIED`. An address with too many failed
/// attempts: `RESOURCE_EXHAUSTED` for a while. Tokens are never logged or stored, only their
/// SHA-256.
struct AuthInterceptor: ServerInterceptor {
  /// The caller of the RPC being served; set for the duration of each call. `nil` outside a
  /// call this interceptor let through: such a call has no caller and may change nothing.
  @TaskLocal static var current: Caller?
  /// The signed-in account and token of the RPC being served, if any.
  @TaskLocal static var principal: Principal?

  static let authorizationKey = "authorization"

  let accounts: AccountRepository
  let limiter: AttemptLimiter
  let cache: TokenCache

  init(accounts: AccountRepository, limiter: AttemptLimiter, cache: TokenCache) {
    self.accounts = accounts
    self.limiter = limiter
    self.cache = cache
  }

  /// The caller of the RPC being served, signed in or the server itself; refuses a call that
  /// has none (fails closed: a service reached without this interceptor, or by a call open to
  /// anyone, changes nothing).
  @discardableResult
  static func requireCaller() throws -> Caller {
    guard let caller = current, caller.isIdentified else {
      throw RPCError(
        code: .unauthenticated,
        message: "this call needs a signed-in caller (sign in with assure login): nothing was changed")
    }
    return caller
  }

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let rpc = "\(context.descriptor.service.service).\(context.descriptor.method)"
    guard let access = PermissionTable.access(for: context.descriptor) else {
      throw RPCError(code: .permissionDenied, message: "\(rpc) is not in the permission table: refused to everyone")
    }
    let peer = limiter.isBlocking ? AttemptLimiter.address(of: context.remotePeer) : ""
    if limiter.isBlocking, limiter.blockedUntil(peer) != nil {
      throw Self.blocked(peer, limiter)
    }
    if access == .anyone {
      return try await Self.$current.withValue(.anonymous(rpc: rpc)) { try await next(request, context) }
    }
    guard let token = Self.bearerToken(in: request.metadata) else {
      throw RPCError(
        code: .unauthenticated,
        message: "\(rpc) needs a device token (authorization: Bearer ...): sign in with assure login")
    }
    let principal: Principal
    switch try await authenticate(token, peer: context.remotePeer, rpc: rpc) {
    case .success(let found):
      principal = found
    case .failure(let error):
      throw error
    }
    let role = principal.account.role
    guard access.allows(role) else {
      throw RPCError(code: .permissionDenied, message: "the role \(role.rawValue) may not call \(rpc)")
    }
    let caller = Caller(user: principal.account.name, deviceID: principal.token.deviceID, rpc: rpc, role: role)
    return try await Self.$principal.withValue(principal) {
      try await Self.$current.withValue(caller) { try await next(request, context) }
    }
  }

  /// The refusal of an address shut out for too many failures.
  static func blocked(_ peer: String, _ limiter: AttemptLimiter) -> RPCError {
    RPCError(
      code: .resourceExhausted,
      message:
        "too many failed sign-in attempts from \(peer): refused for up to \(minutes(limiter.settings.blockFor)) minutes"
    )
  }

  /// The refusal of an attempt that cannot be evaluated now (`AttemptLimiter.Admission`).
  static func refusal(_ admission: AttemptLimiter.Admission, peer: String, _ limiter: AttemptLimiter) -> RPCError {
    if admission == .blocked { return blocked(peer, limiter) }
    return RPCError(
      code: .resourceExhausted,
      message: "too many sign-in attempts from \(peer) are being checked at once: try again in a moment")
  }

  /// The account of a token: from the cache when it was checked in the last few seconds,
  /// else from the database, the attempt counted against the caller's address before it is
  /// checked (`AttemptLimiter.begin`).
  private func authenticate(_ token: String, peer remotePeer: String, rpc: String) async throws
    -> Result<Principal, RPCError>
  {
    let now = accounts.now()
    if let cached = cache.principal(token: token, at: now) { return .success(cached) }
    let peer = AttemptLimiter.address(of: remotePeer)
    let admission = await limiter.admit(peer)
    guard admission == .admitted else { return .failure(Self.refusal(admission, peer: peer, limiter)) }
    let result: Result<Principal, AccessError>
    do {
      result = try await accounts.authenticate(token: token)
    } catch {
      limiter.succeeded(peer)  // not the caller's failure: the place is given back
      throw error
    }
    switch result {
    case .success(let principal):
      limiter.succeeded(peer)
      cache.store(principal, token: token, at: now)
      try? await accounts.noteUse(of: principal.token)
      return .success(principal)
    case .failure(let error):
      let delay = limiter.failed(peer, rpc: rpc, reason: error.message)
      if delay > .zero { try? await Task.sleep(for: delay) }
      return .failure(RPCError(code: .unauthenticated, message: error.message, metadata: error.rpcErrorMetadata))
    }
  }

  /// The token of `authorization: Bearer <token>` (the scheme in any case), or `nil`.
  static func bearerToken(in metadata: Metadata) -> String? {
    for value in metadata[stringValues: authorizationKey] {
      let bytes = value.utf8
      guard bytes.count > 7, bytes.count <= 210 else { continue }
      let scheme = bytes.prefix(7).map { $0 | 0x20 }  // lower case for letters; ' ' stays ' '
      guard scheme.elementsEqual("bearer ".utf8) else { continue }
      let token = bytes.dropFirst(7).drop { $0 == 0x20 }
      let trimmed = token.reversed().drop { $0 == 0x20 }.count
      if trimmed > 0 { return String(decoding: token.prefix(trimmed), as: UTF8.self) }
    }
    return nil
  }

  private static func minutes(_ duration: Duration) -> Int { Int(duration.components.seconds / 60) }
}

/// Recently checked tokens, so that each call does not read the database (or hash the token).
/// The tokens are held in this process's memory only, as they are while each call is served.
/// An entry is trusted for `ttl`: a revocation made outside this process (the `device revoke`
/// command) takes effect within it; one made through the server takes effect at once.
final class TokenCache: Sendable {
  let ttl: TimeInterval
  private let entries = Mutex<[String: (principal: Principal, checkedAt: Date)]>([:])

  init(ttl: TimeInterval = 30) {
    self.ttl = ttl
  }

  func principal(token: String, at now: Date) -> Principal? {
    entries.withLock { entries in
      guard let entry = entries[token] else { return nil }
      guard now.timeIntervalSince(entry.checkedAt) < ttl, entry.principal.token.expiresAt > now else {
        entries[token] = nil
        return nil
      }
      return entry.principal
    }
  }

  func store(_ principal: Principal, token: String, at now: Date) {
    entries.withLock { entries in
      if entries.count >= 10_000 { entries.removeAll() }
      entries[token] = (principal, now)
    }
  }

  /// Forgets everything: after a revocation, a refresh or a disabled account.
  func removeAll() {
    entries.withLock { $0.removeAll() }
  }
}
