import Model

extension LocalDate {
  /// The day as the office writes it, e.g. "31 October 2022" (no leading zero, no weekday).
  var longForm: String { "\(day) \(YearMonth(self).title)" }

  /// Whole days from `self` to `later`; negative when `later` is earlier.
  ///
  /// Counted on the proleptic Gregorian calendar by pure arithmetic, so no time zone or
  /// daylight-saving change can make a day 23 or 25 hours long.
  func days(until later: LocalDate) -> Int { later.dayNumber - dayNumber }

  /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
  private var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
