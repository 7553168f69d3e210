public import Foundation

/// A hybrid logical clock reading: wall-clock milliseconds, a counter that orders readings
/// within one millisecond (or while the wall clock stands still or goes back), and the device
/// that made it, which breaks the last tie.
///
/// Readings are compared in that order, so two different devices never make equal ones and
/// every replica orders any two edits the same way. Devices read their clock in server time
/// (their own clock corrected by the offset measured at their last sync), and the server
/// corrects and clamps each reading again when it arrives (see `ClockCorrection`): the wall
/// part is never trusted as it comes.
public struct HLC: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public var wallMillis: Int64
  public var counter: UInt32
  public var node: String

  public init(wallMillis: Int64, counter: UInt32 = 0, node: String) {
    self.wallMillis = wallMillis
    self.counter = counter
    self.node = node
  }

  /// How far ahead of the present a device's last reading may be and still be followed by
  /// its next: further, it was made while the clock ran fast.
  public static let maxLead: Int64 = 60_000

  public static func < (a: HLC, b: HLC) -> Bool {
    (a.wallMillis, a.counter, a.node) < (b.wallMillis, b.counter, b.node)
  }

  /// The next reading on `node` after `last`, at wall time `now`: strictly greater than
  /// `last` even if the wall clock went back.
  public static func tick(after last: HLC?, now: Int64, node: String) -> HLC {
    guard let last, last.wallMillis >= now else { return HLC(wallMillis: now, counter: 0, node: node) }
    return HLC(wallMillis: last.wallMillis, counter: last.counter &+ 1, node: node)
  }

  public var date: Date { Date(millisecondsSince1970: wallMillis) }

  /// `wall.counter@node`, e.g. `1666000000000.0@3f2a...`: also how it is stored.
  public var description: String { "\(wallMillis).\(counter)@\(node)" }

  /// Reads the `description` form.
  public init?(text: String) {
    guard let at = text.firstIndex(of: "@"), let dot = text[..<at].firstIndex(of: "."),
      let wall = Int64(text[..<dot]), let counter = UInt32(text[text.index(after: dot)..<at])
    else { return nil }
    self.init(wallMillis: wall, counter: counter, node: String(text[text.index(after: at)...]))
  }
}

/// How the server turns a device's HLC reading into one it can compare with others.
///
/// A push carries the device's reading of the time as it sends (`sentAt`). The difference
/// from the server's clock at that moment is the device's remaining skew; each mutation's
/// reading is moved back by it, then clamped to the server's present, so an edit can never
/// come from the future. A device whose clock is days fast or slow throughout is corrected
/// exactly; one whose clock jumped between an edit and the push is moved by the jump (it may
/// then lose a tie it should have won, which leaves a conflict record, never a silent loss).
public struct ClockCorrection: Sendable, Hashable {
  /// Skew below which readings are left as they are (network delay, not a wrong clock).
  public static let tolerance: Int64 = 2_000

  /// Device minus server, in milliseconds.
  public let skewMillis: Int64
  public let serverNow: Int64

  /// Readings are checked against `SupportedTime` at the edge; they are clamped into it here
  /// as well, so that no reading, however it arrived, can overflow the arithmetic below.
  public init(sentAt: Int64?, serverNow: Int64) {
    let serverNow = SupportedTime.clamp(serverNow)
    self.serverNow = serverNow
    if let sentAt, abs(SupportedTime.clamp(sentAt) - serverNow) > Self.tolerance {
      skewMillis = SupportedTime.clamp(sentAt) - serverNow
    } else {
      skewMillis = 0
    }
  }

  public func correct(_ reading: HLC) -> HLC {
    var corrected = reading
    corrected.wallMillis = min(SupportedTime.clamp(reading.wallMillis) - skewMillis, serverNow)
    return corrected
  }

  /// The same, for an edit whose age the device measured on its monotonic clock (which no
  /// change of its wall clock moves): it was made `ageMillis` before the push, by the
  /// server's clock, whatever the device's wall clock said then. A device whose clock ran
  /// days fast while it edited, and was put right before it synced, is dated correctly.
  public func correct(_ reading: HLC, ageMillis: Int64?) -> HLC {
    guard let ageMillis else { return correct(reading) }
    var corrected = reading
    corrected.wallMillis = SupportedTime.clamp(
      serverNow - min(max(ageMillis, 0), serverNow - SupportedTime.millis.lowerBound))
    return corrected
  }
}
