public import Foundation

/// The instants Assure accepts and stores: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z,
/// in whole milliseconds since 1970.
///
/// Every timestamp a client sends is checked against this range at the edge, so that no
/// arithmetic on it (seconds to milliseconds, a clock correction) can overflow: any two
/// values in the range differ by less than 2^49.
public enum SupportedTime {
  /// 0001-01-01T00:00:00Z.
  public static let earliestMillis: Int64 = -62_135_596_800_000
  /// 9999-12-31T23:59:59.999Z.
  public static let latestMillis: Int64 = 253_402_300_799_999
  /// The range in whole seconds (what a protobuf `Timestamp` carries).
  public static let seconds: ClosedRange<Int64> = (earliestMillis / 1000)...(latestMillis / 1000)
  public static let millis: ClosedRange<Int64> = earliestMillis...latestMillis

  /// `milliseconds` moved into the range: for values that are already trusted (the server's
  /// own), so that a wrong one can never trap.
  public static func clamp(_ milliseconds: Int64) -> Int64 {
    min(max(milliseconds, earliestMillis), latestMillis)
  }

  /// The rule broken by a value outside the range, for a `ValidationError`.
  public static func rule(got value: Int64, unit: String) -> String {
    "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (got \(value) \(unit) since 1970)"
  }
}

extension Date {
  /// Whole milliseconds since 1970: the precision every replica stores timestamps at.
  /// Instants outside `SupportedTime` (and NaN) come out clamped to its ends, never a trap.
  public var millisecondsSince1970: Int64 {
    // A whole number of milliseconds read back from a `Date` may come out a hair below it
    // (0.002 s * 1000 = 1.9999999999999998): within a few units of the last place it is that
    // whole number, so a timestamp survives every store and the wire unchanged.
    let exact = timeIntervalSince1970 * 1000
    let nearest = exact.rounded()
    let milliseconds = abs(exact - nearest) <= 4 * exact.ulp ? nearest : exact.rounded(.down)
    guard milliseconds.isFinite else {
      return milliseconds < 0 ? SupportedTime.earliestMillis : SupportedTime.latestMillis
    }
    guard milliseconds >= Double(SupportedTime.earliestMillis) else { return SupportedTime.earliestMillis }
    guard milliseconds <= Double(SupportedTime.latestMillis) else { return SupportedTime.latestMillis }
    return Int64(milliseconds)
  }

  /// The instant `milliseconds` after 1970-01-01T00:00:00Z.
  public init(millisecondsSince1970 milliseconds: Int64) {
    self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
  }

  /// This instant truncated to whole milliseconds, so that it survives every store and the
  /// wire unchanged and replicas compare equal.
  public var truncatedToMilliseconds: Date {
    Date(millisecondsSince1970: millisecondsSince1970)
  }
}
