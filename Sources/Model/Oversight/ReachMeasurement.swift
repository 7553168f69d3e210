import Foundation

/// What a reach figure counts.
public struct ReachMetric: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Subscribers to the PCC's community newsletter, on a day.
  public static let newsletterSubscribers = ReachMetric(rawValue: "newsletter-subscribers")
  /// People following the PCC across all social media platforms, on a day.
  public static let socialFollowers = ReachMetric(rawValue: "social-followers")
  /// People signed up for PCC updates via Neighbourhood Matters, on a day.
  public static let neighbourhoodMatters = ReachMetric(rawValue: "neighbourhood-matters")
  /// Press releases and statements issued in a period.
  public static let pressReleases = ReachMetric(rawValue: "press-releases")

  public static let known: [ReachMetric] = [
    .newsletterSubscribers, .socialFollowers, .neighbourhoodMatters, .pressReleases,
  ]
  public static let fieldName = "metric"

  /// Whether the figure counts things done in a period (and so needs its start) rather than
  /// a total on a day.
  public var isPeriodCount: Bool { self == .pressReleases }
}

/// One dated reach figure: a total on a day, or a count over a period.
public struct ReachMeasurement: Sendable, Hashable, Codable, Identifiable {
  /// `<metric>-<as of>`: one figure per metric and day.
  public var id: String { "\(metric.rawValue)-\(asOf)" }
  public var metric: ReachMetric
  /// First day counted, for a period count; `nil` for a total on a day.
  public var periodStart: LocalDate?
  /// The day of a total, or the last day of a period count.
  public var asOf: LocalDate
  public var value: Int64

  public init(metric: ReachMetric, periodStart: LocalDate? = nil, asOf: LocalDate, value: Int64) {
    self.metric = metric
    self.periodStart = periodStart
    self.asOf = asOf
    self.value = value
  }

  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.code(metric, "metric")
    v.day(periodStart, "period_start")
    v.day(asOf, "as_of")
    v.check((0...1_000_000_000).contains(value), "value", "must be 0 to 1000000000 (got \(value))")
    if metric.isKnown {
      if metric.isPeriodCount && periodStart == nil {
        v.fail("period_start", "is required for \(metric.rawValue), which counts a period")
      }
      if !metric.isPeriodCount && periodStart != nil {
        v.fail("period_start", "must be empty for \(metric.rawValue), a total on a day")
      }
    }
    if let periodStart, periodStart > asOf {
      v.fail("as_of", "must be on or after period_start (\(periodStart)), got \(asOf)")
    }
    try v.throwIfAny()
  }
}
