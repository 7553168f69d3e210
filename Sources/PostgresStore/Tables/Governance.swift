import Foundation
import Model
import PostgresNIO
import Stores

/// The server's records of plan governance: status history, milestones, progress updates,
/// meetings and their actions.
extension PostgresServerTransaction: GovernanceStore {
  // MARK: - Writes

  /// Appends to an element's status history (the table refuses updates and deletes).
  func appendStatusChange(_ c: StatusChange) throws {
    try session.execute(
      """
      INSERT INTO element_status_change (element_id, effective_on, status, rag_override, rag_override_reason,
        note, author, recorded_at_ms)
      VALUES (\(c.elementID), \(c.effectiveOn.description), \(c.status.rawValue), \(c.ragOverride?.rag.rawValue),
        \(c.ragOverride?.reason), \(c.note), \(c.author), \(c.recordedAt.millisecondsSince1970))
      """)
  }

  /// The number the next milestone of an element takes (its id is `<element>-M<number>`).
  /// Writes are serialised, so no other writer takes the same number.
  func nextMilestoneNumber(elementID: String) throws -> Int {
    Int(
      try session.value(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM milestone WHERE element_id = \(elementID)", as: Int64.self) ?? 1)
  }

  func saveMilestone(_ m: Milestone, number: Int) throws {
    try session.execute(
      """
      INSERT INTO milestone (id, element_id, number, title, due_date, completed_on, links)
      VALUES (\(m.id), \(m.elementID), \(Int64(number)), \(m.title), \(m.dueDate.description),
        \(m.completedOn?.description), \(try JSONText.encode(m.links)))
      ON CONFLICT (id) DO UPDATE SET element_id = EXCLUDED.element_id, title = EXCLUDED.title,
        due_date = EXCLUDED.due_date, completed_on = EXCLUDED.completed_on, links = EXCLUDED.links
      """)
  }

  func saveProgressUpdate(_ u: ProgressUpdate) throws {
    try session.execute(
      """
      INSERT INTO progress_update (id, element_id, date, narrative, author, status, for_panel, links, recorded_at_ms)
      VALUES (\(u.id.storageKey), \(u.elementID), \(u.date.description), \(u.narrative), \(u.author),
        \(u.status.rawValue), \(u.forPanel), \(try JSONText.encode(u.links)), \(u.recordedAt.millisecondsSince1970))
      """)
  }

  /// A free meeting id for a day: the date, then `-2`, `-3`, … for further meetings that day.
  func nextMeetingID(on date: LocalDate) throws -> String {
    let base = date.description
    let taken = Set(try session.rows("SELECT id FROM meeting WHERE date = \(base)").map { try $0[0] as String })
    if !taken.contains(base) { return base }
    var n = 2
    while taken.contains("\(base)-\(n)") { n += 1 }
    return "\(base)-\(n)"
  }

  func saveMeeting(_ m: Meeting, recordedAt: Date) throws {
    try session.execute(
      """
      INSERT INTO meeting (id, date, title, attendees, decisions, notes, recorded_by, recorded_at_ms)
      VALUES (\(m.id), \(m.date.description), \(m.title), \(try JSONText.encode(m.attendees)),
        \(try JSONText.encode(m.decisions)), \(m.notes), \(m.recordedBy), \(recordedAt.millisecondsSince1970))
      """)
  }

  /// Stores a new action under the next id (`A1`, `A2`, …) and returns it with that id. The
  /// number is the identity column's next value, taken in the statement so that the id can
  /// name it.
  func insertAction(_ a: MeetingAction) throws -> MeetingAction {
    guard
      let number = try session.value(
        """
        INSERT INTO meeting_action (number, id, meeting_id, text, owner, due_date, status, closed_on, element_id, note)
        OVERRIDING SYSTEM VALUE
        SELECT next.number, 'A' || next.number::text, \(a.meetingID), \(a.text), \(a.owner), \(a.dueDate?.description),
          \(a.status.rawValue), \(a.closedOn?.description), \(a.elementID), \(a.note)
        FROM (SELECT nextval(pg_get_serial_sequence('meeting_action', 'number')) AS number) AS next
        RETURNING number
        """, as: Int64.self)
    else { throw StorageError(.corrupt, "meeting_action: the insert returned no number") }
    var action = a
    action.id = "A\(number)"
    return action
  }

  func updateAction(_ a: MeetingAction) throws {
    try session.execute(
      """
      UPDATE meeting_action SET text = \(a.text), owner = \(a.owner), due_date = \(a.dueDate?.description),
        status = \(a.status.rawValue), closed_on = \(a.closedOn?.description), element_id = \(a.elementID),
        note = \(a.note)
      WHERE id = \(a.id)
      """)
  }

  // MARK: - Reads

  /// An element's status history, oldest first (by effective day, then as recorded).
  func statusHistory(elementID: String) throws -> [StatusChange] {
    try session.rows(
      "SELECT * FROM element_status_change WHERE element_id = \(elementID) ORDER BY effective_on, seq"
    ).map(GovernanceRows.statusChange(from:))
  }

  /// The status an element held on a day by its history, or `nil` when its history starts later.
  func historicStatus(elementID: String, on day: LocalDate) throws -> ElementStatus? {
    try session.value(
      """
      SELECT status FROM element_status_change WHERE element_id = \(elementID) AND effective_on <= \(day.description)
      ORDER BY effective_on DESC, seq DESC LIMIT 1
      """, as: String.self
    ).map(ElementStatus.init(rawValue:))
  }

  /// The latest entry of an element's history by effective day (what its status is now).
  func currentStatusChange(elementID: String) throws -> StatusChange? {
    try session.row(
      """
      SELECT * FROM element_status_change WHERE element_id = \(elementID)
      ORDER BY effective_on DESC, seq DESC LIMIT 1
      """
    ).map(GovernanceRows.statusChange(from:))
  }

  func milestone(id: String) throws -> Milestone? {
    try session.row("SELECT * FROM milestone WHERE id = \(id)").map(GovernanceRows.milestone(from:))
  }

  /// Milestones of one element (or all), by due date.
  func milestones(elementID: String?) throws -> [Milestone] {
    if let elementID {
      return try session.rows(
        "SELECT * FROM milestone WHERE element_id = \(elementID) ORDER BY due_date, number"
      ).map(GovernanceRows.milestone(from:))
    }
    return try session.rows("SELECT * FROM milestone ORDER BY due_date, element_id, number")
      .map(GovernanceRows.milestone(from:))
  }

  /// Progress updates, newest first, optionally of one element and one month.
  func progressUpdates(elementID: String?, month: YearMonth?, limit: Int) throws -> [ProgressUpdate] {
    var filter = BoundConditions()
    if let elementID { filter.add("element_id = ?", elementID) }
    if let month { filter.add("date BETWEEN ? AND ?", month.firstDay.description, month.lastDay.description) }
    // A negative limit is none, as on SQLite.
    let limit = limit < 0 ? "ALL" : filter.bind(Int64(limit))
    return try session.rows(
      filter.query(
        "SELECT * FROM progress_update \(filter.clause) ORDER BY date DESC, recorded_at_ms DESC LIMIT \(limit)")
    ).map(GovernanceRows.progressUpdate(from:))
  }

  func meeting(id: String) throws -> Meeting? {
    try session.row("SELECT * FROM meeting WHERE id = \(id)").map(GovernanceRows.meeting(from:))
  }

  /// Every meeting, newest first.
  func meetings() throws -> [Meeting] {
    try session.rows("SELECT * FROM meeting ORDER BY date DESC, id DESC").map(GovernanceRows.meeting(from:))
  }

  /// An action by its id in any case (`a3` is `A3`), as SQLite's NOCASE compares: ASCII letters
  /// only, which is what `lower` does under the "C" collation.
  func action(id: String) throws -> MeetingAction? {
    try session.row("SELECT * FROM meeting_action WHERE lower(id) = lower(\(id) COLLATE \"C\")")
      .map(GovernanceRows.action(from:))
  }

  /// Actions in the order they were recorded, optionally of one status and one owner (the
  /// owner in any case of its ASCII letters).
  func actions(status: ActionStatus?, owner: String?) throws -> [MeetingAction] {
    var filter = BoundConditions()
    if let status { filter.add("status = ?", status.rawValue) }
    if let owner { filter.add("lower(owner) = lower(? COLLATE \"C\")", owner) }
    return try session.rows(filter.query("SELECT * FROM meeting_action \(filter.clause) ORDER BY number"))
      .map(GovernanceRows.action(from:))
  }

  // MARK: - The monthly review

  /// Fetches what the review of `month` needs, as at `asOf`, with one indexed query per part.
  func reviewInputs(month: YearMonth, asOf: LocalDate) throws -> ReviewInputs {
    let start = month.firstDay.description
    let end = asOf.description
    // Per element, its last change before the month (one index lookup each), then every change
    // in the month up to the review day.
    let before = try session.rows(
      """
      SELECT h.* FROM plan_element p JOIN element_status_change h ON h.seq = (
        SELECT s.seq FROM element_status_change s WHERE s.element_id = p.id AND s.effective_on < \(start)
        ORDER BY s.effective_on DESC, s.seq DESC LIMIT 1)
      ORDER BY h.element_id
      """)
    let during = try session.rows(
      """
      SELECT * FROM element_status_change WHERE effective_on BETWEEN \(start) AND \(end)
      ORDER BY effective_on, seq
      """)
    let withHistory = Set(
      try session.rows("SELECT DISTINCT element_id FROM element_status_change").map { try $0[0] as String })
    let updates = try session.rows(
      "SELECT * FROM progress_update WHERE date BETWEEN \(start) AND \(end) ORDER BY date, recorded_at_ms, id"
    ).map(GovernanceRows.progressUpdate(from:))
    let nextMonth = month.next
    let milestones = try session.rows(
      """
      SELECT * FROM milestone WHERE completed_on BETWEEN \(start) AND \(end)
      UNION SELECT * FROM milestone WHERE due_date <= \(nextMonth.lastDay.description)
        AND (completed_on IS NULL OR completed_on > \(end))
      ORDER BY id
      """
    ).map(GovernanceRows.milestone(from:))
    let actions = try session.rows(
      """
      SELECT a.* FROM meeting_action a JOIN meeting m ON m.id = a.meeting_id
      WHERE m.date <= \(end) AND (a.status = 'open' OR a.closed_on > \(end)) ORDER BY a.number
      """
    ).map(GovernanceRows.action(from:))
    let meetingIDs = Set(actions.map(\.meetingID))
    let meetings = try session.rows(
      """
      SELECT * FROM meeting WHERE date BETWEEN \(start) AND \(end)
        OR id IN (SELECT meeting_id FROM meeting_action a WHERE a.status = 'open' OR a.closed_on > \(end))
      ORDER BY date, id
      """
    ).map(GovernanceRows.meeting(from:)).filter { month.contains($0.date) || meetingIDs.contains($0.id) }

    // The month's engagements counted in one pass, by who, area and objective (an element's
    // objective when only the element is linked).
    var byWho: [String: Int] = [:]
    var byArea: [String: Int] = [:]
    var byObjective: [String: Int] = [:]
    for row in try session.rows(
      """
      SELECT who, area, COALESCE(objective_id,
        (SELECT p.objective_id FROM plan_element p WHERE p.id = engagement.element_id)) AS objective, COUNT(*) AS n
      FROM engagement WHERE date BETWEEN \(start) AND \(end) AND deleted_at_ms IS NULL GROUP BY 1, 2, 3
      """)
    {
      let n = Int(try row["n"] as Int64)
      byWho[try row["who"], default: 0] += n
      byArea[try row["area"], default: 0] += n
      if let objective: String = try row["objective"] { byObjective[objective, default: 0] += n }
    }
    var inputs = ReviewInputs(
      objectives: try objectives(), elements: try elements(objectiveID: nil),
      history: try (before + during).map(GovernanceRows.statusChange(from:)), elementsWithHistory: withHistory,
      updates: updates, milestones: milestones, meetings: meetings, actions: actions,
      engagementsByWho: byWho, engagementsByArea: byArea, engagementsByObjective: byObjective, areas: try areas())
    inputs.profile = try forceProfile()
    return inputs
  }
}

/// Governance records read from their rows, as the SQLite store reads them: an id that is not
/// a UUID or a required day that is not a day is a corrupt row; an optional day that is not a
/// day, or an unreadable list, reads as none.
private enum GovernanceRows {
  static func statusChange(from row: Row) throws -> StatusChange {
    let rag = (try row["rag_override"] as String?).flatMap(RAG.init(rawValue:))
    let reason: String? = try row["rag_override_reason"]
    return StatusChange(
      elementID: try row["element_id"], effectiveOn: try row.day("effective_on", table: "element_status_change"),
      status: ElementStatus(rawValue: try row["status"]),
      ragOverride: rag.map { RAGOverride(rag: $0, reason: reason ?? "") }, note: try row["note"],
      author: try row["author"], recordedAt: Date(millisecondsSince1970: try row["recorded_at_ms"]))
  }

  static func milestone(from row: Row) throws -> Milestone {
    Milestone(
      id: try row["id"], elementID: try row["element_id"], title: try row["title"],
      dueDate: try row.day("due_date", table: "milestone"),
      completedOn: (try row["completed_on"] as String?).flatMap(LocalDate.init),
      links: JSONText.list(try row["links"]))
  }

  static func progressUpdate(from row: Row) throws -> ProgressUpdate {
    ProgressUpdate(
      id: try row.storedUUID("id", table: "progress_update"), elementID: try row["element_id"],
      date: try row.day("date", table: "progress_update"), narrative: try row["narrative"],
      author: try row["author"], status: ElementStatus(rawValue: try row["status"]), forPanel: try row["for_panel"],
      links: JSONText.list(try row["links"]), recordedAt: Date(millisecondsSince1970: try row["recorded_at_ms"]))
  }

  static func meeting(from row: Row) throws -> Meeting {
    Meeting(
      id: try row["id"], date: try row.day("date", table: "meeting"), title: try row["title"],
      attendees: JSONText.list(try row["attendees"]), decisions: JSONText.list(try row["decisions"]),
      notes: try row["notes"], recordedBy: try row["recorded_by"])
  }

  static func action(from row: Row) throws -> MeetingAction {
    MeetingAction(
      id: try row["id"], meetingID: try row["meeting_id"], text: try row["text"], owner: try row["owner"],
      dueDate: (try row["due_date"] as String?).flatMap(LocalDate.init),
      status: ActionStatus(rawValue: try row["status"]),
      closedOn: (try row["closed_on"] as String?).flatMap(LocalDate.init), elementID: try row["element_id"],
      note: try row["note"])
  }

}
