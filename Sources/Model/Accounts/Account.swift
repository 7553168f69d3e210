public import Foundation

/// A person who uses Assure: a name to sign in with and one role.
public struct Account: Sendable, Hashable, Codable {
  public var id: UUID
  /// Sign-in name, lower case: letters, digits, '.', '-' and '_' (e.g. `john.campion`).
  public var name: String
  /// Name as shown in reports and lists (e.g. "John Campion").
  public var displayName: String
  public var role: Role
  public var createdAt: Date
  public var createdBy: String
  /// Set when the account was disabled: its devices can no longer call the server.
  public var disabledAt: Date?

  public init(
    id: UUID = UUID(), name: String, displayName: String, role: Role, createdAt: Date, createdBy: String,
    disabledAt: Date? = nil
  ) {
    self.id = id
    self.name = name
    self.displayName = displayName
    self.role = role
    self.createdAt = createdAt
    self.createdBy = createdBy
    self.disabledAt = disabledAt
  }

  public static let maxNameLength = 64
  public static let maxDisplayNameLength = 200

  /// Checks a new account's fields, naming every one that breaks its rule.
  public func validate() throws(ValidationError) {
    var violations: [ValidationError.Violation] = []
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
    if name.isEmpty || name.count > Self.maxNameLength || !name.allSatisfy(allowed.contains)
      || !(name.first.map { $0.isLetter || $0.isNumber } ?? false)
    {
      violations.append(
        .init(
          field: "name",
          rule:
            "must be 1 to \(Self.maxNameLength) lower-case letters, digits, '.', '-' or '_', starting with a letter or digit (got \"\(name)\")"
        ))
    }
    if displayName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
      || displayName.count > Self.maxDisplayNameLength
    {
      violations.append(.init(field: "display_name", rule: "must be 1 to \(Self.maxDisplayNameLength) characters"))
    }
    if !role.isKnown {
      violations.append(
        .init(field: Role.fieldName, rule: "must be one of \(Role.knownList) (got \"\(role.rawValue)\")"))
    }
    if !violations.isEmpty { throw ValidationError(violations: violations) }
  }
}

/// One device's sign-in: the server keeps a hash of its token, never the token.
public struct DeviceToken: Sendable, Hashable, Codable {
  /// Identifies the sign-in in lists and for revocation (not a secret).
  public var id: UUID
  public var accountName: String
  /// The device's own id (the one it syncs with).
  public var deviceID: String
  /// What the device called itself when it signed in (e.g. its host name).
  public var label: String
  public var createdAt: Date
  public var expiresAt: Date
  public var lastUsedAt: Date?
  public var revokedAt: Date?
  /// When the office asked the device to erase its local data (`device revoke --wipe`): the
  /// device does so the next time it reaches the server.
  public var wipeRequestedAt: Date?

  public init(
    id: UUID = UUID(), accountName: String, deviceID: String, label: String, createdAt: Date, expiresAt: Date,
    lastUsedAt: Date? = nil, revokedAt: Date? = nil, wipeRequestedAt: Date? = nil
  ) {
    self.id = id
    self.accountName = accountName
    self.deviceID = deviceID
    self.label = label
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.lastUsedAt = lastUsedAt
    self.revokedAt = revokedAt
    self.wipeRequestedAt = wipeRequestedAt
  }

  /// Whether the token may be used at `time`.
  public func isActive(at time: Date) -> Bool { revokedAt == nil && expiresAt > time }

  public static let maxDeviceIDLength = 100
  public static let maxLabelLength = 100
}
