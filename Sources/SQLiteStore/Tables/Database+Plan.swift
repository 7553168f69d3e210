public import GRDB
public import Model
import Stores

/// Reads and writes of the delivery plan and the areas, shared by the server and devices.
extension Database {
  // MARK: - Writes

  public func saveObjective(_ o: Objective) throws {
    try execute(
      sql: """
        INSERT INTO objective (id, title, description, position) VALUES (?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET title = excluded.title, description = excluded.description,
          position = excluded.position
        """,
      arguments: [o.id, o.title, o.description, o.position])
  }

  public func saveElement(_ e: PlanElement) throws {
    try execute(
      sql: """
        INSERT INTO plan_element (id, objective_id, title, description, opcc_lead, force_lead,
          status, start_date, due_date, position, rag_override, rag_override_reason)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET objective_id = excluded.objective_id, title = excluded.title,
          description = excluded.description, opcc_lead = excluded.opcc_lead,
          force_lead = excluded.force_lead, status = excluded.status,
          start_date = excluded.start_date, due_date = excluded.due_date,
          position = excluded.position, rag_override = excluded.rag_override,
          rag_override_reason = excluded.rag_override_reason
        """,
      arguments: [
        e.id, e.objectiveID, e.title, e.description, e.opccLead, e.forceLead, e.status.rawValue,
        e.startDate?.description, e.dueDate?.description, e.position, e.ragOverride?.rag.rawValue,
        e.ragOverride?.reason,
      ])
  }

  public func saveArea(_ a: Area, position: Int) throws {
    try execute(
      sql: """
        INSERT INTO area (code, name, position, retired) VALUES (?, ?, ?, ?)
        ON CONFLICT(code) DO UPDATE SET name = excluded.name, position = excluded.position,
          retired = excluded.retired
        """,
      arguments: [a.code, a.name, position, a.retired])
  }

  /// Saves an area received from the server: a known area keeps its place in the list, a new
  /// one goes last.
  public func saveArea(_ a: Area) throws {
    let position =
      try Int.fetchOne(self, sql: "SELECT position FROM area WHERE code = ?", arguments: [a.code])
      ?? Int.fetchOne(self, sql: "SELECT COALESCE(MAX(position) + 1, 0) FROM area") ?? 0
    try saveArea(a, position: position)
  }

  public func deletePlanEntity(_ type: EntityType, id: String) throws {
    switch type {
    case .objective: try execute(sql: "DELETE FROM objective WHERE id = ?", arguments: [id])
    case .element: try execute(sql: "DELETE FROM plan_element WHERE id = ?", arguments: [id])
    case .area: try execute(sql: "DELETE FROM area WHERE code = ?", arguments: [id])
    case .engagement, .conflict: break
    }
  }

  // MARK: - Reads

  /// Every objective in plan order.
  public func objectives() throws -> [Objective] {
    try Row.fetchAll(self, sql: "SELECT * FROM objective ORDER BY position, id").map(Objective.init(row:))
  }

  public func objective(id: String) throws -> Objective? {
    try Row.fetchOne(self, sql: "SELECT * FROM objective WHERE id = ?", arguments: [id]).map(Objective.init(row:))
  }

  /// Plan elements in plan order (objective position, then element position), optionally of one objective.
  public func elements(objectiveID: String? = nil) throws -> [PlanElement] {
    var sql = """
      SELECT e.* FROM plan_element e LEFT JOIN objective o ON o.id = e.objective_id
      """
    var arguments = StatementArguments()
    if let objectiveID {
      sql += " WHERE e.objective_id = ?"
      _ = arguments.append(contentsOf: [objectiveID])
    }
    sql += " ORDER BY o.position, e.position, e.id"
    return try Row.fetchAll(self, sql: sql, arguments: arguments).map(PlanElement.init(row:))
  }

  public func element(id: String) throws -> PlanElement? {
    try Row.fetchOne(self, sql: "SELECT * FROM plan_element WHERE id = ?", arguments: [id])
      .map(PlanElement.init(row:))
  }

  /// The stored areas in display order, retired ones included.
  public func areas() throws -> [Area] {
    try Row.fetchAll(self, sql: "SELECT code, name, retired FROM area ORDER BY position, code").map {
      Area(code: $0["code"], name: $0["name"], retired: $0["retired"])
    }
  }

  /// The stored area with this code, if any.
  public func area(code: String) throws -> Area? {
    try Row.fetchOne(self, sql: "SELECT code, name, retired FROM area WHERE code = ?", arguments: [code]).map {
      Area(code: $0["code"], name: $0["name"], retired: $0["retired"])
    }
  }

  /// How many engagements (deleted ones included) are recorded in an area.
  public func engagementCount(area code: String) throws -> Int {
    try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM engagement WHERE area = ?", arguments: [code]) ?? 0
  }

  /// What engagements are validated against, from the stored plan and areas. Parts with no
  /// rows stored yet (a device that has never synced) are `nil`, and so not checked.
  public func validationContext(latestDate: LocalDate?) throws -> ValidationContext {
    let areaCodes = try String.fetchAll(self, sql: "SELECT code FROM area")
    let retired = try String.fetchAll(self, sql: "SELECT code FROM area WHERE retired = 1")
    let objectiveIDs = try String.fetchAll(self, sql: "SELECT id FROM objective")
    let elementRows = try Row.fetchAll(self, sql: "SELECT id, objective_id FROM plan_element")
    let profile = try forceProfile()
    let kinds = profile.engagementKinds.map(\.code)
    return ValidationContext(
      latestDate: latestDate,
      areas: areaCodes.isEmpty ? nil : Set(areaCodes),
      retiredAreas: Set(retired),
      objectives: objectiveIDs.isEmpty ? nil : Set(objectiveIDs),
      elements: elementRows.isEmpty
        ? nil
        : Dictionary(uniqueKeysWithValues: elementRows.map { ($0["id"] as String, $0["objective_id"] as String) }),
      kinds: kinds, offices: profile.offices.map(\.code.rawValue))
  }
}

extension Objective {
  init(row: Row) {
    self.init(id: row["id"], title: row["title"], description: row["description"], position: row["position"])
  }
}

extension PlanElement {
  init(row: Row) {
    self.init(
      id: row["id"], objectiveID: row["objective_id"], title: row["title"],
      description: row["description"], opccLead: row["opcc_lead"], forceLead: row["force_lead"],
      status: ElementStatus(rawValue: row["status"]),
      startDate: (row["start_date"] as String?).flatMap(LocalDate.init),
      dueDate: (row["due_date"] as String?).flatMap(LocalDate.init), position: row["position"],
      ragOverride: (row["rag_override"] as String?).flatMap(RAG.init(rawValue:)).map {
        RAGOverride(rag: $0, reason: row["rag_override_reason"] ?? "")
      })
  }
}
