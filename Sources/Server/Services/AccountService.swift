import Application
import Foundation
import GRPCCore
import Model
import RPC
import Stores
import SwiftProtobuf
import Sync

/// `assure.v1.AccountService`: enrolment, token refresh, and the administration of users,
/// devices and the audit trail. Who may call what is `PermissionTable`'s.
struct AccountService: Assure_V1_AccountService.SimpleServiceProtocol {
  let accounts: AccountRepository
  let limiter: AttemptLimiter
  let cache: TokenCache

  /// The signed-in caller; a call without one changes nothing (`AuthInterceptor.requireCaller`).
  private var caller: Caller { get throws { try AuthInterceptor.requireCaller() } }

  func enrol(request: Assure_V1_EnrolRequest, context: ServerContext) async throws -> Assure_V1_TokenResponse {
    let peer = AttemptLimiter.address(of: context.remotePeer)
    let rpc = "AccountService.Enrol"
    // Counted before the code is checked: guesses sent at once are limited like guesses in turn.
    let admission = await limiter.admit(peer)
    guard admission == .admitted else { throw AuthInterceptor.refusal(admission, peer: peer, limiter) }
    do {
      let issued = try await accounts.enrol(
        code: request.code, deviceID: request.deviceID, label: request.label, rpc: rpc,
        previousToken: request.previousToken)
      limiter.succeeded(peer)
      cache.removeAll()
      return Self.response(issued)
    } catch let error as AccessError where error.code == .unauthenticated {
      let delay = limiter.failed(peer, rpc: rpc, reason: error.message)
      if delay > .zero { try? await Task.sleep(for: delay) }
      throw error
    } catch {
      limiter.succeeded(peer)
      throw error
    }
  }

  func refreshToken(request: Assure_V1_RefreshTokenRequest, context: ServerContext) async throws
    -> Assure_V1_TokenResponse
  {
    try AuthInterceptor.requireCaller()
    guard let principal = AuthInterceptor.principal else {
      throw AccessError(.unauthenticated, "RefreshToken needs a device token")
    }
    let issued = try await accounts.refresh(principal, by: try caller)
    cache.removeAll()
    return Self.response(issued)
  }

  func whoAmI(request: Assure_V1_WhoAmIRequest, context: ServerContext) async throws -> Assure_V1_WhoAmIResponse {
    try AuthInterceptor.requireCaller()
    guard let principal = AuthInterceptor.principal else {
      throw AccessError(.unauthenticated, "WhoAmI needs a device token")
    }
    return .with {
      $0.account = principal.account.proto
      $0.signIn = principal.token.proto
    }
  }

  func signOut(request: Assure_V1_SignOutRequest, context: ServerContext) async throws -> Assure_V1_SignOutResponse {
    try AuthInterceptor.requireCaller()
    guard let principal = AuthInterceptor.principal else {
      throw AccessError(.unauthenticated, "SignOut needs a device token")
    }
    _ = try await accounts.revokeOwn(principal, by: try caller)
    cache.removeAll()
    return .init()
  }

  func createUser(request: Assure_V1_CreateUserRequest, context: ServerContext) async throws
    -> Assure_V1_EnrolmentCodeResponse
  {
    try AuthInterceptor.requireCaller()
    let issued = try await accounts.addUser(
      name: request.name, displayName: request.displayName.isEmpty ? nil : request.displayName,
      role: Role(rawValue: request.role), by: try caller)
    return Self.response(issued)
  }

  func issueEnrolmentCode(request: Assure_V1_IssueEnrolmentCodeRequest, context: ServerContext) async throws
    -> Assure_V1_EnrolmentCodeResponse
  {
    try AuthInterceptor.requireCaller()
    return Self.response(try await accounts.issueCode(forUser: request.name, by: try caller))
  }

  func disableUser(request: Assure_V1_DisableUserRequest, context: ServerContext) async throws
    -> Assure_V1_AccountResponse
  {
    try AuthInterceptor.requireCaller()
    let account = try await accounts.disableUser(name: request.name, by: try caller)
    cache.removeAll()
    return .with { $0.account = account.proto }
  }

  func listUsers(request: Assure_V1_ListUsersRequest, context: ServerContext) async throws
    -> Assure_V1_ListUsersResponse
  {
    try AuthInterceptor.requireCaller()
    let users = try await accounts.users()
    return .with { $0.accounts = users.map(\.proto) }
  }

  func listDevices(request: Assure_V1_ListDevicesRequest, context: ServerContext) async throws
    -> Assure_V1_ListDevicesResponse
  {
    try AuthInterceptor.requireCaller()
    let devices = try await accounts.devices(
      accountName: request.accountName.isEmpty ? nil : request.accountName, includeInactive: request.includeInactive)
    return .with { $0.signIns = devices.map(\.proto) }
  }

  func revokeDevice(request: Assure_V1_RevokeDeviceRequest, context: ServerContext) async throws
    -> Assure_V1_RevokeDeviceResponse
  {
    try AuthInterceptor.requireCaller()
    guard !request.id.isEmpty else {
      throw ValidationError(field: "id", rule: "is required: a sign-in id, or a device id with by_device")
    }
    let revoked =
      request.byDevice
      ? try await accounts.revokeDevice(request.id, wipe: request.wipe, by: try caller)
      : try await accounts.revokeSignIn(request.id, wipe: request.wipe, by: try caller)
    cache.removeAll()
    return .with { $0.revoked = revoked.map(\.proto) }
  }

  func listAuditEvents(request: Assure_V1_ListAuditEventsRequest, context: ServerContext) async throws
    -> Assure_V1_ListAuditEventsResponse
  {
    try AuthInterceptor.requireCaller()
    var violations: [ValidationError.Violation] = []
    func day(_ text: String, _ field: String) -> LocalDate? {
      guard !text.isEmpty else { return nil }
      guard let day = LocalDate(text) else {
        violations.append(.init(field: field, rule: "must be a real day written YYYY-MM-DD (got \"\(text)\")"))
        return nil
      }
      return day
    }
    let from = day(request.fromDate, "from_date")
    let to = day(request.toDate, "to_date")
    if request.limit > 10_000 {
      violations.append(.init(field: "limit", rule: "must be at most 10000, or 0 for 1000 (got \(request.limit))"))
    }
    if !violations.isEmpty { throw ValidationError(violations: violations) }
    let query = AuditQuery(
      entityType: request.entityType.isEmpty ? nil : request.entityType,
      entityID: request.entityID.isEmpty ? nil : request.entityID,
      actor: request.actor.isEmpty ? nil : request.actor,
      from: from?.startOfDayUTC, before: to?.adding(days: 1).startOfDayUTC,
      limit: request.limit == 0 ? 1000 : Int(request.limit))
    let events = try await accounts.audit(query)
    return .with { $0.events = events.map(\.proto) }
  }

  static func response(_ issued: IssuedToken) -> Assure_V1_TokenResponse {
    .with {
      $0.token = issued.token
      $0.signIn = issued.record.proto
      $0.account = issued.account.proto
    }
  }

  static func response(_ issued: IssuedCode) -> Assure_V1_EnrolmentCodeResponse {
    .with {
      $0.account = issued.account.proto
      $0.code = issued.code
      $0.expiresAt = .init(milliseconds: issued.expiresAt)
    }
  }
}

extension AuditEntry {
  var proto: Assure_V1_AuditEvent {
    .with {
      $0.at = .init(milliseconds: at)
      $0.actor = actor
      $0.deviceID = deviceID ?? ""
      $0.rpc = rpc
      $0.entityType = entityType
      $0.entityID = entityID
      $0.beforeDigest = beforeDigest ?? ""
      $0.afterDigest = afterDigest ?? ""
    }
  }
}

extension LocalDate {
  /// Midnight UTC at the start of this day.
  var startOfDayUTC: Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
  }
}
