public import Foundation
public import Model
public import SwiftProtobuf

extension Google_Protobuf_Timestamp {
  /// The instant in whole milliseconds, as every replica stores it.
  public init(milliseconds date: Date) {
    let ms = date.millisecondsSince1970  // within SupportedTime: nothing below can overflow
    let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
    self.init(seconds: seconds, nanos: Int32((ms - seconds * 1000) * 1_000_000))
  }

  /// The instant truncated to whole milliseconds; one outside `SupportedTime` is moved to its
  /// nearer end. For values from the server; a request's timestamps go through `date(field:)`.
  public var millisecondDate: Date {
    let seconds = min(max(self.seconds, SupportedTime.seconds.lowerBound), SupportedTime.seconds.upperBound)
    let nanos = min(max(self.nanos, 0), 999_999_999)
    return Date(millisecondsSince1970: seconds * 1000 + Int64(nanos / 1_000_000))
  }

  /// The instant truncated to whole milliseconds, or a `ValidationError` naming `field` when
  /// the timestamp is not a valid protobuf timestamp (nanos 0 to 999,999,999) or lies outside
  /// `SupportedTime`. Every timestamp a client sends is read with this.
  public func date(field: String) throws(ValidationError) -> Date {
    guard SupportedTime.seconds.contains(seconds) else {
      throw ValidationError(field: "\(field).seconds", rule: SupportedTime.rule(got: seconds, unit: "seconds"))
    }
    guard (0...999_999_999).contains(nanos) else {
      throw ValidationError(field: "\(field).nanos", rule: "must be between 0 and 999999999 (got \(nanos))")
    }
    return Date(millisecondsSince1970: seconds * 1000 + Int64(nanos / 1_000_000))
  }
}
