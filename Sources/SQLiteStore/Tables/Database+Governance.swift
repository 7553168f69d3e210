public import Foundation
public import GRDB
public import Model
import Stores

/// The server's records of plan governance: status history, milestones, progress updates,
/// meetings and their actions.
extension Database {
  // MARK: - Writes

  /// Appends to an element's status history (the table refuses updates and deletes).
  public func appendStatusChange(_ c: StatusChange) throws {
    try execute(
      sql: """
        INSERT INTO element_status_change (element_id, effective_on, status, rag_override, rag_override_reason,
          note, author, recorded_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        c.elementID, c.effectiveOn.description, c.status.rawValue, c.ragOverride?.rag.rawValue, c.ragOverride?.reason,
        c.note, c.author, c.recordedAt.millisecondsSince1970,
      ])
  }

  /// The number the next milestone of an element takes (its id is `<element>-M<number>`).
  public func nextMilestoneNumber(elementID: String) throws -> Int {
    try Int.fetchOne(
      self, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM milestone WHERE element_id = ?", arguments: [elementID]) ?? 1
  }

  public func saveMilestone(_ m: Milestone, number: Int) throws {
    try execute(
      sql: """
        INSERT INTO milestone (id, element_id, number, title, due_date, completed_on, links) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET element_id = excluded.element_id, title = excluded.title,
          due_date = excluded.due_date, completed_on = excluded.completed_on, links = excluded.links
        """,
      arguments: [
        m.id, m.elementID, number, m.title, m.dueDate.description, m.completedOn?.description,
        try JSONText.encode(m.links),
      ])
  }

  public func saveProgressUpdate(_ u: ProgressUpdate) throws {
    try execute(
      sql: """
        INSERT INTO progress_update (id, element_id, date, narrative, author, status, for_panel, links, recorded_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        u.id.storageKey, u.elementID, u.date.description, u.narrative, u.author, u.status.rawValue, u.forPanel,
        try JSONText.encode(u.links), u.recordedAt.millisecondsSince1970,
      ])
  }

  /// A free meeting id for a day: the date, then `-2`, `-3`, … for further meetings that day.
  public func nextMeetingID(on date: LocalDate) throws -> String {
    let base = date.description
    let taken = Set(try String.fetchAll(self, sql: "SELECT id FROM meeting WHERE date = ?", arguments: [base]))
    if !taken.contains(base) { return base }
    var n = 2
    while taken.contains("\(base)-\(n)") { n += 1 }
    return "\(base)-\(n)"
  }

  public func saveMeeting(_ m: Meeting, recordedAt: Date) throws {
    try execute(
      sql: """
        INSERT INTO meeting (id, date, title, attendees, decisions, notes, recorded_by, recorded_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        m.id, m.date.description, m.title, try JSONText.encode(m.attendees), try JSONText.encode(m.decisions), m.notes,
        m.recordedBy, recordedAt.millisecondsSince1970,
      ])
  }

  /// Stores a new action under the next id (`A1`, `A2`, …) and returns it with that id.
  public func insertAction(_ a: MeetingAction) throws -> MeetingAction {
    let number =
      try Int.fetchOne(self, sql: "SELECT COALESCE(MAX(number), 0) + 1 FROM meeting_action") ?? 1
    var action = a
    action.id = "A\(number)"
    try execute(
      sql: """
        INSERT INTO meeting_action (number, id, meeting_id, text, owner, due_date, status, closed_on, element_id, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        number, action.id, action.meetingID, action.text, action.owner, action.dueDate?.description,
        action.status.rawValue, action.closedOn?.description, action.elementID, action.note,
      ])
    return action
  }

  public func updateAction(_ a: MeetingAction) throws {
    try execute(
      sql: """
        UPDATE meeting_action SET text = ?, owner = ?, due_date = ?, status = ?, closed_on = ?, element_id = ?, note = ?
        WHERE id = ?
        """,
      arguments: [
        a.text, a.owner, a.dueDate?.description, a.status.rawValue, a.closedOn?.description, a.elementID, a.note, a.id,
      ])
  }

  // MARK: - Reads

  /// An element's status history, oldest first (by effective day, then as recorded).
  public func statusHistory(elementID: String) throws -> [StatusChange] {
    try Row.fetchAll(
      self, sql: "SELECT * FROM element_status_change WHERE element_id = ? ORDER BY effective_on, seq",
      arguments: [elementID]
    ).map(StatusChange.init(row:))
  }

  /// The status an element held on a day by its history, or `nil` when its history starts later.
  public func historicStatus(elementID: String, on day: LocalDate) throws -> ElementStatus? {
    try String.fetchOne(
      self,
      sql: """
        SELECT status FROM element_status_change WHERE element_id = ? AND effective_on <= ?
        ORDER BY effective_on DESC, seq DESC LIMIT 1
        """, arguments: [elementID, day.description]
    ).map(ElementStatus.init(rawValue:))
  }

  /// The latest entry of an element's history by effective day (what its status is now).
  public func currentStatusChange(elementID: String) throws -> StatusChange? {
    try Row.fetchOne(
      self,
      sql: "SELECT * FROM element_status_change WHERE element_id = ? ORDER BY effective_on DESC, seq DESC LIMIT 1",
      arguments: [elementID]
    ).map(StatusChange.init(row:))
  }

  public func milestone(id: String) throws -> Milestone? {
    try Row.fetchOne(self, sql: "SELECT * FROM milestone WHERE id = ?", arguments: [id]).map(Milestone.init(row:))
  }

  /// Milestones of one element (or all), by due date.
  public func milestones(elementID: String? = nil) throws -> [Milestone] {
    if let elementID {
      return try Row.fetchAll(
        self, sql: "SELECT * FROM milestone WHERE element_id = ? ORDER BY due_date, number", arguments: [elementID]
      ).map(Milestone.init(row:))
    }
    return try Row.fetchAll(self, sql: "SELECT * FROM milestone ORDER BY due_date, element_id, number")
      .map(Milestone.init(row:))
  }

  /// Progress updates, newest first, optionally of one element and one month.
  public func progressUpdates(elementID: String? = nil, month: YearMonth? = nil, limit: Int = 100) throws
    -> [ProgressUpdate]
  {
    var conditions: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    if let elementID {
      conditions.append("element_id = ?")
      arguments.append(elementID)
    }
    if let month {
      conditions.append("date BETWEEN ? AND ?")
      arguments += [month.firstDay.description, month.lastDay.description]
    }
    let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    return try Row.fetchAll(
      self, sql: "SELECT * FROM progress_update \(filter) ORDER BY date DESC, recorded_at_ms DESC LIMIT ?",
      arguments: StatementArguments(arguments + [limit])
    ).map(ProgressUpdate.init(row:))
  }

  public func meeting(id: String) throws -> Meeting? {
    try Row.fetchOne(self, sql: "SELECT * FROM meeting WHERE id = ?", arguments: [id]).map(Meeting.init(row:))
  }

  /// Every meeting, newest first.
  public func meetings() throws -> [Meeting] {
    try Row.fetchAll(self, sql: "SELECT * FROM meeting ORDER BY date DESC, id DESC").map(Meeting.init(row:))
  }

  public func action(id: String) throws -> MeetingAction? {
    try Row.fetchOne(self, sql: "SELECT * FROM meeting_action WHERE id = ? COLLATE NOCASE", arguments: [id])
      .map(MeetingAction.init(row:))
  }

  /// Actions in the order they were recorded, optionally of one status and one owner.
  public func actions(status: ActionStatus? = nil, owner: String? = nil) throws -> [MeetingAction] {
    var conditions: [String] = []
    var arguments: [any DatabaseValueConvertible] = []
    if let status {
      conditions.append("status = ?")
      arguments.append(status.rawValue)
    }
    if let owner {
      conditions.append("owner = ? COLLATE NOCASE")
      arguments.append(owner)
    }
    let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    return try Row.fetchAll(
      self, sql: "SELECT * FROM meeting_action \(filter) ORDER BY number", arguments: StatementArguments(arguments)
    ).map(MeetingAction.init(row:))
  }

  // MARK: - The monthly review

  /// Fetches what the review of `month` needs, as at `asOf`, with one indexed query per part.
  public func reviewInputs(month: YearMonth, asOf: LocalDate) throws -> ReviewInputs {
    let start = month.firstDay.description
    let end = asOf.description
    // Per element, its last change before the month (one index lookup each), then every change
    // in the month up to the review day.
    let before = try Row.fetchAll(
      self,
      sql: """
        SELECT h.* FROM plan_element p JOIN element_status_change h ON h.seq = (
          SELECT s.seq FROM element_status_change s WHERE s.element_id = p.id AND s.effective_on < ?
          ORDER BY s.effective_on DESC, s.seq DESC LIMIT 1)
        """, arguments: [start])
    let during = try Row.fetchAll(
      self, sql: "SELECT * FROM element_status_change WHERE effective_on BETWEEN ? AND ? ORDER BY effective_on, seq",
      arguments: [start, end])
    let withHistory = Set(try String.fetchAll(self, sql: "SELECT DISTINCT element_id FROM element_status_change"))
    let updates = try Row.fetchAll(
      self, sql: "SELECT * FROM progress_update WHERE date BETWEEN ? AND ?", arguments: [start, end]
    ).map(ProgressUpdate.init(row:))
    let nextMonth = month.next
    let milestones = try Row.fetchAll(
      self,
      sql: """
        SELECT * FROM milestone WHERE completed_on BETWEEN ? AND ?
        UNION SELECT * FROM milestone WHERE due_date <= ? AND (completed_on IS NULL OR completed_on > ?)
        """, arguments: [start, end, nextMonth.lastDay.description, end]
    ).map(Milestone.init(row:))
    let actions = try Row.fetchAll(
      self,
      sql: """
        SELECT a.* FROM meeting_action a JOIN meeting m ON m.id = a.meeting_id
        WHERE m.date <= ? AND (a.status = 'open' OR a.closed_on > ?) ORDER BY a.number
        """, arguments: [end, end]
    ).map(MeetingAction.init(row:))
    let meetingIDs = Set(actions.map(\.meetingID))
    let meetings = try Row.fetchAll(
      self,
      sql:
        "SELECT * FROM meeting WHERE date BETWEEN ? AND ? OR id IN (SELECT meeting_id FROM meeting_action a WHERE a.status = 'open' OR a.closed_on > ?)",
      arguments: [start, end, end]
    ).map(Meeting.init(row:)).filter { month.contains($0.date) || meetingIDs.contains($0.id) }

    // The month's engagements counted in one pass, by who, area and objective (an element's
    // objective when only the element is linked).
    var byWho: [String: Int] = [:]
    var byArea: [String: Int] = [:]
    var byObjective: [String: Int] = [:]
    for row in try Row.fetchAll(
      self,
      sql: """
        SELECT who, area, COALESCE(objective_id,
          (SELECT p.objective_id FROM plan_element p WHERE p.id = engagement.element_id)) AS objective, COUNT(*) AS n
        FROM engagement WHERE date BETWEEN ? AND ? AND deleted_at_ms IS NULL GROUP BY 1, 2, 3
        """, arguments: [start, end])
    {
      let n: Int = row["n"]
      byWho[row["who"], default: 0] += n
      byArea[row["area"], default: 0] += n
      if let objective: String = row["objective"] { byObjective[objective, default: 0] += n }
    }
    var inputs = ReviewInputs(
      objectives: try objectives(), elements: try elements(),
      history: try (before + during).map(StatusChange.init(row:)), elementsWithHistory: withHistory,
      updates: updates, milestones: milestones, meetings: meetings, actions: actions,
      engagementsByWho: byWho, engagementsByArea: byArea, engagementsByObjective: byObjective, areas: try areas())
    inputs.profile = try forceProfile()
    return inputs
  }
}

extension StatusChange {
  init(row: Row) throws {
    let rag = (row["rag_override"] as String?).flatMap(RAG.init(rawValue:))
    self.init(
      elementID: row["element_id"], effectiveOn: try row.day("effective_on", table: "element_status_change"),
      status: ElementStatus(rawValue: row["status"]),
      ragOverride: rag.map { RAGOverride(rag: $0, reason: row["rag_override_reason"] ?? "") }, note: row["note"],
      author: row["author"], recordedAt: Date(millisecondsSince1970: row["recorded_at_ms"]))
  }
}

extension Milestone {
  init(row: Row) throws {
    self.init(
      id: row["id"], elementID: row["element_id"], title: row["title"],
      dueDate: try row.day("due_date", table: "milestone"),
      completedOn: (row["completed_on"] as String?).flatMap(LocalDate.init),
      links: JSONText.list(row["links"]))
  }
}

extension ProgressUpdate {
  init(row: Row) throws {
    self.init(
      id: try row.uuid("id", table: "progress_update"), elementID: row["element_id"],
      date: try row.day("date", table: "progress_update"), narrative: row["narrative"],
      author: row["author"], status: ElementStatus(rawValue: row["status"]), forPanel: row["for_panel"],
      links: JSONText.list(row["links"]),
      recordedAt: Date(millisecondsSince1970: row["recorded_at_ms"]))
  }
}

extension Meeting {
  init(row: Row) throws {
    self.init(
      id: row["id"], date: try row.day("date", table: "meeting"), title: row["title"],
      attendees: JSONText.list(row["attendees"]),
      decisions: JSONText.list(row["decisions"]), notes: row["notes"],
      recordedBy: row["recorded_by"])
  }
}

extension MeetingAction {
  init(row: Row) {
    self.init(
      id: row["id"], meetingID: row["meeting_id"], text: row["text"], owner: row["owner"],
      dueDate: (row["due_date"] as String?).flatMap(LocalDate.init), status: ActionStatus(rawValue: row["status"]),
      closedOn: (row["closed_on"] as String?).flatMap(LocalDate.init), elementID: row["element_id"], note: row["note"])
  }
}
