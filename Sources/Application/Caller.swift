public import Model
import Sync

/// Who is making a server call: recorded on every write and in the audit trail.
///
/// Authority is explicit and fails closed: a signed-in account has its role's rights, the
/// server itself (first start, the demo seed, the command line on the server's machine) is
/// named as such, and a caller nobody authenticated may change nothing. There is no default.
public struct Caller: Sendable, Hashable {
  /// Where a caller's rights come from.
  public enum Authority: Sendable, Hashable {
    /// A signed-in account: what its role allows.
    case account(Role)
    /// The server itself, acting on its own machine: everything.
    case server
    /// Nobody signed in (a call open to anyone, such as enrolment or health): no change to
    /// any record.
    case anonymous
  }

  /// The account's sign-in name.
  public var user: String
  /// The device the call came from, when known.
  public var deviceID: String?
  /// The call, e.g. `DeliveryPlanService.SetElementStatus`.
  public var rpc: String
  public var authority: Authority

  /// A signed-in account with `role`.
  public init(user: String, deviceID: String? = nil, rpc: String, role: Role) {
    self.init(user: user, deviceID: deviceID, rpc: rpc, authority: .account(role))
  }

  public init(user: String, deviceID: String? = nil, rpc: String, authority: Authority) {
    self.user = user
    self.deviceID = deviceID
    self.rpc = rpc
    self.authority = authority
  }

  /// The server itself acting as `user` (e.g. `console:root`, `demo`), with every right.
  public static func server(_ user: String, deviceID: String? = nil, rpc: String) -> Caller {
    Caller(user: user, deviceID: deviceID, rpc: rpc, authority: .server)
  }

  /// A caller nobody authenticated: may read what is open to anyone, and change nothing.
  public static func anonymous(rpc: String) -> Caller {
    Caller(user: "anonymous", rpc: rpc, authority: .anonymous)
  }

  /// The account's role; `nil` for the server itself and for an anonymous caller.
  public var role: Role? {
    if case .account(let role) = authority { return role }
    return nil
  }

  /// Who a change is recorded as made by: the signed-in account; or, for the server itself
  /// passing on a change a user made (a test's device, a tool on the server's machine), that
  /// user.
  public func actor(onBehalfOf recorder: String) -> String {
    authority == .server ? recorder : user
  }

  /// Whether an account signed in or the server itself acts: only then may anything change.
  public var isIdentified: Bool { authority != .anonymous }

  /// What the caller is, for messages: the role's name, `server` or `anonymous`.
  public var authorityName: String {
    switch authority {
    case .account(let role): role.rawValue
    case .server: "server"
    case .anonymous: "anonymous"
    }
  }

  /// Whether this caller may record, change or delete an engagement attended by `who`:
  /// a field role for its own office, or the server itself; never an anonymous caller.
  public func mayRecord(for who: Officeholder) -> Bool {
    switch authority {
    case .account(let role): role.mayRecord(for: who)
    case .server: true
    case .anonymous: false
    }
  }

  /// Refuses a write by a caller nobody authenticated.
  public func requireIdentified() throws(AccessError) {
    guard isIdentified else {
      throw AccessError(.unauthenticated, "\(rpc) needs a signed-in caller: no change was made")
    }
  }
}
