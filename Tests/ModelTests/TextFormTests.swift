import Foundation
import Model
import Testing

/// The hand-written text forms on the sync path against Foundation's, which they replace.
@Suite struct TextFormTests {
  @Test("UUID text reads and writes as Foundation does, in either case")
  func uuidText() {
    for _ in 0..<2000 {
      let id = UUID()
      #expect(id.lowercaseText == id.uuidString.lowercased())
      #expect(id.uppercaseText == id.uuidString)
      #expect(UUID(text: id.uuidString) == id)
      #expect(UUID(text: id.uuidString.lowercased()) == id)
    }
    let samples = [
      "", "0", "83453403-9609-4DD0-A7F0-03D2824B9EDB", "83453403-9609-4dd0-a7f0-03d2824b9edb",
      "83453403-9609-4DD0-A7F0-03D2824B9ED", "83453403-9609-4DD0-A7F0-03D2824B9EDBB",
      "834534039-609-4DD0-A7F0-03D2824B9EDB", "83453403-9609-4DD0-A7F0_03D2824B9EDB",
      "g3453403-9609-4DD0-A7F0-03D2824B9EDB", "83453403-9609-4DD0-A7F0-03D2824B9ED\u{E9}",
      " 3453403-9609-4DD0-A7F0-03D2824B9EDB", "+3453403-9609-4DD0-A7F0-03D2824B9EDB",
      "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "{83453403-9609-4DD0-A7F0-03D2824B9EDB}",
    ]
    for text in samples {
      #expect(UUID(text: text) == UUID(uuidString: text), "\(text)")
    }
  }

  @Test("dates are written as String(format:) wrote them and read only as YYYY-MM-DD")
  func dateText() {
    for (year, month, day) in [(1, 1, 1), (999, 12, 31), (2000, 2, 29), (2022, 7, 14), (9999, 12, 31)] {
      let date = LocalDate(year: year, month: month, day: day)!
      #expect(date.description == String(format: "%04d-%02d-%02d", year, month, day))
      #expect(LocalDate(date.description) == date)
    }
    for text in [
      "", "2022-7-14", "2022-07-1", "22-07-14", "2022/07/14", "2022-07-14 ", " 2022-07-14", "2022-13-01",
      "2022-02-30", "0000-01-01", "２０２２-07-14", "2022-07-1\u{301}", "2022-0a-14", "+022-07-14", "2022--7-14",
    ] {
      #expect(LocalDate(text) == nil, "\(text)")
    }
    #expect(LocalDate("2022-07-14") == LocalDate(year: 2022, month: 7, day: 14))
    let substring = "x2022-07-14".dropFirst()
    #expect(LocalDate(String(substring)) == LocalDate(year: 2022, month: 7, day: 14))
  }

  @Test("text checks refuse what the Foundation checks they replace refused")
  func textChecks() {
    // The checks as first written, with Foundation's trimming and Unicode categories.
    func reference(_ value: String, required: Bool, max: Int, multiline: Bool) -> Int {
      if required && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return 1 }
      var count = 0
      if value.count > max { count += 1 }
      if value.unicodeScalars.contains(where: { scalar in
        if multiline && (scalar == "\n" || scalar == "\r" || scalar == "\t") { return false }
        return scalar.properties.generalCategory == .control
      }) {
        count += 1
      }
      return count
    }
    var values = [
      "", " ", "\t\n", "\u{85}", "\u{A0}", "\u{2003}\u{3000}", "a", " a ", "line\nbreak", "tab\there", "\u{7F}",
      "\u{9F}x", "\u{A0}x", "\u{200B}", "e\u{301}e\u{301}", "🇬🇧🇬🇧🇬🇧", "\r\n", "\u{1F}", "\u{2028}",
      String(repeating: "é", count: 6), String(repeating: "e\u{301}", count: 6), String(repeating: "x", count: 7),
    ]
    for scalar in (0..<0x300).compactMap(Unicode.Scalar.init) { values.append("a\(scalar)b") }
    for value in values {
      for (required, multiline) in [(true, false), (false, true), (true, true)] {
        var collector = ViolationCollector()
        collector.text(value, "field", required: required, max: 6, multiline: multiline)
        #expect(
          collector.violations.count == reference(value, required: required, max: 6, multiline: multiline),
          "\(value.unicodeScalars.map { String($0.value, radix: 16) })")
      }
    }
  }
}
