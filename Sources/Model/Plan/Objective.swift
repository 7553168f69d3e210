/// A strategic objective of the Police and Crime Plan, e.g. "Putting victims and survivors first".
public struct Objective: Sendable, Hashable, Codable, Identifiable {
  /// Stable reference used to link records, e.g. `1`.
  public var id: String
  public var title: String
  public var description: String
  /// Order in the plan, from 1.
  public var position: Int

  public init(id: String, title: String, description: String = "", position: Int) {
    self.id = id
    self.title = title
    self.description = description
    self.position = position
  }
}
