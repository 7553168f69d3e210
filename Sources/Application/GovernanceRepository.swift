public import Foundation
public import Model
public import Stores
import Sync
import Synchronization

/// The governance team's writes to the delivery plan, meetings and actions, and the monthly
/// review.
///
/// Every write is one transaction holding the record, its audit entry and, for objectives and
/// elements (which field devices cache), its change-log row. Status changes are appended to
/// the element's history, never overwritten.
public struct GovernanceRepository: Sendable {
  public let database: any ServerStore
  /// The server's clock.
  public let now: @Sendable () -> Date
  /// The office's time zone: "today" for default dates and the future-date rule.
  public let timeZone: TimeZone

  public init(
    database: any ServerStore, now: @escaping @Sendable () -> Date = Date.init,
    timeZone: TimeZone = TimeZone(identifier: "Europe/London") ?? .current
  ) {
    self.database = database
    self.now = now
    self.timeZone = timeZone
  }

  /// Today in the office's time zone.
  /// Today in the office's time zone. Worked out from the calendar at most once a minute (it
  /// is asked on every plan read).
  public var today: LocalDate {
    let time = now()
    let minute = Int64(time.timeIntervalSince1970 / 60)
    if let cached = Self.todayCache.withLock({ $0 }), cached.minute == minute, cached.zone == timeZone.identifier {
      return cached.day
    }
    let day = LocalDate(time, in: timeZone)
    Self.todayCache.withLock { $0 = (minute, timeZone.identifier, day) }
    return day
  }

  private static let todayCache = Mutex<(minute: Int64, zone: String, day: LocalDate)?>(nil)

  // MARK: - Objectives and elements

  public func createObjective(_ objective: Objective, by caller: Caller) async throws -> Objective {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      var objective = objective
      if objective.position == 0 {
        objective.position = try db.nextObjectivePosition()
      }
      try objective.validate()
      guard try db.objective(id: objective.id) == nil else {
        throw StorageError(.alreadyExists, "objective \(objective.id) already exists")
      }
      try save(objective, before: nil, at: time, by: caller, in: db)
      return objective
    }
  }

  public func updateObjective(id: String, title: String?, description: String?, by caller: Caller) async throws
    -> Objective
  {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let before = try db.objective(id: id) else { throw StorageError(.notFound, "no objective \(id)") }
      var objective = before
      if let title { objective.title = title }
      if let description { objective.description = description }
      try objective.validate()
      if objective != before { try save(objective, before: before, at: time, by: caller, in: db) }
      return objective
    }
  }

  /// Adds an element; its first status enters its history effective `effectiveOn` (by default
  /// its start date, or today if it starts later or has none).
  public func createElement(_ element: PlanElement, effectiveOn: LocalDate?, by caller: Caller) async throws
    -> PlanElement
  {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      var element = element
      if element.position == 0 { element.position = try nextPosition(in: element.objectiveID, db) }
      try element.validate(objectives: Set(try db.objectives().map(\.id)))
      let day = try checkedDay(
        effectiveOn ?? Self.firstDay(of: element, today: today), field: "effective_on", today: today)
      guard try db.element(id: element.id) == nil else {
        throw StorageError(.alreadyExists, "plan element \(element.id) already exists")
      }
      try save(element, before: nil, at: time, by: caller, in: db)
      try db.appendStatusChange(
        StatusChange(
          elementID: element.id, effectiveOn: day, status: element.status, ragOverride: element.ragOverride,
          note: "added to the plan", author: caller.user, recordedAt: time))
      return element
    }
  }

  public func updateElement(id: String, _ edit: ElementChanges, by caller: Caller) async throws -> PlanElement {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard let before = try db.element(id: id) else { throw StorageError(.notFound, "no plan element \(id)") }
      var element = before
      if let value = edit.title { element.title = value }
      if let value = edit.description { element.description = value }
      if let value = edit.opccLead { element.opccLead = value }
      if let value = edit.forceLead { element.forceLead = value }
      if let value = edit.startDate { element.startDate = value }
      if let value = edit.dueDate { element.dueDate = value }
      if let value = edit.objectiveID, value != element.objectiveID {
        element.objectiveID = value
        element.position = try nextPosition(in: value, db)
      }
      try element.validate(objectives: Set(try db.objectives().map(\.id)))
      if element != before { try save(element, before: before, at: time, by: caller, in: db) }
      return element
    }
  }

  /// Records a status change effective on a day (today by default, never in the future).
  ///
  /// Every change restates the RAG: `ragOverride` sets it by hand (with its reason), `nil`
  /// lets it be derived. The element's current status is the latest change by effective day,
  /// so a change backdated before a later one goes into the history without undoing it.
  public func setStatus(
    elementID: String, status: ElementStatus, effectiveOn: LocalDate?, note: String, ragOverride: RAGOverride?,
    by caller: Caller
  ) async throws -> PlanElement {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      guard let before = try db.element(id: elementID) else {
        throw StorageError(.notFound, "no plan element \(elementID)")
      }
      var v = ViolationCollector()
      v.check(status.isKnown, "status", "must be one of \(ElementStatus.knownList) (got \"\(status)\")")
      v.text(note, "note", required: false, max: PlanLimits.reasonLength, multiline: true)
      if let ragOverride {
        v.text(ragOverride.reason, "rag_override_reason", required: true, max: PlanLimits.reasonLength)
      }
      try v.throwIfAny()
      let day = try checkedDay(effectiveOn ?? today, field: "effective_on", today: today)
      try db.appendStatusChange(
        StatusChange(
          elementID: elementID, effectiveOn: day, status: status, ragOverride: ragOverride, note: note,
          author: caller.user, recordedAt: time))
      var element = before
      if let current = try db.currentStatusChange(elementID: elementID) {
        element.status = current.status
        element.ragOverride = current.ragOverride
      }
      try save(element, before: before, at: time, by: caller, in: db, logChange: element != before)
      return element
    }
  }

  // MARK: - Milestones and progress updates

  public func addMilestone(elementID: String, title: String, dueDate: LocalDate, links: [String], by caller: Caller)
    async throws -> Milestone
  {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      guard try db.element(id: elementID) != nil else { throw StorageError(.notFound, "no plan element \(elementID)") }
      let number = try db.nextMilestoneNumber(elementID: elementID)
      let milestone = Milestone(
        id: "\(elementID)-M\(number)", elementID: elementID, title: title, dueDate: dueDate, links: links)
      try milestone.validate()
      try checkLinks(links, db)
      try db.saveMilestone(milestone, number: number)
      try audit(
        type: "milestone", id: milestone.id, before: Milestone?.none, after: milestone, at: time, by: caller, db)
      return milestone
    }
  }

  /// Marks a milestone completed on a day (today by default, never in the future).
  public func completeMilestone(id: String, on day: LocalDate?, by caller: Caller) async throws -> Milestone {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      guard let before = try db.milestone(id: id) else { throw StorageError(.notFound, "no milestone \(id)") }
      if let done = before.completedOn {
        throw ValidationError(field: "id", rule: "milestone \(id) was already completed on \(done)")
      }
      var milestone = before
      milestone.completedOn = try checkedDay(day ?? today, field: "completed_on", today: today)
      let number = Int(id.split(separator: "M").last ?? "") ?? 0
      try db.saveMilestone(milestone, number: number)
      try audit(type: "milestone", id: id, before: before, after: milestone, at: time, by: caller, db)
      return milestone
    }
  }

  /// Records a progress update; the status at the time is taken from the element's history.
  public func addUpdate(
    elementID: String, date: LocalDate?, narrative: String, forPanel: Bool, links: [String], author: String?,
    by caller: Caller
  ) async throws -> ProgressUpdate {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      guard let element = try db.element(id: elementID) else {
        throw StorageError(.notFound, "no plan element \(elementID)")
      }
      let day = try checkedDay(date ?? today, field: "date", today: today)
      let status = try db.historicStatus(elementID: elementID, on: day) ?? element.status
      let update = ProgressUpdate(
        elementID: elementID, date: day, narrative: narrative,
        author: author.flatMap { $0.isEmpty ? nil : $0 } ?? caller.user,
        status: status, forPanel: forPanel, links: links, recordedAt: time)
      try update.validate()
      try checkLinks(links, db)
      try db.saveProgressUpdate(update)
      try audit(
        type: "progress_update", id: update.id.storageKey, before: ProgressUpdate?.none, after: update, at: time,
        by: caller, db)
      return update
    }
  }

  // MARK: - Meetings and actions

  /// Records a meeting and the actions agreed at it; assigns their ids.
  public func recordMeeting(_ meeting: Meeting, actions: [MeetingAction], by caller: Caller) async throws -> (
    Meeting, [MeetingAction]
  ) {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      var meeting = meeting
      meeting.recordedBy = caller.user
      var violations: [ValidationError.Violation] = []
      do throws(ValidationError) { try meeting.validate() } catch { violations += error.violations }
      let elements = Set(try db.elements().map(\.id))
      for (index, action) in actions.enumerated() {
        do throws(ValidationError) {
          try action.validate(prefix: "actions[\(index + 1)].")
        } catch {
          violations += error.violations
        }
        if let element = action.elementID, !elements.contains(element) {
          violations.append(.init(field: "actions[\(index + 1)].element", rule: "no plan element \"\(element)\""))
        }
      }
      if !violations.isEmpty { throw ValidationError(violations: violations) }
      meeting.id = try db.nextMeetingID(on: meeting.date)
      try db.saveMeeting(meeting, recordedAt: time)
      try audit(type: "meeting", id: meeting.id, before: Meeting?.none, after: meeting, at: time, by: caller, db)
      var stored: [MeetingAction] = []
      for var action in actions {
        action.meetingID = meeting.id
        action.status = .open
        action.closedOn = nil
        let saved = try db.insertAction(action)
        try audit(type: "action", id: saved.id, before: MeetingAction?.none, after: saved, at: time, by: caller, db)
        stored.append(saved)
      }
      return (meeting, stored)
    }
  }

  /// Changes an action. Closing it (`done` or `dropped`) sets the day it closed (today unless
  /// given); reopening clears it.
  public func updateAction(id: String, _ edit: ActionChanges, by caller: Caller) async throws -> MeetingAction {
    try caller.requireIdentified()
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      guard let before = try db.action(id: id) else { throw StorageError(.notFound, "no action \(id)") }
      var action = before
      if let owner = edit.owner { action.owner = owner }
      if let due = edit.dueDate { action.dueDate = due }
      if let note = edit.note { action.note = note }
      if let status = edit.status { action.status = status }
      if action.status == .open {
        if edit.closedOn != nil {
          throw ValidationError(field: "closed_on", rule: "only a done or dropped action has one")
        }
        action.closedOn = nil
      } else if edit.closedOn != nil || before.status == .open {
        action.closedOn = try checkedDay(edit.closedOn ?? today, field: "closed_on", today: today)
      }
      try action.validate()
      if action != before {
        try db.updateAction(action)
        try audit(type: "action", id: action.id, before: before, after: action, at: time, by: caller, db)
      }
      return action
    }
  }

  /// Actions (open ones by default) with where each stands today.
  public func actionItems(status: ActionStatus?, owner: String?) async throws -> [ActionItem] {
    let today = self.today
    return try await database.read { db in
      let meetings = Dictionary(try db.meetings().map { ($0.id, $0.date) }, uniquingKeysWith: { first, _ in first })
      return try db.actions(status: status, owner: owner).map { action in
        ActionItem(
          action: action, meetingDate: meetings[action.meetingID] ?? today,
          dueState: action.dueState(on: today, reviewing: YearMonth(today)))
      }
    }
  }

  // MARK: - The review

  /// The review of `month` as at today (or the month's end).
  public func monthlyReview(_ month: YearMonth) async throws -> MonthlyReview {
    let today = self.today
    let asOf = try MonthlyReview.asOf(month: month, today: today)
    let inputs = try await database.read { db in try db.reviewInputs(month: month, asOf: asOf) }
    return try MonthlyReview.build(month: month, today: today, inputs: inputs)
  }

  /// The plan today: each element's standing now and at the end of last month.
  public func planGlance() async throws -> PlanGlance {
    let today = self.today
    let inputs = try await database.read { db in try db.reviewInputs(month: YearMonth(today), asOf: today) }
    return PlanGlance.build(today: today, inputs: inputs)
  }

  // MARK: - Import

  /// What an import did (or, for a dry run, would do).
  public struct ImportSummary: Sendable, Hashable {
    public var objectivesCreated = 0
    public var objectivesUpdated = 0
    public var elementsCreated = 0
    public var elementsUpdated = 0
    public var unchanged = 0
    public var statusChanges = 0
  }

  /// Creates and updates objectives and elements from a plan CSV file, all or nothing.
  ///
  /// A bad row stores nothing; the error lists every bad row with its line and rule. A
  /// changed status enters the element's history effective today; a new element's first status
  /// holds from its start date (see ``firstDay(of:today:)``).
  public func importPlan(csv: String, dryRun: Bool, by caller: Caller) async throws -> ImportSummary {
    try caller.requireIdentified()
    let rows = try PlanCSV.parse(csv)
    let time = now().truncatedToMilliseconds
    let today = self.today
    return try await database.write { db in
      let storedObjectives = try db.objectives()
      let storedElements = try db.elements()
      let plan = try PlanImport.merge(rows, objectives: storedObjectives, elements: storedElements)
      let objectivesByID = Dictionary(storedObjectives.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
      let elementsByID = Dictionary(storedElements.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
      var summary = ImportSummary()
      for objective in plan.objectives {
        let before = objectivesByID[objective.id]
        if before == objective { continue }
        if before == nil { summary.objectivesCreated += 1 } else { summary.objectivesUpdated += 1 }
        if !dryRun { try save(objective, before: before, at: time, by: caller, in: db) }
      }
      for element in plan.elements {
        let before = elementsByID[element.id]
        if before == element {
          summary.unchanged += 1
          continue
        }
        if before == nil { summary.elementsCreated += 1 } else { summary.elementsUpdated += 1 }
        let statusMoved = before.map { $0.status != element.status || $0.ragOverride != element.ragOverride } ?? true
        if statusMoved { summary.statusChanges += 1 }
        guard !dryRun else { continue }
        try save(element, before: before, at: time, by: caller, in: db)
        if statusMoved {
          try db.appendStatusChange(
            StatusChange(
              elementID: element.id, effectiveOn: before == nil ? Self.firstDay(of: element, today: today) : today,
              status: element.status, ragOverride: element.ragOverride,
              note: before == nil ? "added to the plan (import)" : "imported from a plan file", author: caller.user,
              recordedAt: time))
        }
      }
      return summary
    }
  }

  // MARK: - Shared steps

  /// The day a new element's first status holds from: its start date, or today when it has
  /// none or starts later.
  static func firstDay(of element: PlanElement, today: LocalDate) -> LocalDate {
    guard let start = element.startDate, start < today else { return today }
    return max(start, Engagement.Limits.earliestDate)
  }

  private func save(
    _ objective: Objective, before: Objective?, at time: Date, by caller: Caller, in db: any ServerTransaction
  )
    throws
  {
    try db.saveObjective(objective)
    _ = try db.appendChange(
      .objective, id: objective.id, operation: .upsert, payload: .objective(objective), at: time,
      deviceID: caller.deviceID)
    try audit(type: "objective", id: objective.id, before: before, after: objective, at: time, by: caller, db)
  }

  private func save(
    _ element: PlanElement, before: PlanElement?, at time: Date, by caller: Caller, in db: any ServerTransaction,
    logChange: Bool = true
  ) throws {
    if logChange {
      try db.saveElement(element)
      _ = try db.appendChange(
        .element, id: element.id, operation: .upsert, payload: .element(element), at: time, deviceID: caller.deviceID)
    }
    try audit(type: "element", id: element.id, before: before, after: element, at: time, by: caller, db)
  }

  // MARK: - The force's profile

  /// The force's profile (``ForceProfile/standard`` until one is saved).
  public func forceProfile() async throws -> ForceProfile {
    try await database.read { try $0.forceProfile() }
  }

  /// Replaces the force's profile, audited; saving it unchanged writes nothing.
  @discardableResult
  public func saveForceProfile(_ profile: ForceProfile, by caller: Caller) async throws -> ForceProfile {
    try profile.validate()
    let time = now().truncatedToMilliseconds
    return try await database.write { db in
      let before = try db.hasForceProfile() ? try db.forceProfile() : nil
      guard before != profile else { return profile }
      try db.saveForceProfile(profile)
      try audit(type: "force_profile", id: "force", before: before, after: profile, at: time, by: caller, db)
      return profile
    }
  }

  private func audit<T: Encodable>(
    type: String, id: String, before: T?, after: T?, at time: Date, by caller: Caller, _ db: any ServerTransaction
  ) throws {
    try db.appendAudit(
      AuditEntry(
        at: time, actor: caller.user, deviceID: caller.deviceID, rpc: caller.rpc, entityType: type, entityID: id,
        beforeDigest: try AuditEntry.digest(of: before), afterDigest: try AuditEntry.digest(of: after)))
  }

  private func nextPosition(in objectiveID: String, _ db: any ServerTransaction) throws -> Int {
    try db.nextElementPosition(objectiveID: objectiveID)
  }

  /// A day given for something that happened: not in the future, not before 2000.
  private func checkedDay(_ day: LocalDate, field: String, today: LocalDate) throws(ValidationError) -> LocalDate {
    guard day <= today else {
      throw ValidationError(field: field, rule: "must not be in the future (got \(day), today is \(today))")
    }
    guard day >= Engagement.Limits.earliestDate else {
      throw ValidationError(field: field, rule: "must be on or after \(Engagement.Limits.earliestDate) (got \(day))")
    }
    return day
  }

  /// Engagement links must name an engagement that exists; other types are checked for form only.
  private func checkLinks(_ links: [String], _ db: any ServerTransaction) throws {
    for link in links {
      if let id = RecordLink.engagementID(link) {
        guard let uuid = UUID(uuidString: id), try db.engagement(id: uuid) != nil else {
          throw ValidationError(field: "links", rule: "no engagement \(id)")
        }
      }
    }
  }
}
