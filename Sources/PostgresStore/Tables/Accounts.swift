import Foundation
import Model
import PostgresNIO
import Stores

/// The server's accounts, one-time enrolment codes and device tokens. Secrets are never
/// stored: a code or token is kept as the SHA-256 of its text.
extension PostgresServerTransaction: AccountStore {
  // MARK: - Accounts

  func saveAccount(_ a: Account) throws {
    try session.notify(.accounts)
    try session.execute(
      """
      INSERT INTO account (id, name, display_name, role, created_at_ms, created_by, disabled_at_ms)
      VALUES (\(a.id.storageKey), \(a.name), \(a.displayName), \(a.role.rawValue), \(a.createdAt.millisecondsSince1970),
        \(a.createdBy), \(a.disabledAt?.millisecondsSince1970))
      ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
        disabled_at_ms = EXCLUDED.disabled_at_ms
      """)
  }

  func account(named name: String) throws -> Account? {
    try session.row("SELECT * FROM account WHERE name = \(name)").map(AccountRows.account(from:))
  }

  func account(id: UUID) throws -> Account? {
    try session.row("SELECT * FROM account WHERE id = \(id.storageKey)").map(AccountRows.account(from:))
  }

  func accounts() throws -> [Account] {
    try session.rows("SELECT * FROM account ORDER BY name").map(AccountRows.account(from:))
  }

  func accountCount() throws -> Int {
    Int(try session.value("SELECT COUNT(*) FROM account", as: Int64.self) ?? 0)
  }

  // MARK: - Enrolment codes

  /// Stores a new code's hash; any unused code of the same account stops working.
  func saveEnrolmentCode(hash: String, accountID: UUID, createdAt: Date, expiresAt: Date) throws {
    try session.execute(
      """
      UPDATE enrolment_code SET expires_at_ms = LEAST(expires_at_ms, \(createdAt.millisecondsSince1970))
      WHERE account_id = \(accountID.storageKey) AND used_at_ms IS NULL
      """)
    try session.execute(
      """
      INSERT INTO enrolment_code (code_hash, account_id, created_at_ms, expires_at_ms)
      VALUES (\(hash), \(accountID.storageKey), \(createdAt.millisecondsSince1970), \(expiresAt.millisecondsSince1970))
      """)
  }

  /// The account of an unused, unexpired code, marking the code used; `nil` when there is none.
  func consumeEnrolmentCode(hash: String, at time: Date, deviceID: String) throws -> UUID? {
    guard
      let row = try session.row(
        """
        SELECT account_id FROM enrolment_code
        WHERE code_hash = \(hash) AND used_at_ms IS NULL AND expires_at_ms > \(time.millisecondsSince1970)
        """)
    else { return nil }
    try session.execute(
      """
      UPDATE enrolment_code SET used_at_ms = \(time.millisecondsSince1970), used_by_device = \(deviceID)
      WHERE code_hash = \(hash)
      """)
    return try row.storedUUID("account_id", table: "enrolment_code")
  }

  // MARK: - Device tokens

  func saveDeviceToken(_ t: DeviceToken, hash: String, accountID: UUID) throws {
    try session.execute(
      """
      INSERT INTO device_token (id, token_hash, account_id, device_id, label, created_at_ms, expires_at_ms,
        last_used_at_ms, revoked_at_ms)
      VALUES (\(t.id.storageKey), \(hash), \(accountID.storageKey), \(t.deviceID), \(t.label),
        \(t.createdAt.millisecondsSince1970), \(t.expiresAt.millisecondsSince1970), \(t.lastUsedAt?.millisecondsSince1970),
        \(t.revokedAt?.millisecondsSince1970))
      """)
  }

  /// A token by the hash of its text, with its account.
  func deviceToken(hash: String) throws -> (DeviceToken, Account)? {
    guard
      let row = try session.row(
        """
        SELECT t.*, a.id AS a_id, a.name, a.display_name, a.role, a.created_at_ms AS a_created_at_ms,
          a.created_by, a.disabled_at_ms
        FROM device_token t JOIN account a ON a.id = t.account_id WHERE t.token_hash = \(hash)
        """)
    else { return nil }
    let account = Account(
      id: try row.storedUUID("a_id", table: "account", column: "id"), name: try row["name"],
      displayName: try row["display_name"], role: Role(rawValue: try row["role"]),
      createdAt: Date(millisecondsSince1970: try row["a_created_at_ms"]), createdBy: try row["created_by"],
      disabledAt: (try row["disabled_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)))
    return (try AccountRows.deviceToken(from: row, accountName: account.name), account)
  }

  func deviceToken(id: UUID) throws -> DeviceToken? {
    try session.row(
      "SELECT t.*, a.name FROM device_token t JOIN account a ON a.id = t.account_id WHERE t.id = \(id.storageKey)"
    ).map { try AccountRows.deviceToken(from: $0, accountName: try $0["name"]) }
  }

  /// Tokens, newest first; of one account or one device when given.
  func deviceTokens(accountName: String?, deviceID: String?, includeInactive: Bool, at time: Date) throws
    -> [DeviceToken]
  {
    var filter = BoundConditions()
    if let accountName { filter.add("a.name = ?", accountName) }
    if let deviceID { filter.add("t.device_id = ?", deviceID) }
    if !includeInactive { filter.add("t.revoked_at_ms IS NULL AND t.expires_at_ms > ?", time.millisecondsSince1970) }
    return try session.rows(
      filter.query(
        """
        SELECT t.*, a.name FROM device_token t JOIN account a ON a.id = t.account_id \(filter.clause)
        ORDER BY t.created_at_ms DESC, t.id
        """)
    ).map { try AccountRows.deviceToken(from: $0, accountName: try $0["name"]) }
  }

  /// Revokes a token at `time` (a revoked token stays revoked).
  func revokeDeviceToken(id: UUID, at time: Date) throws {
    try session.notify(.accounts)
    try session.execute(
      """
      UPDATE device_token SET revoked_at_ms = COALESCE(revoked_at_ms, \(time.millisecondsSince1970))
      WHERE id = \(id.storageKey)
      """)
  }

  /// Marks a token's device to erase its local data (set once).
  func requestDeviceWipe(id: UUID, at time: Date) throws {
    try session.notify(.accounts)
    try session.execute(
      """
      UPDATE device_token SET wipe_requested_at_ms = COALESCE(wipe_requested_at_ms, \(time.millisecondsSince1970))
      WHERE id = \(id.storageKey)
      """)
  }

  /// Shortens a token's life to end no later than `time` (a refreshed token's grace period).
  func expireDeviceToken(id: UUID, by time: Date) throws {
    try session.notify(.accounts)
    try session.execute(
      """
      UPDATE device_token SET expires_at_ms = LEAST(expires_at_ms, \(time.millisecondsSince1970))
      WHERE id = \(id.storageKey)
      """)
  }

  /// Marks a token as exchanged for a new one at `time`; `false` when it already was (a token
  /// is refreshed once).
  func markDeviceTokenReplaced(id: UUID, at time: Date) throws -> Bool {
    try session.notify(.accounts)
    return try session.execute(
      """
      UPDATE device_token SET replaced_at_ms = \(time.millisecondsSince1970)
      WHERE id = \(id.storageKey) AND replaced_at_ms IS NULL
      """) > 0
  }

  func touchDeviceToken(id: UUID, at time: Date) throws {
    try session.execute(
      "UPDATE device_token SET last_used_at_ms = \(time.millisecondsSince1970) WHERE id = \(id.storageKey)")
  }
}

/// Accounts and tokens read from their rows.
private enum AccountRows {
  static func account(from row: Row) throws -> Account {
    Account(
      id: try row.storedUUID("id", table: "account"), name: try row["name"], displayName: try row["display_name"],
      role: Role(rawValue: try row["role"]), createdAt: Date(millisecondsSince1970: try row["created_at_ms"]),
      createdBy: try row["created_by"],
      disabledAt: (try row["disabled_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)))
  }

  static func deviceToken(from row: Row, accountName: String) throws -> DeviceToken {
    DeviceToken(
      id: try row.storedUUID("id", table: "device_token"), accountName: accountName, deviceID: try row["device_id"],
      label: try row["label"], createdAt: Date(millisecondsSince1970: try row["created_at_ms"]),
      expiresAt: Date(millisecondsSince1970: try row["expires_at_ms"]),
      lastUsedAt: (try row["last_used_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)),
      revokedAt: (try row["revoked_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)),
      wipeRequestedAt: (try row["wipe_requested_at_ms"] as Int64?).map(Date.init(millisecondsSince1970:)))
  }
}
