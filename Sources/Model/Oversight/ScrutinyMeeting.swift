import Foundation

/// The kind of holding-to-account session the PCC runs with the Chief Constable.
public struct ScrutinyKind: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  /// A formal meeting on one theme (serious violence, DEI).
  public static let thematic = ScrutinyKind(rawValue: "thematic")
  /// Issues raised by email and answered in writing by the Chief Constable.
  public static let virtual = ScrutinyKind(rawValue: "virtual")
  /// The formal quarterly review of force performance.
  public static let quarterlyPerformance = ScrutinyKind(rawValue: "quarterly-performance")

  public static let known: [ScrutinyKind] = [.thematic, .virtual, .quarterlyPerformance]
  public static let fieldName = "kind"
}

/// A holding-to-account meeting, held or scheduled, with its key findings and actions.
///
/// A meeting dated after a report's period is "upcoming" in that report; findings are
/// recorded once it has been held.
public struct ScrutinyMeeting: Sendable, Hashable, Codable, Identifiable {
  /// Chosen by the office or assigned by the server (`H1`, `H2`, …).
  public var id: String
  public var kind: ScrutinyKind
  /// e.g. "Serious Violence".
  public var topic: String
  /// Day held (or to be held).
  public var date: LocalDate
  /// Key findings and outcomes, one per entry, in the report's words.
  public var findings: [String]
  /// Actions agreed, one per entry.
  public var actions: [String]
  public var notes: String

  public init(
    id: String = "", kind: ScrutinyKind, topic: String, date: LocalDate, findings: [String] = [],
    actions: [String] = [],
    notes: String = ""
  ) {
    self.id = id
    self.kind = kind
    self.topic = topic
    self.date = date
    self.findings = findings
    self.actions = actions
    self.notes = notes
  }

  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    if !id.isEmpty { v.reference(id, "id") }
    v.code(kind, "kind")
    v.text(topic, "topic", required: true, max: OversightLimits.nameLength)
    v.day(date, "date")
    v.check(
      findings.count <= OversightLimits.listCount, "findings",
      "at most \(OversightLimits.listCount) (got \(findings.count))")
    for (index, finding) in findings.enumerated() {
      v.text(finding, "findings[\(index + 1)]", required: true, max: OversightLimits.textLength)
    }
    v.check(
      actions.count <= OversightLimits.listCount, "actions",
      "at most \(OversightLimits.listCount) (got \(actions.count))")
    for (index, action) in actions.enumerated() {
      v.text(action, "actions[\(index + 1)]", required: true, max: OversightLimits.textLength)
    }
    v.text(notes, "notes", required: false, max: OversightLimits.textLength, multiline: true)
    try v.throwIfAny()
  }
}
