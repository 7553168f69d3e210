public import Application
public import Model

/// Counts failed sign-ins by network address, shared with the gRPC sign-in: the portal's
/// one-time codes and session cookies are guesses against the same limit.
public protocol SignInLimiter: Sendable {
  /// `nil` when an attempt from `address` may be checked now, else why not (shown to the user).
  func admitAttempt(from address: String) async -> String?
  /// The attempt succeeded: its place is given back.
  func attemptSucceeded(from address: String)
  /// The attempt failed; returns how long to hold the answer back.
  func attemptFailed(from address: String, reason: String) -> Duration
}

/// What the portal reads from and who decides what a role may read.
public struct PortalServices: Sendable {
  public var repository: ServerRepository
  public var governance: GovernanceRepository
  public var oversight: OversightRepository
  public var accounts: AccountRepository
  public var limiter: any SignInLimiter
  /// Whether `role` may make the gRPC call `method` (`assure.v1.Service/Method`): the server's
  /// permission table, so that a page and the call that reads the same records are allowed to
  /// the same roles.
  public var allows: @Sendable (_ method: String, _ role: Role) -> Bool
  /// Told after a sign-in or sign-out (the server drops its token cache).
  public var signInsChanged: @Sendable () -> Void

  public init(
    repository: ServerRepository, governance: GovernanceRepository, oversight: OversightRepository,
    accounts: AccountRepository, limiter: any SignInLimiter,
    allows: @escaping @Sendable (_ method: String, _ role: Role) -> Bool,
    signInsChanged: @escaping @Sendable () -> Void = {}
  ) {
    self.repository = repository
    self.governance = governance
    self.oversight = oversight
    self.accounts = accounts
    self.limiter = limiter
    self.allows = allows
    self.signInsChanged = signInsChanged
  }
}
