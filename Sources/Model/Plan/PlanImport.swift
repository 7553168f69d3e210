import Foundation

/// Turns the rows of a plan file into the objectives and elements to store, checking every
/// row against the stored plan and the rest of the file first.
///
/// All or nothing: any bad row fails the whole import, and the error lists every bad row with
/// its line number and the rule it broke.
public struct PlanImport: Sendable, Hashable {
  /// Objectives to create or update, in file order.
  public var objectives: [Objective]
  /// Elements to create or update, in file order.
  public var elements: [PlanElement]
  /// Line of the file each element came from, by element id.
  public var lines: [String: Int]

  /// Merges `rows` into the stored plan. Records the file does not mention are left as they are.
  public static func merge(
    _ rows: [PlanCSV.Row], objectives stored: [Objective], elements storedElements: [PlanElement]
  ) throws(ValidationError) -> PlanImport {
    var v = ViolationCollector()
    var objectives = Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var elements = Dictionary(storedElements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var objectiveOrder: [String] = []
    var elementOrder: [String] = []
    var lines: [String: Int] = [:]
    var seenObjectiveRows: [String: Int] = [:]
    var nextObjectivePosition = (stored.map(\.position).max() ?? 0) + 1
    var nextElementPosition: [String: Int] = [:]
    for element in storedElements {
      nextElementPosition[element.objectiveID] = max(
        nextElementPosition[element.objectiveID] ?? 1, element.position + 1)
    }

    func date(_ row: PlanCSV.Row, _ column: String) -> LocalDate?? {
      guard let text = row[column] else { return .none }
      guard let date = LocalDate(text) else {
        v.fail("line \(row.line), \(column)", "must be a date YYYY-MM-DD (got \"\(text)\")")
        return .some(nil)
      }
      return .some(date)
    }

    for row in rows {
      let at = "line \(row.line)"
      guard let objectiveID = row["objective"] else {
        v.fail("\(at), objective", "is required")
        continue
      }
      // The objective: created or updated by any row that gives its title or description.
      if row["objective_title"] != nil || row["objective_description"] != nil || row["element"] == nil {
        if row["element"] == nil, let earlier = seenObjectiveRows[objectiveID] {
          v.fail("\(at), objective", "objective \(objectiveID) is already described on line \(earlier)")
        }
        if row["element"] == nil { seenObjectiveRows[objectiveID] = row.line }
        var objective =
          objectives[objectiveID] ?? Objective(id: objectiveID, title: "", position: nextObjectivePosition)
        if objectives[objectiveID] == nil { nextObjectivePosition += 1 }
        if let title = row["objective_title"] { objective.title = title }
        if let description = row["objective_description"] { objective.description = description }
        check(
          at, objective.validate,
          renaming: ["id": "objective", "title": "objective_title", "description": "objective_description"], &v)
        objectives[objectiveID] = objective
        if !objectiveOrder.contains(objectiveID) { objectiveOrder.append(objectiveID) }
      }
      guard let elementID = row["element"] else { continue }
      if let earlier = lines[elementID] {
        v.fail("\(at), element", "element \(elementID) is already on line \(earlier)")
        continue
      }
      lines[elementID] = row.line
      var element: PlanElement
      if let existing = elements[elementID] {
        element = existing
        if existing.objectiveID != objectiveID {
          // Moving an element to another objective puts it last there.
          element.objectiveID = objectiveID
          element.position = nextElementPosition[objectiveID] ?? 1
          nextElementPosition[objectiveID] = element.position + 1
        }
      } else {
        element = PlanElement(
          id: elementID, objectiveID: objectiveID, title: "", position: nextElementPosition[objectiveID] ?? 1)
        nextElementPosition[objectiveID] = element.position + 1
      }
      if let title = row["title"] { element.title = title }
      if let description = row["description"] { element.description = description }
      if let lead = row["opcc_lead"] { element.opccLead = lead }
      if let lead = row["force_lead"] { element.forceLead = lead }
      if let status = row["status"] { element.status = ElementStatus(rawValue: status.lowercased()) }
      if case .some(let start) = date(row, "start_date"), let start { element.startDate = start }
      if case .some(let due) = date(row, "due_date"), let due { element.dueDate = due }
      switch (row["rag_override"], row["rag_override_reason"]) {
      case (nil, nil): break
      case (let rag?, let reason):
        if rag.lowercased() == "none" {
          element.ragOverride = nil
        } else if let value = RAG(rawValue: rag.lowercased()) {
          element.ragOverride = RAGOverride(rag: value, reason: reason ?? element.ragOverride?.reason ?? "")
        } else {
          v.fail("\(at), rag_override", "must be red, amber, green or none (got \"\(rag)\")")
        }
      case (nil, let reason?):
        if element.ragOverride == nil {
          v.fail("\(at), rag_override_reason", "is given but the element has no rag_override")
        } else {
          element.ragOverride?.reason = reason
        }
      }
      let known = Set(objectives.keys)
      check(
        at, { () throws(ValidationError) in try element.validate(objectives: known) }, renaming: ["id": "element"], &v)
      elements[elementID] = element
      elementOrder.append(elementID)
    }
    try v.throwIfAny()
    return PlanImport(
      objectives: objectiveOrder.compactMap { objectives[$0] }, elements: elementOrder.compactMap { elements[$0] },
      lines: lines)
  }

  /// Runs a record's own check and files its violations under the row's line.
  private static func check(
    _ at: String, _ validate: () throws(ValidationError) -> Void, renaming: [String: String],
    _ v: inout ViolationCollector
  ) {
    do {
      try validate()
    } catch {
      for violation in error.violations {
        v.fail("\(at), \(renaming[violation.field] ?? violation.field)", violation.rule)
      }
    }
  }
}
