import Foundation

/// Sums of money: held as whole pence (`Int64`), never as floating point, and written as pounds.
public enum Money {
  /// Largest amount accepted anywhere: £10bn, far above any force's budget.
  public static let maxPence: Int64 = 1_000_000_000_000

  /// The amount as the office writes it: `£60,000`, `£1,346.50`, `-£5.00`.
  ///
  /// Whole pounds are written without pence; any other amount with two decimals.
  public static func format(pence: Int64) -> String {
    let sign = pence < 0 ? "-" : ""
    let magnitude = pence.magnitude
    let pounds = grouped(magnitude / 100)
    let rest = magnitude % 100
    return rest == 0 ? "\(sign)£\(pounds)" : "\(sign)£\(pounds).\(rest < 10 ? "0" : "")\(rest)"
  }

  /// A short form for a fund's size in running text: `£1m`, `£2.5m`, `£750k`; other amounts
  /// as ``format(pence:)``.
  public static func short(pence: Int64) -> String {
    guard pence > 0, pence % 100 == 0 else { return format(pence: pence) }
    let pounds = pence / 100
    if pounds >= 1_000_000, pounds % 100_000 == 0 {
      let tenths = pounds / 100_000
      return tenths % 10 == 0 ? "£\(tenths / 10)m" : "£\(tenths / 10).\(tenths % 10)m"
    }
    if pounds >= 1_000, pounds < 1_000_000, pounds % 1_000 == 0 { return "£\(pounds / 1_000)k" }
    return format(pence: pence)
  }

  /// Reads an amount of pounds: `60000`, `60,000`, `£60,000`, `1346.5`, `1346.50`.
  ///
  /// Returns `nil` for anything else: a negative sign, more than two decimals, misplaced
  /// thousands separators, letters, or an amount above ``maxPence``.
  public static func parse(_ text: String) -> Int64? {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.hasPrefix("£") { body = body.dropFirst() }
    let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard let whole = parts.first, !whole.isEmpty else { return nil }
    if whole.contains(",") {
      let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
      guard let first = groups.first, (1...3).contains(first.count), groups.dropFirst().allSatisfy({ $0.count == 3 })
      else { return nil }
    }
    let digits = whole.filter { $0 != "," }
    guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
      let pounds = Int64(digits)
    else { return nil }
    var pence: Int64 = 0
    if parts.count == 2 {
      let fraction = parts[1]
      guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
        let value = Int64(fraction)
      else { return nil }
      pence = fraction.count == 1 ? value * 10 : value
    }
    let total = pounds * 100 + pence
    return total <= maxPence ? total : nil
  }

  private static func grouped(_ value: UInt64) -> String {
    let digits = Array(String(value))
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
      out.append(digit)
    }
    return out
  }
}
