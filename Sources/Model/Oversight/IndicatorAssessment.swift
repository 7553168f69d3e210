import Foundation

/// What an indicator's figures say, computed from its measurements, never typed in.
///
/// Three flags, each from the data alone:
/// - **below target**: the latest value is worse than the target (under it when higher is
///   better, over it when lower is better);
/// - **significant change**: for a survey measure in percent with sample sizes, the latest
///   value differs from the one before by a two-proportion z-test at 95% (|z| > 1.96, with the
///   pooled proportion; see ``TwoProportionTest``);
/// - **trend**: the last `trendPeriods` values each moved the same way, every step worse
///   (`worsening`) or every step better (`improving`).
public struct IndicatorAssessment: Sendable, Hashable, Codable {
  public enum Direction: String, Sendable, Hashable, Codable {
    case better, worse, same
  }

  public var indicator: Indicator
  /// Measurements with a period end on or before the day assessed, oldest first.
  public var measurements: [IndicatorMeasurement]
  public var latest: IndicatorMeasurement? { measurements.last }
  public var previous: IndicatorMeasurement? { measurements.count >= 2 ? measurements[measurements.count - 2] : nil }
  public var belowTarget: Bool
  /// Latest against the one before; `nil` with fewer than two values.
  public var change: Direction?
  /// The test, when both values are survey proportions with sample sizes.
  public var test: TwoProportionTest?
  /// The measurement of the indicator's baseline period, when it has one and it is measured.
  public var baseline: IndicatorMeasurement?
  /// The latest value against the baseline's, when both are survey proportions with sample sizes.
  public var baselineTest: TwoProportionTest?
  /// `worse` or `better` when every one of the last `trendPeriods` steps went that way.
  public var trend: Direction?
  public var trendPeriods: Int

  /// Whether the change is statistically significant (needs a test).
  public var significantChange: Bool { test?.isSignificant ?? false }

  /// Whether the latest value is significantly worse than the baseline's.
  public var significantlyWorseThanBaseline: Bool {
    guard let baseline, let latest, let test = baselineTest, test.isSignificant else { return false }
    return Self.direction(from: baseline.value, to: latest.value, indicator.better) == .worse
  }

  /// A performance concern: below target, significantly worse (than the period before or
  /// than the baseline), or worsening over the trend.
  public var isConcern: Bool {
    belowTarget || (significantChange && change == .worse) || significantlyWorseThanBaseline || trend == .worse
  }

  /// Assesses `indicator` on `measurements` up to `asOf` (all when `nil`).
  public init(indicator: Indicator, measurements: [IndicatorMeasurement], asOf: LocalDate? = nil, trendPeriods: Int = 3)
  {
    self.indicator = indicator
    self.trendPeriods = max(2, trendPeriods)
    let ordered = measurements.filter { m in
      m.indicatorID == indicator.id && (asOf.map { m.periodEnd <= $0 } ?? true)
    }.sorted { $0.periodEnd < $1.periodEnd }
    self.measurements = ordered
    let last = ordered.last
    if let last, let target = indicator.target {
      belowTarget = indicator.better == .higherIsBetter ? last.value < target : last.value > target
    } else {
      belowTarget = false
    }
    if ordered.count >= 2, let last {
      let before = ordered[ordered.count - 2]
      change = Self.direction(from: before.value, to: last.value, indicator.better)
      if indicator.unit == .percent, let n1 = before.sampleSize, let n2 = last.sampleSize {
        test = TwoProportionTest(p1: before.value / 100, n1: n1, p2: last.value / 100, n2: n2)
      }
    }
    if let end = indicator.baselinePeriodEnd, let last, last.periodEnd > end,
      let base = ordered.first(where: { $0.periodEnd == end })
    {
      baseline = base
      if indicator.unit == .percent, let n1 = base.sampleSize, let n2 = last.sampleSize {
        baselineTest = TwoProportionTest(p1: base.value / 100, n1: n1, p2: last.value / 100, n2: n2)
      }
    }
    if ordered.count >= self.trendPeriods {
      let window: [Double] = ordered.suffix(self.trendPeriods).map { $0.value }
      let steps: [Direction] = zip(window, window.dropFirst()).map {
        Self.direction(from: $0.0, to: $0.1, indicator.better)
      }
      if steps.allSatisfy({ $0 == Direction.worse }) {
        trend = .worse
      } else if steps.allSatisfy({ $0 == Direction.better }) {
        trend = .better
      }
    }
  }

  static func direction(from old: Double, to new: Double, _ better: IndicatorPolarity) -> Direction {
    if new == old { return .same }
    return (new > old) == (better == .higherIsBetter) ? .better : .worse
  }
}

/// The two-proportion z-test at 95% for a change between two survey samples.
///
/// With proportions p₁ of n₁ and p₂ of n₂, the pooled proportion is
/// p = (p₁n₁ + p₂n₂) / (n₁ + n₂), the standard error SE = √(p(1 − p)(1/n₁ + 1/n₂)) and
/// z = (p₂ − p₁) / SE. The change is significant at 95% when |z| > 1.96.
public struct TwoProportionTest: Sendable, Hashable, Codable {
  public var p1: Double
  public var n1: Int
  public var p2: Double
  public var n2: Int

  public static let criticalValue = 1.96

  public init(p1: Double, n1: Int, p2: Double, n2: Int) {
    self.p1 = p1
    self.n1 = n1
    self.p2 = p2
    self.n2 = n2
  }

  public var pooled: Double { (p1 * Double(n1) + p2 * Double(n2)) / Double(n1 + n2) }

  /// The z statistic; 0 when the standard error is 0 (both samples all or nothing alike).
  public var z: Double {
    let p = pooled
    let se = (p * (1 - p) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
    return se > 0 ? (p2 - p1) / se : 0
  }

  public var isSignificant: Bool { abs(z) > Self.criticalValue }
}
