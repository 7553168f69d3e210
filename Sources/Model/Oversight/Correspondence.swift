import Foundation

/// What a piece of correspondence is about.
public struct CorrespondenceSubject: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let roadSafety = CorrespondenceSubject(rawValue: "road-safety")
  public static let asb = CorrespondenceSubject(rawValue: "asb")
  public static let crimeConcern = CorrespondenceSubject(rawValue: "crime-concern")
  public static let policingService = CorrespondenceSubject(rawValue: "policing-service")
  public static let complaint = CorrespondenceSubject(rawValue: "complaint")
  public static let other = CorrespondenceSubject(rawValue: "other")

  public static let known: [CorrespondenceSubject] = [
    .roadSafety, .asb, .crimeConcern, .policingService, .complaint, .other,
  ]
  public static let fieldName = "subject"

  /// The subject as the report writes it.
  public var title: String {
    switch self {
    case .roadSafety: "road safety"
    case .asb: "ASB"
    case .crimeConcern: "general concerns around crime"
    case .policingService: "policing services"
    case .complaint: "complaints"
    case .other: "other matters"
    default: rawValue
    }
  }
}

/// How correspondence arrived.
public struct CorrespondenceChannel: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let email = CorrespondenceChannel(rawValue: "email")
  public static let letter = CorrespondenceChannel(rawValue: "letter")
  public static let phone = CorrespondenceChannel(rawValue: "phone")
  public static let web = CorrespondenceChannel(rawValue: "web")
  public static let social = CorrespondenceChannel(rawValue: "social")

  public static let known: [CorrespondenceChannel] = [.email, .letter, .phone, .web, .social]
  public static let fieldName = "channel"
}

/// Where the office's answer stands.
public struct CorrespondenceStatus: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let open = CorrespondenceStatus(rawValue: "open")
  public static let responded = CorrespondenceStatus(rawValue: "responded")
  public static let closed = CorrespondenceStatus(rawValue: "closed")

  public static let known: [CorrespondenceStatus] = [.open, .responded, .closed]
  public static let fieldName = "status"
}

/// One piece of correspondence received by the office (a letter, an email, a call).
///
/// Only what the reports count is held: no names or addresses of correspondents.
public struct Correspondence: Sendable, Hashable, Codable, Identifiable {
  /// Chosen by the office (its case reference) or assigned by the server (`C1`, `C2`, …).
  public var id: String
  public var receivedOn: LocalDate
  public var subject: CorrespondenceSubject
  /// A configured area code, or `outside` for correspondents from beyond the force area.
  public var area: String
  public var channel: CorrespondenceChannel
  public var status: CorrespondenceStatus

  /// The area code for correspondents from beyond the force area.
  public static let outsideArea = "outside"

  public init(
    id: String = "", receivedOn: LocalDate, subject: CorrespondenceSubject, area: String,
    channel: CorrespondenceChannel,
    status: CorrespondenceStatus = .open
  ) {
    self.id = id
    self.receivedOn = receivedOn
    self.subject = subject
    self.area = area
    self.channel = channel
    self.status = status
  }

  /// Checks the record against the configured areas (`nil`: none stored, any well-formed
  /// code) and the force's subjects (`nil`: any well-formed code, checked when stored).
  public func validate(areas: Set<String>?, subjects: [String]? = nil) throws(ValidationError) {
    var v = ViolationCollector()
    if !id.isEmpty { v.reference(id, "id") }
    v.day(receivedOn, "received_on")
    if let subjects {
      v.check(
        subjects.contains(subject.rawValue), "subject",
        "must be one of \(subjects.joined(separator: ", ")) (got \"\(subject.rawValue)\")")
    } else {
      v.check(
        ForceProfile.isCode(subject.rawValue), "subject", "must be a lower-case code (got \"\(subject.rawValue)\")")
    }
    if let areas, area != Self.outsideArea, !areas.contains(area) {
      v.fail(
        "area", "must be one of \((areas.sorted() + [Self.outsideArea]).joined(separator: ", ")) (got \"\(area)\")")
    } else if areas == nil {
      v.absorb { () throws(ValidationError) in try Area.validate(code: area) }
    }
    v.code(channel, "channel")
    v.code(status, "status")
    try v.throwIfAny()
  }
}

/// Correspondence received in a period, counted by subject and by area.
public struct CorrespondenceTotals: Sendable, Hashable, Codable {
  public var from: LocalDate
  public var to: LocalDate
  public var total: Int
  /// Most first; ties by code.
  public var bySubject: [Count]
  public var byArea: [Count]

  public struct Count: Sendable, Hashable, Codable {
    public var code: String
    public var count: Int
    public init(code: String, count: Int) {
      self.code = code
      self.count = count
    }
  }

  public init(from: LocalDate, to: LocalDate, total: Int, bySubject: [Count], byArea: [Count]) {
    self.from = from
    self.to = to
    self.total = total
    self.bySubject = bySubject
    self.byArea = byArea
  }
}
