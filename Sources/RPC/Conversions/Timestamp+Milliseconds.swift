import Foundation
import Model
import SwiftProtobuf

extension Google_Protobuf_Timestamp {
  /// The instant in whole milliseconds, as every replica stores it.
  public init(milliseconds date: Date) {
    let ms = date.millisecondsSince1970
    let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
    self.init(seconds: seconds, nanos: Int32((ms - seconds * 1000) * 1_000_000))
  }

  /// The instant truncated to whole milliseconds.
  public var millisecondDate: Date {
    Date(millisecondsSince1970: seconds * 1000 + Int64(nanos / 1_000_000))
  }
}
