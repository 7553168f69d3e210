import Foundation
import Model
import PostgresNIO
import Stores

/// The delivery plan, the areas and the force's profile.
extension PostgresServerTransaction: PlanStore {
  func forceProfile() throws -> ForceProfile {
    guard let text = try session.value("SELECT profile FROM force_profile WHERE id = 1", as: String.self) else {
      return .standard
    }
    return try JSONDecoder().decode(ForceProfile.self, from: Data(text.utf8))
  }

  func hasForceProfile() throws -> Bool {
    try session.row("SELECT 1 FROM force_profile") != nil
  }

  func saveForceProfile(_ profile: ForceProfile) throws {
    try session.notify(.plan)
    try session.execute(
      """
      INSERT INTO force_profile (id, profile) VALUES (1, \(try JSONText.encode(profile)))
      ON CONFLICT (id) DO UPDATE SET profile = EXCLUDED.profile
      """)
  }

  func saveObjective(_ o: Objective) throws {
    try session.notify(.plan)
    try session.execute(
      """
      INSERT INTO objective (id, title, description, position) VALUES (\(o.id), \(o.title), \(o.description), \(o.position))
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
        position = EXCLUDED.position
      """)
  }

  func saveElement(_ e: PlanElement) throws {
    try session.notify(.plan)
    try session.execute(
      """
      INSERT INTO plan_element (id, objective_id, title, description, opcc_lead, force_lead,
        status, start_date, due_date, position, rag_override, rag_override_reason)
      VALUES (\(e.id), \(e.objectiveID), \(e.title), \(e.description), \(e.opccLead), \(e.forceLead),
        \(e.status.rawValue), \(e.startDate?.description), \(e.dueDate?.description), \(e.position),
        \(e.ragOverride?.rag.rawValue), \(e.ragOverride?.reason))
      ON CONFLICT (id) DO UPDATE SET objective_id = EXCLUDED.objective_id, title = EXCLUDED.title,
        description = EXCLUDED.description, opcc_lead = EXCLUDED.opcc_lead, force_lead = EXCLUDED.force_lead,
        status = EXCLUDED.status, start_date = EXCLUDED.start_date, due_date = EXCLUDED.due_date,
        position = EXCLUDED.position, rag_override = EXCLUDED.rag_override,
        rag_override_reason = EXCLUDED.rag_override_reason
      """)
  }

  func saveArea(_ a: Area, position: Int) throws {
    try session.notify(.plan)
    try session.execute(
      """
      INSERT INTO area (code, name, position, retired) VALUES (\(a.code), \(a.name), \(position), \(a.retired))
      ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, position = EXCLUDED.position, retired = EXCLUDED.retired
      """)
  }

  /// A known area keeps its place in the list, a new one goes last.
  func saveArea(_ a: Area) throws {
    let position = try areaPosition(code: a.code) ?? nextAreaPosition()
    try saveArea(a, position: position)
  }

  func deletePlanEntity(_ type: EntityType, id: String) throws {
    try session.notify(.plan)
    switch type {
    case .objective: try session.execute("DELETE FROM objective WHERE id = \(id)")
    case .element: try session.execute("DELETE FROM plan_element WHERE id = \(id)")
    case .area: try session.execute("DELETE FROM area WHERE code = \(id)")
    case .engagement, .conflict: break
    }
  }

  func objectives() throws -> [Objective] {
    try session.rows("SELECT * FROM objective ORDER BY position, id").map(Objective.init(row:))
  }

  func objective(id: String) throws -> Objective? {
    try session.row("SELECT * FROM objective WHERE id = \(id)").map(Objective.init(row:))
  }

  /// In plan order: objective position, then element position. An element whose objective is
  /// gone sorts first, as on SQLite, which puts NULL first in ascending order (PostgreSQL
  /// puts it last unless told).
  func elements(objectiveID: String?) throws -> [PlanElement] {
    var statement = Statement("SELECT e.* FROM plan_element e LEFT JOIN objective o ON o.id = e.objective_id")
    if let objectiveID { statement.append(" WHERE e.objective_id = \(statement.bind(objectiveID))") }
    statement.append(" ORDER BY o.position NULLS FIRST, e.position, e.id")
    return try session.rows(statement.query).map(PlanElement.init(row:))
  }

  func element(id: String) throws -> PlanElement? {
    try session.row("SELECT * FROM plan_element WHERE id = \(id)").map(PlanElement.init(row:))
  }

  func areas() throws -> [Area] {
    try session.rows("SELECT code, name, retired FROM area ORDER BY position, code").map(Area.init(row:))
  }

  func area(code: String) throws -> Area? {
    try session.row("SELECT code, name, retired FROM area WHERE code = \(code)").map(Area.init(row:))
  }

  func engagementCount(area code: String) throws -> Int {
    Int(try session.value("SELECT COUNT(*) FROM engagement WHERE area = \(code)", as: Int64.self) ?? 0)
  }

  func validationContext(latestDate: LocalDate?) throws -> ValidationContext {
    let areas = try session.rows("SELECT code, retired FROM area")
    let areaCodes: [String] = try areas.map { try $0[0] }
    let retired: [String] = try areas.filter { try $0[1] as Bool }.map { try $0[0] }
    let objectiveIDs: [String] = try session.rows("SELECT id FROM objective").map { try $0[0] }
    let elements: [(String, String)] = try session.rows("SELECT id, objective_id FROM plan_element").map {
      (try $0[0], try $0[1])
    }
    let profile = try forceProfile()
    return ValidationContext(
      latestDate: latestDate,
      areas: areaCodes.isEmpty ? nil : Set(areaCodes),
      retiredAreas: Set(retired),
      objectives: objectiveIDs.isEmpty ? nil : Set(objectiveIDs),
      elements: elements.isEmpty ? nil : Dictionary(uniqueKeysWithValues: elements),
      kinds: profile.engagementKinds.map(\.code), offices: profile.offices.map(\.code.rawValue))
  }

  func areaPosition(code: String) throws -> Int? {
    try session.value("SELECT position FROM area WHERE code = \(code)", as: Int64.self).map(Int.init)
  }

  func nextAreaPosition() throws -> Int {
    Int(try session.value("SELECT COALESCE(MAX(position) + 1, 0) FROM area", as: Int64.self) ?? 0)
  }

  func nextObjectivePosition() throws -> Int {
    Int(try session.value("SELECT MAX(position) FROM objective", as: Int64.self) ?? 0) + 1
  }

  func nextElementPosition(objectiveID: String) throws -> Int {
    Int(
      try session.value("SELECT MAX(position) FROM plan_element WHERE objective_id = \(objectiveID)", as: Int64.self)
        ?? 0) + 1
  }
}

extension Objective {
  init(row: Row) throws {
    self.init(
      id: try row["id"], title: try row["title"], description: try row["description"],
      position: Int(try row["position"] as Int64))
  }
}

extension PlanElement {
  init(row: Row) throws {
    let override: String? = try row["rag_override"]
    let reason: String? = try row["rag_override_reason"]
    self.init(
      id: try row["id"], objectiveID: try row["objective_id"], title: try row["title"],
      description: try row["description"], opccLead: try row["opcc_lead"], forceLead: try row["force_lead"],
      status: ElementStatus(rawValue: try row["status"]),
      startDate: (try row["start_date"] as String?).flatMap(LocalDate.init),
      dueDate: (try row["due_date"] as String?).flatMap(LocalDate.init), position: Int(try row["position"] as Int64),
      ragOverride: override.flatMap(RAG.init(rawValue:)).map { RAGOverride(rag: $0, reason: reason ?? "") })
  }
}

extension Area {
  init(row: Row) throws {
    self.init(code: try row["code"], name: try row["name"], retired: try row["retired"])
  }
}
