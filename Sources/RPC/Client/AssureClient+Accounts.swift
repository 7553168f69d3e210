public import Model
import SwiftProtobuf

// `AccountService`: signing a device in and out, and the administration of users and devices.

extension AssureClient {
  private var accounts: Assure_V1_AccountService.Client<Transport> { .init(wrapping: grpc) }

  // MARK: - This device's sign-in

  /// Exchanges a one-time code for a device token. With `previousToken` (the device's current
  /// sign-in), the server revokes that sign-in, so that the device id may be signed in again.
  public func enrol(code: String, deviceID: String, label: String, previousToken: String? = nil) async throws
    -> IssuedSignIn
  {
    let request = Assure_V1_EnrolRequest.with {
      $0.code = code
      $0.deviceID = deviceID
      $0.label = label
      $0.previousToken = previousToken ?? ""
    }
    return try IssuedSignIn(proto: try await call { try await accounts.enrol(request, options: $0) })
  }

  /// Exchanges the caller's token for a new one (the old one stops working).
  public func refreshToken() async throws -> IssuedSignIn {
    try IssuedSignIn(proto: try await call { try await accounts.refreshToken(.init(), options: $0) })
  }

  /// The caller's account and sign-in, as the server sees them.
  public func whoAmI() async throws -> CurrentSignIn {
    let response = try await call { try await accounts.whoAmI(.init(), options: $0) }
    return CurrentSignIn(account: try Account(proto: response.account), signIn: try DeviceToken(proto: response.signIn))
  }

  /// Revokes the caller's own sign-in.
  public func signOut() async throws {
    _ = try await call { try await accounts.signOut(.init(), options: $0) }
  }

  // MARK: - Users and devices (administrators)

  /// Adds a user and returns the one-time code their first device signs in with.
  public func createUser(name: String, displayName: String? = nil, role: Role) async throws -> EnrolmentCode {
    let request = Assure_V1_CreateUserRequest.with {
      $0.name = name
      $0.displayName = displayName ?? ""
      $0.role = role.rawValue
    }
    return try EnrolmentCode(proto: try await call { try await accounts.createUser(request, options: $0) })
  }

  /// A new one-time code for an existing user.
  public func issueEnrolmentCode(forUser name: String) async throws -> EnrolmentCode {
    try EnrolmentCode(
      proto: try await call { try await accounts.issueEnrolmentCode(.with { $0.name = name }, options: $0) })
  }

  /// Disables a user: none of their devices can call the server any more.
  public func disableUser(name: String) async throws -> Account {
    let response = try await call { try await accounts.disableUser(.with { $0.name = name }, options: $0) }
    return try Account(proto: response.account)
  }

  /// Every user.
  public func users() async throws -> [Account] {
    let response = try await call { try await accounts.listUsers(.init(), options: $0) }
    return try response.accounts.map { try Account(proto: $0) }
  }

  /// Device sign-ins, of every user or one; revoked and expired ones with `includeInactive`.
  public func devices(accountName: String? = nil, includeInactive: Bool = false) async throws -> [DeviceToken] {
    let request = Assure_V1_ListDevicesRequest.with {
      $0.accountName = accountName ?? ""
      $0.includeInactive = includeInactive
    }
    let response = try await call { try await accounts.listDevices(request, options: $0) }
    return try response.signIns.map { try DeviceToken(proto: $0) }
  }

  /// Revokes a sign-in by its id, or with `byDevice` every sign-in of a device id; returns
  /// those revoked. With `wipe` (a lost device) the device also erases its local data the next
  /// time it reaches the server.
  public func revokeDevice(id: String, byDevice: Bool = false, wipe: Bool = false) async throws -> [DeviceToken] {
    let request = Assure_V1_RevokeDeviceRequest.with {
      $0.id = id
      $0.byDevice = byDevice
      $0.wipe = wipe
    }
    let response = try await call { try await accounts.revokeDevice(request, options: $0) }
    return try response.revoked.map { try DeviceToken(proto: $0) }
  }
}

extension IssuedSignIn {
  fileprivate init(proto p: Assure_V1_TokenResponse) throws(ValidationError) {
    self.init(token: p.token, account: try Account(proto: p.account), signIn: try DeviceToken(proto: p.signIn))
  }
}

extension EnrolmentCode {
  fileprivate init(proto p: Assure_V1_EnrolmentCodeResponse) throws(ValidationError) {
    self.init(account: try Account(proto: p.account), code: p.code, expiresAt: p.expiresAt.millisecondDate)
  }
}
