import Foundation

extension Date {
  /// Whole milliseconds since 1970: the precision every replica stores timestamps at.
  public var millisecondsSince1970: Int64 {
    Int64((timeIntervalSince1970 * 1000).rounded(.down))
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
