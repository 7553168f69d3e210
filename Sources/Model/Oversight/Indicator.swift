import Foundation

/// The unit an indicator is measured in.
public struct IndicatorUnit: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  /// A percentage, 0 to 100. Survey measures in percent with a sample size can be tested for
  /// a significant change.
  public static let percent = IndicatorUnit(rawValue: "percent")
  public static let count = IndicatorUnit(rawValue: "count")
  /// Any other number (a rate per 1,000, a time in seconds).
  public static let number = IndicatorUnit(rawValue: "number")

  public static let known: [IndicatorUnit] = [.percent, .count, .number]
  public static let fieldName = "unit"
}

/// Which way is better.
public struct IndicatorPolarity: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let higherIsBetter = IndicatorPolarity(rawValue: "higher")
  public static let lowerIsBetter = IndicatorPolarity(rawValue: "lower")

  public static let known: [IndicatorPolarity] = [.higherIsBetter, .lowerIsBetter]
  public static let fieldName = "better"
}

/// How often an indicator is measured.
public struct IndicatorFrequency: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let monthly = IndicatorFrequency(rawValue: "monthly")
  public static let quarterly = IndicatorFrequency(rawValue: "quarterly")
  public static let halfYearly = IndicatorFrequency(rawValue: "half-yearly")
  public static let annual = IndicatorFrequency(rawValue: "annual")
  public static let rolling12Months = IndicatorFrequency(rawValue: "rolling-12-months")

  public static let known: [IndicatorFrequency] = [.monthly, .quarterly, .halfYearly, .annual, .rolling12Months]
  public static let fieldName = "frequency"
}

/// A performance indicator: what is measured, which way is better, the target and the
/// comparator it is held against.
public struct Indicator: Sendable, Hashable, Codable, Identifiable {
  /// A short reference chosen by the office, e.g. `conviction-overall`.
  public var id: String
  /// As the report writes it, e.g. "overall conviction rate".
  public var name: String
  public var unit: IndicatorUnit
  public var better: IndicatorPolarity
  /// The internal target, if any.
  public var target: Double?
  /// A figure to compare with, e.g. the national average.
  public var comparator: Double?
  /// What the comparator is, e.g. "national average".
  public var comparatorLabel: String
  public var frequency: IndicatorFrequency
  /// Where the figures come from, e.g. "CPS case outcomes" or "West Mercia perception survey".
  public var source: String
  /// Measured by a sample survey: its measurements carry sample sizes and are headlined in the
  /// report's perception survey section.
  public var survey: Bool
  /// Plan element it reports on; places it in that objective's section.
  public var elementID: String?
  /// End of a baseline period: a survey measure's latest value is also tested against the
  /// value of the period ending then ("significantly reduced since March 2021").
  public var baselinePeriodEnd: LocalDate?

  public init(
    id: String, name: String, unit: IndicatorUnit, better: IndicatorPolarity, target: Double? = nil,
    comparator: Double? = nil, comparatorLabel: String = "", frequency: IndicatorFrequency, source: String = "",
    survey: Bool = false, elementID: String? = nil, baselinePeriodEnd: LocalDate? = nil
  ) {
    self.baselinePeriodEnd = baselinePeriodEnd
    self.id = id
    self.name = name
    self.unit = unit
    self.better = better
    self.target = target
    self.comparator = comparator
    self.comparatorLabel = comparatorLabel
    self.frequency = frequency
    self.source = source
    self.survey = survey
    self.elementID = elementID
  }

  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(id, "id")
    v.text(name, "name", required: true, max: OversightLimits.nameLength)
    v.code(unit, "unit")
    v.code(better, "better")
    v.code(frequency, "frequency")
    for (value, field) in [(target, "target"), (comparator, "comparator")] {
      guard let value else { continue }
      if !value.isFinite || abs(value) > 1e12 { v.fail(field, "must be a finite number (got \(value))") }
      if unit == .percent && !(0...100).contains(value) {
        v.fail(field, "must be 0 to 100 for a percentage (got \(value))")
      }
    }
    v.text(comparatorLabel, "comparator_label", required: comparator != nil, max: OversightLimits.nameLength)
    v.text(source, "source", required: false, max: OversightLimits.nameLength)
    if survey && unit != .percent {
      v.fail("survey", "a survey measure must be in percent (got unit \(unit.rawValue))")
    }
    v.element(elementID)
    v.day(baselinePeriodEnd, "baseline_period_end")
    if baselinePeriodEnd != nil && !survey {
      v.fail(
        "baseline_period_end", "only a survey measure is tested against a baseline (\(id) is not a survey measure)")
    }
    try v.throwIfAny()
  }
}

/// One value of an indicator for a period.
public struct IndicatorMeasurement: Sendable, Hashable, Codable {
  public var indicatorID: String
  public var periodStart: LocalDate
  public var periodEnd: LocalDate
  public var value: Double
  /// People asked, for a survey measure; `nil` otherwise.
  public var sampleSize: Int?
  /// Position among the force's most similar group of forces (1 = first), and the group's
  /// size ("7th out of 8"); `nil` when not ranked.
  public var rank: Int?
  public var rankOf: Int?

  public init(
    indicatorID: String, periodStart: LocalDate, periodEnd: LocalDate, value: Double, sampleSize: Int? = nil,
    rank: Int? = nil, rankOf: Int? = nil
  ) {
    self.rank = rank
    self.rankOf = rankOf
    self.indicatorID = indicatorID
    self.periodStart = periodStart
    self.periodEnd = periodEnd
    self.value = value
    self.sampleSize = sampleSize
  }

  /// `<indicator>@<period end>`: one value per indicator and period end.
  public var id: String { "\(indicatorID)@\(periodEnd)" }

  /// Checks the value against its indicator.
  public func validate(for indicator: Indicator?) throws(ValidationError) {
    var v = ViolationCollector()
    v.reference(indicatorID, "indicator")
    v.day(periodStart, "period_start")
    v.day(periodEnd, "period_end")
    if periodEnd < periodStart {
      v.fail("period_end", "must be on or after period_start (\(periodStart)), got \(periodEnd)")
    }
    if !value.isFinite || abs(value) > 1e12 { v.fail("value", "must be a finite number (got \(value))") }
    if let sampleSize, !(1...10_000_000).contains(sampleSize) {
      v.fail("sample_size", "must be 1 to 10000000 (got \(sampleSize))")
    }
    switch (rank, rankOf) {
    case (nil, nil): break
    case (let rank?, let size?):
      if !(2...100).contains(size) { v.fail("rank_of", "must be 2 to 100 forces (got \(size))") }
      if !(1...max(1, size)).contains(rank) { v.fail("rank", "must be 1 to rank_of (\(size)), got \(rank)") }
    case (nil, _?): v.fail("rank", "is required with rank_of")
    case (_?, nil): v.fail("rank_of", "is required with rank")
    }
    if let indicator {
      if indicator.unit == .percent && !(0...100).contains(value) {
        v.fail("value", "must be 0 to 100 for a percentage (got \(value))")
      }
      if indicator.unit == .count && (value < 0 || value != value.rounded()) {
        v.fail("value", "must be a whole number of at least 0 for a count (got \(value))")
      }
      if indicator.survey && sampleSize == nil {
        v.fail("sample_size", "is required for survey measure \(indicator.id)")
      }
      if !indicator.survey && sampleSize != nil {
        v.fail("sample_size", "only a survey measure has one (\(indicator.id) is not a survey measure)")
      }
    } else {
      v.fail("indicator", "no indicator \"\(indicatorID)\"")
    }
    try v.throwIfAny()
  }
}
