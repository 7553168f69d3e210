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
  /// A RAG set by hand in place of the derived one; it always carries a reason.
  public var ragOverride: RAGOverride?

  public init(
    id: String, objectiveID: String, title: String, description: String = "",
    opccLead: String = "", forceLead: String = "", status: ElementStatus = .notStarted,
    startDate: LocalDate? = nil, dueDate: LocalDate? = nil, position: Int, ragOverride: RAGOverride? = nil
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
    self.ragOverride = ragOverride
  }

  /// The element's RAG rating on a given day: the override when one is set, else derived.
  ///
  /// Derived from the status and the dates: `complete` and `on-track` are green,
  /// `at-risk` amber, `off-track` red; an element still open after its due date is red; one
  /// `not-started` after its start date is amber; `paused` and `not-started` before its start
  /// have no rating (`nil`).
  public func rag(on day: LocalDate) -> RAG? {
    if let ragOverride { return ragOverride.rag }
    return Self.derivedRAG(status: status, startDate: startDate, dueDate: dueDate, on: day)
  }

  /// The rule of ``rag(on:)`` without an override, for a status held at some earlier time.
  public static func derivedRAG(status: ElementStatus, startDate: LocalDate?, dueDate: LocalDate?, on day: LocalDate)
    -> RAG?
  {
    let overdue = dueDate.map { $0 < day } ?? false
    switch status {
    case .complete: return .green
    case .paused: return nil
    case .offTrack: return .red
    case .atRisk: return overdue ? .red : .amber
    case .onTrack: return overdue ? .red : .green
    case .notStarted:
      if overdue { return .red }
      if let startDate, startDate < day { return .amber }
      return nil
    default: return status.rag
    }
  }
}

/// A RAG rating set by hand on a plan element, with the reason the governance team gave.
public struct RAGOverride: Sendable, Hashable, Codable {
  public var rag: RAG
  public var reason: String

  public init(rag: RAG, reason: String) {
    self.rag = rag
    self.reason = reason
  }
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

  /// The RAG rating the status alone implies (dates aside; see ``PlanElement/rag(on:)``).
  public var rag: RAG? {
    switch self {
    case .onTrack, .complete: .green
    case .atRisk: .amber
    case .offTrack: .red
    default: nil
    }
  }

  /// True for `at-risk` and `off-track`: the statuses a governance meeting looks at first.
  public var isOfConcern: Bool { self == .atRisk || self == .offTrack }
}

/// Red, amber or green: always shown with its word, never by colour alone.
public enum RAG: String, Sendable, Hashable, Codable, CaseIterable {
  case red, amber, green

  /// `RED`, `AMBER` or `GREEN`.
  public var label: String { rawValue.uppercased() }
}
