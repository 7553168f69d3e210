import Foundation

/// Whether an inspection looked at policing nationally or at this force.
public struct InspectionScope: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let national = InspectionScope(rawValue: "national")
  public static let force = InspectionScope(rawValue: "force")

  public static let known: [InspectionScope] = [.national, .force]
  public static let fieldName = "scope"
}

/// What an inspection item is.
public struct InspectionItemKind: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let areaForImprovement = InspectionItemKind(rawValue: "area-for-improvement")
  public static let recommendation = InspectionItemKind(rawValue: "recommendation")

  public static let known: [InspectionItemKind] = [.areaForImprovement, .recommendation]
  public static let fieldName = "kind"
}

/// Where the response to an inspection item stands.
public struct InspectionItemStatus: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let underReview = InspectionItemStatus(rawValue: "under-review")
  public static let inProgress = InspectionItemStatus(rawValue: "in-progress")
  public static let complete = InspectionItemStatus(rawValue: "complete")
  public static let notApplicable = InspectionItemStatus(rawValue: "not-applicable")

  public static let known: [InspectionItemStatus] = [.underReview, .inProgress, .complete, .notApplicable]
  public static let fieldName = "status"
}

/// One area for improvement or recommendation of an inspection, with the response to it.
public struct InspectionItem: Sendable, Hashable, Codable, Identifiable {
  /// `<inspection>-R<number>` for a recommendation, `<inspection>-A<number>` for an area for improvement.
  public var id: String { "\(inspectionID)-\(kind == .recommendation ? "R" : "A")\(number)" }
  public var inspectionID: String
  public var kind: InspectionItemKind
  /// Its number in the report, from 1.
  public var number: Int
  public var text: String
  public var status: InspectionItemStatus
  /// The PCC's or force's response.
  public var response: String

  public init(
    inspectionID: String, kind: InspectionItemKind, number: Int, text: String,
    status: InspectionItemStatus = .underReview,
    response: String = ""
  ) {
    self.inspectionID = inspectionID
    self.kind = kind
    self.number = number
    self.text = text
    self.status = status
    self.response = response
  }

  public func validate(prefix: String = "") throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(inspectionID, prefix + "inspection")
    v.code(kind, prefix + "kind")
    v.check((1...999).contains(number), prefix + "number", "must be 1 to 999 (got \(number))")
    v.text(text, prefix + "text", required: true, max: OversightLimits.textLength, multiline: true)
    v.code(status, prefix + "status")
    v.text(response, prefix + "response", required: false, max: OversightLimits.textLength, multiline: true)
    try v.throwIfAny()
  }
}

/// An HMICFRS inspection report: national or of the force, with its areas for improvement
/// and recommendations.
public struct Inspection: Sendable, Hashable, Codable, Identifiable {
  /// A short reference chosen by the office, e.g. `vetting-2022`.
  public var id: String
  public var title: String
  public var publishedOn: LocalDate
  public var scope: InspectionScope
  /// What the office is doing about it, in the report's words.
  public var summary: String
  /// The day the PCC sent the office's response to the report (the comments a PCC publishes
  /// on an HMICFRS report, usually in a letter to the Home Secretary); `nil` until sent.
  public var responseSentOn: LocalDate?
  /// To whom the response was sent, e.g. "the Home Secretary"; empty until sent.
  public var responseSentTo: String

  public init(
    id: String, title: String, publishedOn: LocalDate, scope: InspectionScope, summary: String = "",
    responseSentOn: LocalDate? = nil, responseSentTo: String = ""
  ) {
    self.id = id
    self.title = title
    self.publishedOn = publishedOn
    self.scope = scope
    self.summary = summary
    self.responseSentOn = responseSentOn
    self.responseSentTo = responseSentTo
  }

  private enum CodingKeys: String, CodingKey {
    case id, title, publishedOn, scope, summary, responseSentOn, responseSentTo
  }

  /// Reads a record written before responses were recorded (no response keys) as not sent.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    title = try c.decode(String.self, forKey: .title)
    publishedOn = try c.decode(LocalDate.self, forKey: .publishedOn)
    scope = try c.decode(InspectionScope.self, forKey: .scope)
    summary = try c.decode(String.self, forKey: .summary)
    responseSentOn = try c.decodeIfPresent(LocalDate.self, forKey: .responseSentOn)
    responseSentTo = try c.decodeIfPresent(String.self, forKey: .responseSentTo) ?? ""
  }

  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(id, "id")
    v.text(title, "title", required: true, max: OversightLimits.nameLength)
    v.day(publishedOn, "published_on")
    v.code(scope, "scope")
    v.text(summary, "summary", required: false, max: OversightLimits.textLength, multiline: true)
    v.day(responseSentOn, "response_sent_on")
    v.text(responseSentTo, "response_sent_to", required: responseSentOn != nil, max: OversightLimits.nameLength)
    if responseSentOn == nil && !responseSentTo.isEmpty {
      v.fail("response_sent_on", "is required when response_sent_to is given")
    }
    if let sent = responseSentOn, sent < publishedOn {
      v.fail("response_sent_on", "must be on or after published_on (\(publishedOn)), got \(sent)")
    }
    try v.throwIfAny()
  }
}
