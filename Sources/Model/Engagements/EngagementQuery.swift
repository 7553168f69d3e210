/// Filters for listing and summarising engagements; a `nil` field does not filter.
public struct EngagementQuery: Sendable, Hashable {
  /// First day included.
  public var from: LocalDate?
  /// Last day included.
  public var to: LocalDate?
  public var who: Officeholder?
  public var area: String?
  public var kind: EngagementKind?

  public init(
    from: LocalDate? = nil, to: LocalDate? = nil, who: Officeholder? = nil, area: String? = nil,
    kind: EngagementKind? = nil
  ) {
    self.from = from
    self.to = to
    self.who = who
    self.area = area
    self.kind = kind
  }

  /// Checks the filters' own rules (known codes, a range that is not inverted).
  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    if let from, let to, from > to {
      v.fail("to", "must be on or after from (\(from)), got \(to)")
    }
    if let who, !who.isKnown { v.fail("who", "must be one of \(Officeholder.knownList) (got \"\(who)\")") }
    // Kinds are the force's own list: a filter only needs a well-formed code.
    if let kind, !ForceProfile.isCode(kind.rawValue) {
      v.fail("kind", "must be a lower-case code such as \(EngagementKind.knownList) (got \"\(kind)\")")
    }
    try v.throwIfAny()
  }
}

extension EngagementQuery {
  /// Reads filters as typed by users or sent on the wire; a malformed date or an inverted
  /// range names its field. Empty text does not filter.
  public init(fromDate: String, toDate: String, who: String = "", area: String = "", kind: String = "")
    throws(ValidationError)
  {
    var violations: [ValidationError.Violation] = []
    func day(_ text: String, _ field: String) -> LocalDate? {
      guard !text.isEmpty else { return nil }
      guard let date = LocalDate(text) else {
        violations.append(.init(field: field, rule: "must be a real day written YYYY-MM-DD (got \"\(text)\")"))
        return nil
      }
      return date
    }
    self.init(
      from: day(fromDate, "from_date"), to: day(toDate, "to_date"),
      who: who.isEmpty ? nil : Officeholder(rawValue: who), area: area.isEmpty ? nil : area,
      kind: kind.isEmpty ? nil : EngagementKind(rawValue: kind))
    if !violations.isEmpty { throw ValidationError(violations: violations) }
    try validate()
  }
}

/// Engagement counts for a date range.
public struct EngagementSummary: Sendable, Hashable, Codable {
  public var total: Int
  /// Counts by officeholder code, by area code, by kind code and by month `YYYY-MM`.
  public var byWho: [String: Int]
  public var byArea: [String: Int]
  public var byKind: [String: Int]
  public var byMonth: [String: Int]

  public init(
    total: Int = 0, byWho: [String: Int] = [:], byArea: [String: Int] = [:],
    byKind: [String: Int] = [:], byMonth: [String: Int] = [:]
  ) {
    self.total = total
    self.byWho = byWho
    self.byArea = byArea
    self.byKind = byKind
    self.byMonth = byMonth
  }
}
