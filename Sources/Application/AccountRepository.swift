public import Foundation
public import Model
public import Stores
import Sync

/// How long enrolment codes and device tokens last.
public struct AccountSettings: Sendable, Hashable {
  /// Life of a one-time enrolment code.
  public var enrolmentCodeLifetime: TimeInterval = 72 * 3600
  /// Life of a device token; a device refreshes it once half of it has passed.
  public var tokenLifetime: TimeInterval = 90 * 86_400
  /// How long a token stays valid after it was refreshed, so that calls already made with it
  /// (another command running on the same device) still succeed.
  public var refreshGrace: TimeInterval = 600

  public init() {}
}

/// A one-time enrolment code just made: shown once, stored only as a hash.
public struct IssuedCode: Sendable {
  public var code: String
  public var account: Account
  public var expiresAt: Date
}

/// A device token just issued: handed to the device once, stored only as a hash.
public struct IssuedToken: Sendable {
  public var token: String
  public var record: DeviceToken
  public var account: Account
}

/// An authenticated caller: the account and the device token it used.
public struct Principal: Sendable, Hashable {
  public var account: Account
  public var token: DeviceToken
}

/// Accounts, enrolment and device tokens. Every change is audited; no secret is stored or
/// logged, only its SHA-256.
public struct AccountRepository: Sendable {
  public let database: any ServerStore
  public let now: @Sendable () -> Date
  public let settings: AccountSettings

  public init(
    database: any ServerStore, settings: AccountSettings = .init(), now: @escaping @Sendable () -> Date = Date.init
  ) {
    self.database = database
    self.settings = settings
    self.now = now
  }

  /// Name of the account created on first start.
  public static let firstAdminName = "admin"

  // MARK: - Accounts

  /// Creates an account and returns its first enrolment code.
  public func addUser(name: String, displayName: String? = nil, role: Role, by caller: Caller) async throws
    -> IssuedCode
  {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let account = Account(
      name: name, displayName: displayName ?? name, role: role, createdAt: time, createdBy: caller.user)
    try account.validate()
    return try await database.write { db in
      if try db.account(named: name) != nil {
        throw StorageError(.alreadyExists, "a user named \(name) already exists")
      }
      try db.saveAccount(account)
      try audit("account", account.name, before: nil as Account?, after: account, at: time, by: caller, db)
      return try issueCode(for: account, at: time, by: caller, db)
    }
  }

  /// Creates the first administrator when there is no account at all; returns its code, or
  /// `nil` when accounts exist.
  public func ensureFirstAdmin() async throws -> IssuedCode? {
    let caller = Caller.server("assure-server", rpc: "first-start")
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard try db.accountCount() == 0 else { return nil }
      let account = Account(
        name: Self.firstAdminName, displayName: "Administrator", role: .admin, createdAt: time, createdBy: caller.user)
      try db.saveAccount(account)
      try audit("account", account.name, before: nil as Account?, after: account, at: time, by: caller, db)
      return try issueCode(for: account, at: time, by: caller, db)
    }
  }

  /// A new enrolment code for an existing, enabled account (a new device, a lost code);
  /// any earlier unused code stops working.
  public func issueCode(forUser name: String, by caller: Caller) async throws -> IssuedCode {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let account = try db.account(named: name) else { throw StorageError(.notFound, "no user named \(name)") }
      guard account.disabledAt == nil else {
        throw ValidationError(field: "name", rule: "user \(name) is disabled; enable it before issuing a code")
      }
      return try issueCode(for: account, at: time, by: caller, db)
    }
  }

  /// Disables an account and revokes every token of its devices.
  public func disableUser(name: String, by caller: Caller) async throws -> Account {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard var account = try db.account(named: name) else { throw StorageError(.notFound, "no user named \(name)") }
      guard account.disabledAt == nil else { return account }
      let before = account
      account.disabledAt = time
      try db.saveAccount(account)
      try audit("account", account.name, before: before, after: account, at: time, by: caller, db)
      for token in try db.deviceTokens(accountName: name, includeInactive: false, at: time) {
        try revoke(token, at: time, by: caller, db)
      }
      return account
    }
  }

  public func users() async throws -> [Account] {
    try await database.read { try $0.accounts() }
  }

  // MARK: - Devices

  /// Exchanges a one-time code for a device token. The code is used up; an earlier token of
  /// the same account on the same device is revoked (the device signed in again).
  ///
  /// Device ids are unique among active sign-ins: a device id already signed in to another
  /// account is refused (`AccessError.deviceIDInUse`, and the code stays unused), unless the
  /// device proves it is that device by sending that sign-in's token as `previousToken` (the
  /// same laptop signing in as another user): that sign-in is then revoked.
  public func enrol(
    code typed: String, deviceID: String, label: String, rpc: String, previousToken: String? = nil,
    lifetime: TimeInterval? = nil
  ) async throws -> IssuedToken {
    var v = ViolationCollector()
    v.identifier(deviceID, "device_id", max: DeviceToken.maxDeviceIDLength)
    v.identifier(label, "label", max: DeviceToken.maxLabelLength, required: false)
    try v.throwIfAny()
    let time = now().truncatedToMilliseconds
    let hash = Secret.hash(Secret.canonicalCode(typed))
    let previousHash = previousToken.flatMap { $0.isEmpty ? nil : Secret.hash($0) }
    return try await database.write { db in
      guard let accountID = try db.consumeEnrolmentCode(hash: hash, at: time, deviceID: deviceID),
        let account = try db.account(id: accountID), account.disabledAt == nil
      else {
        throw AccessError(
          .unauthenticated,
          "the enrolment code is not valid: it is unknown, used or expired; ask an administrator for a new one")
      }
      let caller = Caller(user: account.name, deviceID: deviceID, rpc: rpc, role: account.role)
      let active = try db.deviceTokens(deviceID: deviceID, includeInactive: false, at: time)
      for earlier in active {
        if earlier.accountName == account.name {
          try revoke(earlier, at: time, by: caller, db)
        } else if let previousHash, let (held, _) = try db.deviceToken(hash: previousHash), held.id == earlier.id {
          try revoke(earlier, at: time, by: caller, db)
        } else {
          // Thrown inside the transaction: the code is not used up.
          throw AccessError(
            .deviceIDInUse,
            "device_id: \(deviceID) is the device id of an active sign-in of another account: device ids are unique; "
              + "sign that account out on the device first (assure logout), or an administrator revokes it "
              + "(assure-server device revoke --device \(deviceID))")
        }
      }
      return try issueToken(
        for: account, deviceID: deviceID, label: label.isEmpty ? deviceID : label, at: time,
        lifetime: lifetime ?? settings.tokenLifetime, by: caller, db)
    }
  }

  /// The account and token of a token's text, or why it is refused.
  public func authenticate(token: String) async throws -> Result<Principal, AccessError> {
    let time = now()
    let hash = Secret.hash(token)
    guard let (record, account) = try await database.read({ try $0.deviceToken(hash: hash) }) else {
      return .failure(AccessError(.unauthenticated, "the device token is not known: sign in again with assure login"))
    }
    if record.revokedAt != nil, record.wipeRequestedAt != nil {
      return .failure(
        AccessError(
          .wipeRequested, "this device's sign-in was revoked and the office asked for its local data to be erased"))
    }
    if record.revokedAt != nil {
      return .failure(
        AccessError(.unauthenticated, "this device's sign-in was revoked: sign in again with assure login"))
    }
    if account.disabledAt != nil {
      return .failure(AccessError(.unauthenticated, "the account \(account.name) is disabled"))
    }
    if record.expiresAt <= time {
      return .failure(AccessError(.unauthenticated, "the device token expired: sign in again with assure login"))
    }
    return .success(Principal(account: account, token: record))
  }

  /// Notes when a token was last used (at most once per `interval`, so reads stay reads).
  public func noteUse(of token: DeviceToken, interval: TimeInterval = 3600) async throws {
    let time = now().truncatedToMilliseconds
    if let last = token.lastUsedAt, time.timeIntervalSince(last) < interval { return }
    try await database.write { try $0.touchDeviceToken(id: token.id, at: time) }
  }

  /// A new token for the caller's device; the old one keeps working for the grace period
  /// only, so that a call already made with it is not cut off. A token is exchanged once:
  /// during its grace period it mints no second token (`AccessError.alreadyRefreshed`).
  public func refresh(_ principal: Principal, by caller: Caller) async throws -> IssuedToken {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let current = try db.deviceToken(id: principal.token.id), current.isActive(at: time) else {
        throw AccessError(.unauthenticated, "the device token is no longer valid: sign in again with assure login")
      }
      guard try db.markDeviceTokenReplaced(id: current.id, at: time) else {
        throw AccessError(
          .alreadyRefreshed,
          "this device token was already exchanged for a new one: it stays valid for its grace period only; "
            + "use the new token (or sign in again with assure login)")
      }
      let issued = try issueToken(
        for: principal.account, deviceID: current.deviceID, label: current.label, at: time, by: caller, db)
      try db.expireDeviceToken(id: current.id, by: time.addingTimeInterval(settings.refreshGrace))
      if let after = try db.deviceToken(id: current.id) {
        try audit("device_token", current.id.storageKey, before: current, after: after, at: time, by: caller, db)
      }
      return issued
    }
  }

  /// Revokes one sign-in by its id, or by a prefix of its id of at least 8 characters (as
  /// `assure-server device list` shows them). Never matches a device id: a device chooses its
  /// own id, so a device id that looks like another sign-in's id must not redirect a
  /// revocation. Returns what was revoked.
  public func revokeSignIn(_ id: String, wipe: Bool = false, by caller: Caller) async throws -> [DeviceToken] {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let key = id.lowercased()
    guard key.count >= 8 else {
      throw ValidationError(field: "id", rule: "a sign-in id needs at least its first 8 characters (got \(key.count))")
    }
    return try await database.write { db in
      let matches = try db.deviceTokens(includeInactive: false, at: time).filter {
        $0.id.storageKey == key || $0.id.storageKey.hasPrefix(key)
      }
      guard !matches.isEmpty else { throw StorageError(.notFound, "no active device sign-in with id \(id)") }
      guard matches.count == 1 else {
        throw StorageError(.ambiguous, "\(id) is the start of \(matches.count) sign-in ids; give more of the id")
      }
      for token in matches { try revoke(token, wipe: wipe, at: time, by: caller, db) }
      return try matches.compactMap { try db.deviceToken(id: $0.id) }
    }
  }

  /// Revokes the active sign-in of the device with this device id (there is at most one
  /// account per device id). Returns what was revoked. With `wipe`, the device erases its local
  /// data the next time it reaches the server (a lost or stolen laptop).
  public func revokeDevice(_ deviceID: String, wipe: Bool = false, by caller: Caller) async throws -> [DeviceToken] {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      let matches = try db.deviceTokens(deviceID: deviceID, includeInactive: false, at: time)
      guard !matches.isEmpty else {
        throw StorageError(.notFound, "no active device sign-in with device id \(deviceID)")
      }
      for token in matches { try revoke(token, wipe: wipe, at: time, by: caller, db) }
      return try matches.compactMap { try db.deviceToken(id: $0.id) }
    }
  }

  /// Revokes the sign-in of the token the caller signed in with (signing out): that token
  /// and nothing else, whatever device ids other sign-ins chose.
  public func revokeOwn(_ principal: Principal, by caller: Caller) async throws -> DeviceToken? {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let token = try db.deviceToken(id: principal.token.id) else { return nil }
      if token.revokedAt == nil { try revoke(token, at: time, by: caller, db) }
      return try db.deviceToken(id: token.id)
    }
  }

  /// Device sign-ins, newest first.
  public func devices(accountName: String? = nil, includeInactive: Bool = false) async throws -> [DeviceToken] {
    let time = now()
    return try await database.read {
      try $0.deviceTokens(accountName: accountName, includeInactive: includeInactive, at: time)
    }
  }

  /// The audit trail, filtered.
  public func audit(_ query: AuditQuery) async throws -> [AuditEntry] {
    try await database.read { try $0.auditEvents(query) }
  }

  // MARK: - Inside a transaction

  private func issueCode(for account: Account, at time: Date, by caller: Caller, _ db: any ServerTransaction) throws
    -> IssuedCode
  {
    let code = Secret.newEnrolmentCode()
    let expiresAt = time.addingTimeInterval(settings.enrolmentCodeLifetime)
    try db.saveEnrolmentCode(
      hash: Secret.hash(Secret.canonicalCode(code)), accountID: account.id, createdAt: time, expiresAt: expiresAt)
    try db.appendAudit(
      AuditEntry(
        at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: "enrolment_code",
        entityID: account.name, beforeDigest: nil, afterDigest: nil))
    return IssuedCode(code: code, account: account, expiresAt: expiresAt)
  }

  private func issueToken(
    for account: Account, deviceID: String, label: String, at time: Date, lifetime: TimeInterval? = nil,
    by caller: Caller,
    _ db: any ServerTransaction
  ) throws -> IssuedToken {
    let token = Secret.newToken()
    let record = DeviceToken(
      accountName: account.name, deviceID: deviceID, label: label, createdAt: time,
      expiresAt: time.addingTimeInterval(lifetime ?? settings.tokenLifetime))
    try db.saveDeviceToken(record, hash: Secret.hash(token), accountID: account.id)
    try audit(
      "device_token", record.id.storageKey, before: nil as DeviceToken?, after: record, at: time, by: caller, db)
    return IssuedToken(token: token, record: record, account: account)
  }

  private func revoke(
    _ token: DeviceToken, wipe: Bool = false, at time: Date, by caller: Caller, _ db: any ServerTransaction
  ) throws {
    try db.revokeDeviceToken(id: token.id, at: time)
    var after = token
    after.revokedAt = time
    if wipe {
      try db.requestDeviceWipe(id: token.id, at: time)
      after.wipeRequestedAt = time
    }
    try audit("device_token", token.id.storageKey, before: token, after: after, at: time, by: caller, db)
  }

  private func audit<T: Encodable>(
    _ type: String, _ id: String, before: T?, after: T?, at time: Date, by caller: Caller, _ db: any ServerTransaction
  ) throws {
    try db.appendAudit(
      AuditEntry(
        at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: type, entityID: id,
        beforeDigest: try AuditEntry.digest(of: before), afterDigest: try AuditEntry.digest(of: after)))
  }
}
