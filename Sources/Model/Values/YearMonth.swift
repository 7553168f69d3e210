/// A calendar month, written `YYYY-MM`: the period of a monthly governance review.
public struct YearMonth: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public let year: Int
  public let month: Int

  /// `nil` unless `month` is 1 to 12 and `year` has four digits.
  public init?(year: Int, month: Int) {
    guard (1...12).contains(month), (1000...9999).contains(year) else { return nil }
    self.year = year
    self.month = month
  }

  /// Parses exactly `YYYY-MM`.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let year = Int(parts[0]), let month = Int(parts[1])
    else { return nil }
    self.init(year: year, month: month)
  }

  /// The month a day falls in.
  public init(_ date: LocalDate) {
    year = date.year
    month = date.month
  }

  public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

  /// The month's full English name and year, e.g. "October 2022".
  public var title: String { "\(Self.names[month - 1]) \(year)" }

  /// The month's English name, e.g. "October".
  public var name: String { Self.names[month - 1] }

  private init(checked year: Int, month: Int) {
    self.year = year
    self.month = month
  }

  public var firstDay: LocalDate { LocalDate(checked: year, month: month, day: 1) }
  public var lastDay: LocalDate {
    LocalDate(checked: year, month: month, day: LocalDate.daysIn(month: month, year: year))
  }

  public var next: YearMonth {
    month == 12 ? YearMonth(checked: year + 1, month: 1) : YearMonth(checked: year, month: month + 1)
  }
  public var previous: YearMonth {
    month == 1 ? YearMonth(checked: year - 1, month: 12) : YearMonth(checked: year, month: month - 1)
  }

  public func contains(_ date: LocalDate) -> Bool { date.year == year && date.month == month }

  public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = YearMonth(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM month: \(text)"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  private static let names = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
  ]
}
