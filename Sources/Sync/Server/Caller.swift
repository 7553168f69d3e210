import Model

/// Who is making a server call: recorded on every write and in the audit trail.
public struct Caller: Sendable, Hashable {
  /// The account's sign-in name.
  public var user: String
  /// The device the call came from, when known.
  public var deviceID: String?
  /// The call, e.g. `DeliveryPlanService.SetElementStatus`.
  public var rpc: String
  /// The account's role; `nil` for the server itself (first start, the demo seed, the
  /// command line on the server's machine).
  public var role: Role?

  public init(user: String, deviceID: String? = nil, rpc: String, role: Role? = nil) {
    self.user = user
    self.deviceID = deviceID
    self.rpc = rpc
    self.role = role
  }

  /// Whether this caller may record, change or delete an engagement attended by `who`:
  /// a field role for its own office, or the server itself.
  public func mayRecord(for who: Officeholder) -> Bool {
    guard let role else { return true }
    return role.mayRecord(for: who)
  }
}
