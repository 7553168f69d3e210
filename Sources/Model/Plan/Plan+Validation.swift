import Foundation

/// Limits and rules for the delivery plan's records.
public enum PlanLimits {
  public static let titleLength = 300
  public static let descriptionLength = 4_000
  public static let leadLength = 200
  public static let reasonLength = 1_000
  public static let narrativeLength = 10_000
  public static let linkCount = 50
  public static let listCount = 100
}

extension Objective {
  /// Checks the objective's own rules; throws every violation together.
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(id, "id")
    v.text(title, "title", required: true, max: PlanLimits.titleLength)
    v.text(description, "description", required: false, max: PlanLimits.descriptionLength, multiline: true)
    v.check(position >= 1, "position", "must be 1 or more (got \(position))")
    try v.throwIfAny()
  }
}

extension PlanElement {
  /// Checks the element's rules, and that its objective is one of `objectives` when given;
  /// throws every violation together.
  public func validate(objectives: Set<String>? = nil) throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(id, "id")
    if objectiveID.isEmpty {
      v.fail("objective", "is required")
    } else if let objectives, !objectives.contains(objectiveID) {
      v.fail("objective", "no objective \"\(objectiveID)\" in the delivery plan")
    }
    v.text(title, "title", required: true, max: PlanLimits.titleLength)
    v.text(description, "description", required: false, max: PlanLimits.descriptionLength, multiline: true)
    v.text(opccLead, "opcc_lead", required: false, max: PlanLimits.leadLength)
    v.text(forceLead, "force_lead", required: false, max: PlanLimits.leadLength)
    v.check(status.isKnown, "status", "must be one of \(ElementStatus.knownList) (got \"\(status)\")")
    if let startDate, let dueDate {
      v.check(startDate <= dueDate, "due_date", "must be on or after the start date \(startDate) (got \(dueDate))")
    }
    if let ragOverride {
      v.text(ragOverride.reason, "rag_override_reason", required: true, max: PlanLimits.reasonLength)
    }
    v.check(position >= 1, "position", "must be 1 or more (got \(position))")
    try v.throwIfAny()
  }
}

extension Milestone {
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.text(title, "title", required: true, max: PlanLimits.titleLength)
    if let completedOn {
      v.check(
        completedOn >= Engagement.Limits.earliestDate, "completed_on",
        "must be on or after \(Engagement.Limits.earliestDate)")
    }
    v.check(
      dueDate >= Engagement.Limits.earliestDate, "due_date", "must be on or after \(Engagement.Limits.earliestDate)")
    Self.checkLinks(links, &v)
    try v.throwIfAny()
  }

  static func checkLinks(_ links: [String], _ v: inout ViolationCollector) {
    v.check(links.count <= PlanLimits.linkCount, "links", "at most \(PlanLimits.linkCount) links (got \(links.count))")
    for link in links {
      if let problem = RecordLink.problem(link) { v.fail("links", problem) }
    }
  }
}

extension ProgressUpdate {
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.text(narrative, "text", required: true, max: PlanLimits.narrativeLength, multiline: true)
    v.text(author, "author", required: true, max: Engagement.Limits.userLength)
    v.check(status.isKnown, "status", "must be one of \(ElementStatus.knownList) (got \"\(status)\")")
    v.check(date >= Engagement.Limits.earliestDate, "date", "must be on or after \(Engagement.Limits.earliestDate)")
    Milestone.checkLinks(links, &v)
    try v.throwIfAny()
  }
}

extension Meeting {
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.text(title, "title", required: true, max: PlanLimits.titleLength)
    v.check(date >= Engagement.Limits.earliestDate, "date", "must be on or after \(Engagement.Limits.earliestDate)")
    v.check(
      attendees.count <= PlanLimits.listCount, "attendees", "at most \(PlanLimits.listCount) (got \(attendees.count))")
    for attendee in attendees { v.text(attendee, "attendees", required: true, max: PlanLimits.leadLength) }
    v.check(
      decisions.count <= PlanLimits.listCount, "decisions", "at most \(PlanLimits.listCount) (got \(decisions.count))")
    for decision in decisions { v.text(decision, "decisions", required: true, max: PlanLimits.reasonLength) }
    v.text(notes, "notes", required: false, max: PlanLimits.narrativeLength, multiline: true)
    try v.throwIfAny()
  }
}

extension MeetingAction {
  /// Checks the action; `field` prefixes each field name (e.g. `actions[2].`).
  public func validate(prefix field: String = "") throws(ValidationError) {
    var v = ViolationCollector()
    v.text(text, field + "text", required: true, max: PlanLimits.reasonLength)
    v.text(owner, field + "owner", required: true, max: PlanLimits.leadLength)
    v.check(status.isKnown, field + "status", "must be one of \(ActionStatus.knownList) (got \"\(status)\")")
    v.text(note, field + "note", required: false, max: PlanLimits.reasonLength, multiline: true)
    if let elementID { v.reference(elementID, field + "element") }
    try v.throwIfAny()
  }
}
