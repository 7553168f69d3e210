public import Foundation
public import Model

/// Accounts, one-time enrolment codes and device tokens (only hashes of secrets are kept).
/// Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol AccountStore {
  func saveAccount(_ a: Account) throws

  func account(named name: String) throws -> Account?

  func account(id: UUID) throws -> Account?

  func accounts() throws -> [Account]

  func accountCount() throws -> Int

  /// Stores a new code's hash; any unused code of the same account stops working.
  func saveEnrolmentCode(hash: String, accountID: UUID, createdAt: Date, expiresAt: Date) throws

  /// The account of an unused, unexpired code, marking the code used; `nil` when there is none.
  func consumeEnrolmentCode(hash: String, at time: Date, deviceID: String) throws -> UUID?

  func saveDeviceToken(_ t: DeviceToken, hash: String, accountID: UUID) throws

  /// A token by the hash of its text, with its account.
  func deviceToken(hash: String) throws -> (DeviceToken, Account)?

  func deviceToken(id: UUID) throws -> DeviceToken?

  /// Tokens, newest first; of one account or one device when given.
  func deviceTokens(accountName: String?, deviceID: String?, includeInactive: Bool, at time: Date) throws
    -> [DeviceToken]

  /// Revokes a token at `time` (a revoked token stays revoked).
  func revokeDeviceToken(id: UUID, at time: Date) throws
  /// Marks the sign-in `id` as one whose device must erase its local data (set once).
  func requestDeviceWipe(id: UUID, at time: Date) throws

  /// Shortens a token's life to end no later than `time` (a refreshed token's grace period).
  func expireDeviceToken(id: UUID, by time: Date) throws

  /// Marks a token as exchanged for a new one at `time`; `false` when it already was (a token
  /// is refreshed once).
  func markDeviceTokenReplaced(id: UUID, at time: Date) throws -> Bool

  func touchDeviceToken(id: UUID, at time: Date) throws
}

/// The calls that leave trailing settings at their usual values.
extension AccountStore {
  public func deviceTokens(deviceID: String?, includeInactive: Bool, at time: Date) throws -> [DeviceToken] {
    try deviceTokens(accountName: nil, deviceID: deviceID, includeInactive: includeInactive, at: time)
  }

  public func deviceTokens(accountName: String?, includeInactive: Bool, at time: Date) throws -> [DeviceToken] {
    try deviceTokens(accountName: accountName, deviceID: nil, includeInactive: includeInactive, at: time)
  }

  public func deviceTokens(includeInactive: Bool, at time: Date) throws -> [DeviceToken] {
    try deviceTokens(accountName: nil, deviceID: nil, includeInactive: includeInactive, at: time)
  }
}
