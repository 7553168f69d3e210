import Foundation
public import Model

/// The delivery plan's objectives and elements, the force's areas and its profile (names and
/// words of the office), and the rules an engagement is checked against.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol PlanStore {
  /// The stored profile, or ``ForceProfile/standard`` when none is stored.
  func forceProfile() throws -> ForceProfile

  /// Whether a profile is stored at all.
  func hasForceProfile() throws -> Bool

  func saveForceProfile(_ profile: ForceProfile) throws

  func saveObjective(_ o: Objective) throws

  func saveElement(_ e: PlanElement) throws

  func saveArea(_ a: Area, position: Int) throws

  /// Saves an area received from the server: a known area keeps its place in the list, a new
  /// one goes last.
  func saveArea(_ a: Area) throws

  func deletePlanEntity(_ type: EntityType, id: String) throws

  /// Every objective in plan order.
  func objectives() throws -> [Objective]

  func objective(id: String) throws -> Objective?

  /// Plan elements in plan order (objective position, then element position), optionally of one objective.
  func elements(objectiveID: String?) throws -> [PlanElement]

  func element(id: String) throws -> PlanElement?

  /// The stored areas in display order, retired ones included.
  func areas() throws -> [Area]

  /// The stored area with this code, if any.
  func area(code: String) throws -> Area?

  /// How many engagements (deleted ones included) are recorded in an area.
  func engagementCount(area code: String) throws -> Int

  /// What engagements are validated against, from the stored plan and areas. Parts with no
  /// rows stored yet (a device that has never synced) are `nil`, and so not checked.
  func validationContext(latestDate: LocalDate?) throws -> ValidationContext

  /// The position of the area with this code, retired or not; `nil` when there is none.
  func areaPosition(code: String) throws -> Int?

  /// The position after the last area's (0 when there are none).
  func nextAreaPosition() throws -> Int

  /// The position after the last objective's (1 when there are none).
  func nextObjectivePosition() throws -> Int

  /// The position after the last element's of an objective (1 when it has none).
  func nextElementPosition(objectiveID: String) throws -> Int
}

/// The calls that leave trailing settings at their usual values.
extension PlanStore {
  public func elements() throws -> [PlanElement] {
    try elements(objectiveID: nil)
  }
}
