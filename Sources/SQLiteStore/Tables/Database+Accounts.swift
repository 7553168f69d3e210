import Crypto
public import Foundation
public import GRDB
public import Model
import Stores

/// The server's accounts, one-time enrolment codes and device tokens. Secrets are never
/// stored: a code or token is kept as the SHA-256 of its text.
extension Database {
  // MARK: - Accounts

  public func saveAccount(_ a: Account) throws {
    try execute(
      sql: """
        INSERT INTO account (id, name, display_name, role, created_at_ms, created_by, disabled_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
          disabled_at_ms = excluded.disabled_at_ms
        """,
      arguments: [
        a.id.storageKey, a.name, a.displayName, a.role.rawValue, a.createdAt.millisecondsSince1970, a.createdBy,
        a.disabledAt?.millisecondsSince1970,
      ])
  }

  public func account(named name: String) throws -> Account? {
    try Row.fetchOne(self, sql: "SELECT * FROM account WHERE name = ?", arguments: [name]).map(Self.account(from:))
  }

  public func account(id: UUID) throws -> Account? {
    try Row.fetchOne(self, sql: "SELECT * FROM account WHERE id = ?", arguments: [id.storageKey]).map(
      Self.account(from:))
  }

  public func accounts() throws -> [Account] {
    try Row.fetchAll(self, sql: "SELECT * FROM account ORDER BY name").map(Self.account(from:))
  }

  public func accountCount() throws -> Int {
    try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM account") ?? 0
  }

  private static func account(from row: Row) throws -> Account {
    Account(
      id: try row.uuid("id", table: "account"), name: row["name"], displayName: row["display_name"],
      role: Role(rawValue: row["role"]), createdAt: Date(millisecondsSince1970: row["created_at_ms"]),
      createdBy: row["created_by"], disabledAt: (row["disabled_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:))
    )
  }

  // MARK: - Enrolment codes

  /// Stores a new code's hash; any unused code of the same account stops working.
  public func saveEnrolmentCode(hash: String, accountID: UUID, createdAt: Date, expiresAt: Date) throws {
    try execute(
      sql:
        "UPDATE enrolment_code SET expires_at_ms = MIN(expires_at_ms, ?) WHERE account_id = ? AND used_at_ms IS NULL",
      arguments: [createdAt.millisecondsSince1970, accountID.storageKey])
    try execute(
      sql: "INSERT INTO enrolment_code (code_hash, account_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?)",
      arguments: [hash, accountID.storageKey, createdAt.millisecondsSince1970, expiresAt.millisecondsSince1970])
  }

  /// The account of an unused, unexpired code, marking the code used; `nil` when there is none.
  public func consumeEnrolmentCode(hash: String, at time: Date, deviceID: String) throws -> UUID? {
    guard
      let row = try Row.fetchOne(
        self,
        sql: "SELECT account_id FROM enrolment_code WHERE code_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ?",
        arguments: [hash, time.millisecondsSince1970])
    else { return nil }
    try execute(
      sql: "UPDATE enrolment_code SET used_at_ms = ?, used_by_device = ? WHERE code_hash = ?",
      arguments: [time.millisecondsSince1970, deviceID, hash])
    return try row.uuid("account_id", table: "enrolment_code")
  }

  // MARK: - Device tokens

  public func saveDeviceToken(_ t: DeviceToken, hash: String, accountID: UUID) throws {
    try execute(
      sql: """
        INSERT INTO device_token (id, token_hash, account_id, device_id, label, created_at_ms, expires_at_ms,
          last_used_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        t.id.storageKey, hash, accountID.storageKey, t.deviceID, t.label, t.createdAt.millisecondsSince1970,
        t.expiresAt.millisecondsSince1970, t.lastUsedAt?.millisecondsSince1970, t.revokedAt?.millisecondsSince1970,
      ])
  }

  /// A token by the hash of its text, with its account.
  public func deviceToken(hash: String) throws -> (DeviceToken, Account)? {
    guard
      let row = try Row.fetchOne(
        self,
        sql: """
          SELECT t.*, a.id AS a_id, a.name, a.display_name, a.role, a.created_at_ms AS a_created_at_ms,
            a.created_by, a.disabled_at_ms
          FROM device_token t JOIN account a ON a.id = t.account_id WHERE t.token_hash = ?
          """, arguments: [hash])
    else { return nil }
    let account = Account(
      id: try row.uuid("a_id", table: "account", column: "id"), name: row["name"], displayName: row["display_name"],
      role: Role(rawValue: row["role"]), createdAt: Date(millisecondsSince1970: row["a_created_at_ms"]),
      createdBy: row["created_by"], disabledAt: (row["disabled_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:))
    )
    return (try Self.deviceToken(from: row, accountName: account.name), account)
  }

  public func deviceToken(id: UUID) throws -> DeviceToken? {
    try Row.fetchOne(
      self, sql: "SELECT t.*, a.name FROM device_token t JOIN account a ON a.id = t.account_id WHERE t.id = ?",
      arguments: [id.storageKey]
    ).map { try Self.deviceToken(from: $0, accountName: $0["name"]) }
  }

  /// Tokens, newest first; of one account or one device when given.
  public func deviceTokens(accountName: String? = nil, deviceID: String? = nil, includeInactive: Bool, at time: Date)
    throws -> [DeviceToken]
  {
    var conditions: [String] = []
    var arguments: StatementArguments = []
    if let accountName {
      conditions.append("a.name = ?")
      arguments += [accountName]
    }
    if let deviceID {
      conditions.append("t.device_id = ?")
      arguments += [deviceID]
    }
    if !includeInactive {
      conditions.append("t.revoked_at_ms IS NULL AND t.expires_at_ms > ?")
      arguments += [time.millisecondsSince1970]
    }
    let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    return try Row.fetchAll(
      self,
      sql:
        "SELECT t.*, a.name FROM device_token t JOIN account a ON a.id = t.account_id \(filter) ORDER BY t.created_at_ms DESC, t.id",
      arguments: arguments
    ).map { try Self.deviceToken(from: $0, accountName: $0["name"]) }
  }

  /// Revokes a token at `time` (a revoked token stays revoked).
  public func revokeDeviceToken(id: UUID, at time: Date) throws {
    try execute(
      sql: "UPDATE device_token SET revoked_at_ms = COALESCE(revoked_at_ms, ?) WHERE id = ?",
      arguments: [time.millisecondsSince1970, id.storageKey])
  }

  /// Marks a token's device to erase its local data (set once).
  public func requestDeviceWipe(id: UUID, at time: Date) throws {
    try execute(
      sql: "UPDATE device_token SET wipe_requested_at_ms = COALESCE(wipe_requested_at_ms, ?) WHERE id = ?",
      arguments: [time.millisecondsSince1970, id.storageKey])
  }

  /// Shortens a token's life to end no later than `time` (a refreshed token's grace period).
  public func expireDeviceToken(id: UUID, by time: Date) throws {
    try execute(
      sql: "UPDATE device_token SET expires_at_ms = MIN(expires_at_ms, ?) WHERE id = ?",
      arguments: [time.millisecondsSince1970, id.storageKey])
  }

  /// Marks a token as exchanged for a new one at `time`; `false` when it already was (a token
  /// is refreshed once).
  public func markDeviceTokenReplaced(id: UUID, at time: Date) throws -> Bool {
    try execute(
      sql: "UPDATE device_token SET replaced_at_ms = ? WHERE id = ? AND replaced_at_ms IS NULL",
      arguments: [time.millisecondsSince1970, id.storageKey])
    return changesCount > 0
  }

  public func touchDeviceToken(id: UUID, at time: Date) throws {
    try execute(
      sql: "UPDATE device_token SET last_used_at_ms = ? WHERE id = ?",
      arguments: [time.millisecondsSince1970, id.storageKey])
  }

  private static func deviceToken(from row: Row, accountName: String) throws -> DeviceToken {
    DeviceToken(
      id: try row.uuid("id", table: "device_token"), accountName: accountName, deviceID: row["device_id"],
      label: row["label"],
      createdAt: Date(millisecondsSince1970: row["created_at_ms"]),
      expiresAt: Date(millisecondsSince1970: row["expires_at_ms"]),
      lastUsedAt: (row["last_used_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)),
      revokedAt: (row["revoked_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)),
      wipeRequestedAt: (row["wipe_requested_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)))
  }
}
