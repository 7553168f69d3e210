import Foundation
import Model

/// How the Panel report writes numbers, periods and lists.
enum PanelWording {
  /// A whole number with thousands separators: `17,630`.
  static func count(_ value: Int64) -> String {
    let digits = Array(String(value.magnitude))
    var out = value < 0 ? "-" : ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return out
  }

  static func count(_ value: Int) -> String { count(Int64(value)) }

  /// A number with at most `places` decimals and no trailing zeros: `84.5`, `87`.
  static func decimal(_ value: Double, places: Int = 2) -> String {
    let scale = pow(10, Double(places))
    let rounded = (value * scale).rounded() / scale
    if rounded == rounded.rounded() && abs(rounded) < 1e15 { return count(Int64(rounded)) }
    var text = String(format: "%.\(places)f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    let parts = text.split(separator: ".")
    let whole = Int64(parts[0]) ?? 0
    return (rounded < 0 && whole == 0 ? "-" : "") + count(whole) + (parts.count > 1 ? "." + parts[1] : "")
  }

  /// An indicator value in its unit: `87%`, `17,630`, `4.25`.
  static func value(_ value: Double, _ unit: IndicatorUnit) -> String {
    switch unit {
    case .percent: decimal(value, places: 1) + "%"
    case .count: count(Int64(value.rounded()))
    default: decimal(value)
    }
  }

  /// A small number as a word, as the report writes it ("four key objectives").
  static func word(_ n: Int) -> String {
    let words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words.indices.contains(n) ? words[n] : count(n)
  }

  /// Text that ends a sentence with a full stop (unless it already ends with one).
  static func sentence(_ text: String) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let last = trimmed.last else { return "" }
    return ".!?".contains(last) ? trimmed : trimmed + "."
  }

  /// A span of days in words: "September 2022", "September and October 2022",
  /// "July to September 2022", "December 2022 to February 2023", or "between 3 and 20 October 2022".
  static func span(_ from: LocalDate, _ to: LocalDate) -> String {
    let first = YearMonth(from)
    let last = YearMonth(to)
    guard from == first.firstDay, to == last.lastDay else { return "between \(from.longForm) and \(to.longForm)" }
    if first == last { return first.title }
    let join = first.next == last ? " and " : " to "
    return first.year == last.year ? first.name + join + last.title : first.title + join + last.title
  }

  /// A measurement's period: "September 2022", "April to September 2022", "quarter one 2022/23".
  static func period(_ m: IndicatorMeasurement, fiscalQuarters: Bool = false) -> String {
    let first = YearMonth(m.periodStart)
    let last = YearMonth(m.periodEnd)
    if fiscalQuarters, m.periodStart == first.firstDay, m.periodEnd == last.lastDay,
      first.next.next == last, [4, 7, 10, 1].contains(first.month)
    {
      let quarter = ["one", "two", "three", "four"][first.month == 1 ? 3 : (first.month - 4) / 3]
      let startYear = first.month >= 4 ? first.year : first.year - 1
      return "quarter \(quarter) \(startYear)/\(String(format: "%02d", (startYear + 1) % 100))"
    }
    return span(m.periodStart, m.periodEnd).replacingOccurrences(of: "between ", with: "")
  }

  /// A month's short label for a chart axis: "Sep 22".
  static func shortMonth(_ day: LocalDate) -> String {
    let month = YearMonth(day)
    return String(month.name.prefix(3)) + " " + String(format: "%02d", day.year % 100)
  }

  /// A sentence followed by a record's purpose. A purpose that is a clause ("To provide
  /// support …", "For Taxi Marshals …", "So that …") joins the sentence ("… for £100,000, to
  /// provide support …"); a purpose that is a sentence of its own ("The money will enable …")
  /// follows it, as written.
  static func with(_ sentence: String, purpose: String) -> String {
    let purpose = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !purpose.isEmpty else { return sentence }
    for lead in ["To ", "For ", "So that ", "In order to "] where purpose.hasPrefix(lead) && sentence.hasSuffix(".") {
      return String(sentence.dropLast()) + ", " + lead.lowercased()
        + Self.sentence(String(purpose.dropFirst(lead.count)))
    }
    return sentence + " " + Self.sentence(purpose)
  }

  /// "1st", "2nd", "3rd", "7th", "11th", "22nd".
  static func ordinal(_ n: Int) -> String {
    let suffix: String
    switch (n % 10, n % 100) {
    case (_, 11...13): suffix = "th"
    case (1, _): suffix = "st"
    case (2, _): suffix = "nd"
    case (3, _): suffix = "rd"
    default: suffix = "th"
    }
    return "\(n)\(suffix)"
  }

  /// "the Home Office"; a funder already starting with "the" is left as is.
  static func the(_ name: String) -> String {
    name.lowercased().hasPrefix("the ") ? name : "the " + name
  }
}
