/// Who is making a server call: recorded on every write and in the audit trail.
public struct Caller: Sendable, Hashable {
  /// The user's name.
  public var user: String
  /// The device the call came from, when known.
  public var deviceID: String?
  /// The call, e.g. `DeliveryPlanService.SetElementStatus`.
  public var rpc: String

  public init(user: String, deviceID: String? = nil, rpc: String) {
    self.user = user
    self.deviceID = deviceID
    self.rpc = rpc
  }
}
