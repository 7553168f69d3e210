import Foundation

/// A dated step of a plan element, e.g. "Commissioning framework agreed".
public struct Milestone: Sendable, Hashable, Codable, Identifiable {
  /// Assigned by the server from the element's id, e.g. `2.3-M1`.
  public var id: String
  public var elementID: String
  public var title: String
  public var dueDate: LocalDate
  /// Day it was completed; `nil` while open.
  public var completedOn: LocalDate?
  /// Records it refers to, as `type:id` (see ``RecordLink``).
  public var links: [String]

  public init(
    id: String, elementID: String, title: String, dueDate: LocalDate, completedOn: LocalDate? = nil,
    links: [String] = []
  ) {
    self.id = id
    self.elementID = elementID
    self.title = title
    self.dueDate = dueDate
    self.completedOn = completedOn
    self.links = links
  }

  /// True when the milestone was still open at the end of `day` and its due date had passed.
  public func isOverdue(on day: LocalDate) -> Bool {
    dueDate < day && !isCompleted(by: day)
  }

  /// True when it was completed on or before `day`.
  public func isCompleted(by day: LocalDate) -> Bool {
    completedOn.map { $0 <= day } ?? false
  }
}

/// A reference from a progress update or milestone to another record, written `type:id`
/// (`engagement:6f1c…`, `fund:prevention-fund`, `indicator:conviction-rate`).
///
/// Engagement links are checked to name a stored engagement; the others are checked for form
/// only. The Panel report tells an update that links oversight records (`award`, `bid`,
/// `fund`, `indicator`, `scrutiny`, `correspondence`, `reach`) through those records.
public enum RecordLink {
  public static let types = [
    "engagement", "fund", "award", "bid", "indicator", "meeting", "action", "inspection", "scrutiny", "correspondence",
    "reach",
  ]

  /// The violation for one link, or `nil` when it is well formed.
  public static func problem(_ link: String) -> String? {
    let parts = link.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, types.contains(String(parts[0])) else {
      return "must be TYPE:ID with TYPE one of \(types.joined(separator: ", ")) (got \"\(link)\")"
    }
    let id = parts[1]
    guard (1...64).contains(id.count),
      id.unicodeScalars.allSatisfy({
        $0.isASCII
          && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.".unicodeScalars.contains($0))
      })
    else {
      return "the id after \"\(parts[0]):\" must be 1 to 64 letters, digits, '-', '_' or '.' (got \"\(link)\")"
    }
    return nil
  }

  /// The engagement id a link names, if it is an engagement link.
  public static func engagementID(_ link: String) -> String? {
    link.hasPrefix("engagement:") ? String(link.dropFirst("engagement:".count)).lowercased() : nil
  }
}
