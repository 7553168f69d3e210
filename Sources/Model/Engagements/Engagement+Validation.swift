import Foundation

/// What an engagement is checked against: the force's configuration and the known plan.
///
/// Each part is optional. A field device with no cached plan cannot check plan links, and a
/// device applying the server's own changes skips the future-date rule, since its clock may
/// be wrong; the server always checks everything.
public struct ValidationContext: Sendable {
  /// Last day an engagement may be dated; `nil` skips the future-date rule.
  public var latestDate: LocalDate?
  /// Known area codes, retired ones included; `nil` (none stored yet) accepts any
  /// well-formed code and leaves the decision to the server.
  public var areas: Set<String>?
  /// Retired area codes: refused for a new engagement, or for an edit that moves one into
  /// them; an engagement already in one keeps it.
  public var retiredAreas: Set<String>
  /// Known objective ids; `nil` skips the objective link rule.
  public var objectives: Set<String>?
  /// Known plan element ids, each with its objective; `nil` skips the element link rule.
  public var elements: [String: String]?
  /// The force's kinds of engagement, in order; `nil` (a device that has not received the
  /// force's profile) accepts any well-formed code and leaves the decision to the server.
  public var kinds: [String]?
  /// The offices the force has (`pcc`, `dpcc`, `apcc` or fewer), in order; `nil` accepts any
  /// known office and leaves the decision to the server.
  public var offices: [String]?

  public init(
    latestDate: LocalDate? = nil,
    areas: Set<String>? = nil,
    retiredAreas: Set<String> = [],
    objectives: Set<String>? = nil,
    elements: [String: String]? = nil,
    kinds: [String]? = EngagementKind.known.map(\.rawValue),
    offices: [String]? = nil
  ) {
    self.kinds = kinds
    self.offices = offices
    self.latestDate = latestDate
    self.areas = areas
    self.retiredAreas = retiredAreas
    self.objectives = objectives
    self.elements = elements
  }

  /// Checks nothing that needs configuration: only the value's own rules.
  public static let standalone = ValidationContext()
}

extension Engagement {
  /// Limits on the sizes of an engagement's fields.
  public enum Limits {
    public static let attendees = 0...100_000
    public static let organisationLength = 200
    public static let placeLength = 200
    public static let topicCount = 20
    public static let topicLength = 60
    public static let followUpCount = 50
    public static let followUpLength = 500
    public static let notesLength = 10_000
    public static let userLength = 100
    public static let earliestDate = LocalDate(year: 2000, month: 1, day: 1)!
  }

  /// Checks every rule and throws all the violations together; changes nothing.
  ///
  /// `storedArea` is the area of the engagement as stored before this change (`nil` for a new
  /// one): an engagement may stay in an area retired since, but not move into one.
  public func validate(in context: ValidationContext, storedArea: String? = nil) throws(ValidationError) {
    var v = ViolationCollector()

    if let latest = context.latestDate, date > latest {
      v.fail("date", "must not be in the future (got \(date), today is \(latest))")
    }
    v.check(date >= Limits.earliestDate, "date", "must be on or after \(Limits.earliestDate) (got \(date))")
    if !who.isKnown {
      v.fail(
        "who", "must be one of \(context.offices?.joined(separator: ", ") ?? Officeholder.knownList) (got \"\(who)\")")
    } else if let offices = context.offices, !offices.contains(who.rawValue) {
      v.fail(
        "who",
        "the force has no \(who.title) office: must be one of \(offices.joined(separator: ", ")) (got \"\(who)\")")
    }
    if let kinds = context.kinds {
      v.check(
        kinds.contains(kind.rawValue), "kind", "must be one of \(kinds.joined(separator: ", ")) (got \"\(kind)\")")
    } else {
      v.check(ForceProfile.isCode(kind.rawValue), "kind", "must be a lower-case code (got \"\(kind)\")")
    }
    checkText(organisation, "organisation", required: true, max: Limits.organisationLength, &v)
    checkText(place, "place", required: true, max: Limits.placeLength, &v)

    let active = context.areas.map { $0.subtracting(context.retiredAreas).sorted().joined(separator: ", ") }
    if area.isEmpty {
      v.fail("area", "is required")
    } else if let areas = context.areas, !areas.contains(area) {
      v.fail("area", "must be one of \(active ?? "") (got \"\(area)\")")
    } else if context.retiredAreas.contains(area), area != storedArea {
      v.fail("area", "\(area) is retired: a new engagement must be in one of \(active ?? "") (got \"\(area)\")")
    } else if context.areas == nil {
      v.absorb { () throws(ValidationError) in try Area.validate(code: area) }
    }
    if let attendees {
      v.check(
        Limits.attendees.contains(attendees), "attendees",
        "must be between \(Limits.attendees.lowerBound) and \(Limits.attendees.upperBound) (got \(attendees))")
    }

    v.check(topics.count <= Limits.topicCount, "topics", "at most \(Limits.topicCount) topics (got \(topics.count))")
    for topic in topics {
      checkText(topic, "topics", required: true, max: Limits.topicLength, &v)
    }
    v.check(
      Set(topics.map { $0.lowercased() }).count == topics.count, "topics", "must not repeat a topic")

    v.check(
      followUpActions.count <= Limits.followUpCount, "follow_up_actions",
      "at most \(Limits.followUpCount) actions (got \(followUpActions.count))")
    for action in followUpActions {
      checkText(action, "follow_up_actions", required: true, max: Limits.followUpLength, &v)
    }
    v.text(notes, "notes", required: false, max: Limits.notesLength, multiline: true)

    if let objectiveID {
      if objectiveID.isEmpty {
        v.fail("objective", "must not be empty when given")
      } else if let objectives = context.objectives, !objectives.contains(objectiveID) {
        v.fail("objective", "no objective \"\(objectiveID)\" in the delivery plan")
      }
    }
    if let elementID {
      if elementID.isEmpty {
        v.fail("element", "must not be empty when given")
      } else if let elements = context.elements {
        if let owner = elements[elementID] {
          if let objectiveID, !objectiveID.isEmpty, owner != objectiveID {
            v.fail("element", "plan element \(elementID) belongs to objective \(owner), not \(objectiveID)")
          }
        } else {
          v.fail("element", "no plan element \"\(elementID)\" in the delivery plan")
        }
      }
    }
    checkText(createdBy, "created_by", required: true, max: Limits.userLength, &v)
    checkText(updatedBy, "updated_by", required: true, max: Limits.userLength, &v)

    try v.throwIfAny()
  }

  private func checkText(
    _ value: String, _ field: String, required: Bool, max: Int, _ v: inout ViolationCollector
  ) {
    v.text(value, field, required: required, max: max)
  }
}
