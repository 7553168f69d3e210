/// One commitment of the delivery plan under an objective, with its leads, dates and status.
public struct PlanElement: Sendable, Hashable, Codable, Identifiable {
  /// Stable reference, e.g. `2.4`.
  public var id: String
  public var objectiveID: String
  public var title: String
  public var description: String
  /// Lead in the PCC's office.
  public var opccLead: String
  /// Lead in the force, if any.
  public var forceLead: String
  public var status: ElementStatus
  public var startDate: LocalDate?
  public var dueDate: LocalDate?
  /// Order within its objective, from 1.
  public var position: Int

  public init(
    id: String, objectiveID: String, title: String, description: String = "",
    opccLead: String = "", forceLead: String = "", status: ElementStatus = .notStarted,
    startDate: LocalDate? = nil, dueDate: LocalDate? = nil, position: Int
  ) {
    self.id = id
    self.objectiveID = objectiveID
    self.title = title
    self.description = description
    self.opccLead = opccLead
    self.forceLead = forceLead
    self.status = status
    self.startDate = startDate
    self.dueDate = dueDate
    self.position = position
  }

  /// RAG rating derived from the status; `nil` for elements not started or paused.
  public var rag: RAG? { status.rag }
}

/// Delivery status of a plan element.
public struct ElementStatus: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let notStarted = ElementStatus(rawValue: "not-started")
  public static let onTrack = ElementStatus(rawValue: "on-track")
  public static let atRisk = ElementStatus(rawValue: "at-risk")
  public static let offTrack = ElementStatus(rawValue: "off-track")
  public static let complete = ElementStatus(rawValue: "complete")
  public static let paused = ElementStatus(rawValue: "paused")

  public static let known: [ElementStatus] = [.notStarted, .onTrack, .atRisk, .offTrack, .complete, .paused]
  public static let fieldName = "status"

  /// The RAG rating a status implies.
  public var rag: RAG? {
    switch self {
    case .onTrack, .complete: .green
    case .atRisk: .amber
    case .offTrack: .red
    default: nil
    }
  }
}

/// Red, amber or green: always shown with its word, never by colour alone.
public enum RAG: String, Sendable, Hashable, Codable {
  case red, amber, green
}
