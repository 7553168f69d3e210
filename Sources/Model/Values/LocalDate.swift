public import Foundation

/// A calendar day with no time or zone, written `YYYY-MM-DD`.
///
/// Engagements, milestones and plan dates are days, not instants: an engagement on
/// 14 July happened on 14 July wherever the device's clock or zone was. Comparison is
/// chronological.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public let year: Int
  public let month: Int
  public let day: Int

  /// Creates a date from its parts, or returns `nil` when the day does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
      day <= LocalDate.daysIn(month: month, year: year)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// A day already known to exist (used where the parts come from another valid date).
  init(checked year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Parses `YYYY-MM-DD`, or returns `nil` for any other text or a day that does not exist.
  public init?(_ text: String) {
    // The usual form, read from its bytes: every pushed and pulled engagement has a date.
    if let parsed = text.utf8.withContiguousStorageIfAvailable(Self.parse) {
      guard let (y, m, d) = parsed else { return nil }
      self.init(year: y, month: m, day: d)
      return
    }
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  /// The day an instant falls on in a time zone.
  public init(_ instant: Date, in timeZone: TimeZone) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let parts = calendar.dateComponents([.year, .month, .day], from: instant)
    // Gregorian components of a real instant always form a valid day.
    self.year = parts.year ?? 1970
    self.month = parts.month ?? 1
    self.day = parts.day ?? 1
  }

  /// Today in the given time zone (the process's zone by default).
  public static func today(in timeZone: TimeZone = .current, now: Date = Date()) -> LocalDate {
    LocalDate(now, in: timeZone)
  }

  /// Year, month and day of exactly `YYYY-MM-DD` in ASCII digits, or `nil`.
  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
      }
      return value
    }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
    return (y, m, d)
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    // Written by hand: `String(format:)` cost more than the rest of storing an engagement.
    guard (0...9999).contains(year), (0...99).contains(month), (0...99).contains(day) else {
      return String(format: "%04d-%02d-%02d", year, month, day)
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(10)
    func append(_ value: Int, digits: Int) {
      var divisor = 1
      for _ in 1..<digits { divisor *= 10 }
      var rest = value
      while divisor > 0 {
        bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor % 10))
        rest %= divisor
        divisor /= 10
      }
    }
    append(year, digits: 4)
    bytes.append(UInt8(ascii: "-"))
    append(month, digits: 2)
    bytes.append(UInt8(ascii: "-"))
    append(day, digits: 2)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The month the day is in, `YYYY-MM`.
  public var monthKey: String {
    String(format: "%04d-%02d", year, month)
  }

  /// The day `days` later (or earlier, when negative).
  public func adding(days: Int) -> LocalDate {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date()
    let moved = calendar.date(byAdding: .day, value: days, to: start) ?? start
    return LocalDate(moved, in: calendar.timeZone)
  }

  public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let date = LocalDate(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
    }
    self = date
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}
