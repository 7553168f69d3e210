import Model
import Testing

@Suite struct TextHygieneTests {
  @Test("a length limit counts UTF-8 bytes as well as characters: a million combining marks are one character and refused")
  func combiningMarks() {
    var v = ViolationCollector()
    v.text("a" + String(repeating: "\u{301}", count: 1_000_000), "organisation", required: true, max: 200)
    #expect(v.violations.map(\.field) == ["organisation"])
    #expect(v.violations.first?.rule.contains("bytes of UTF-8") == true)
    var fine = ViolationCollector()
    fine.text("Café crème – £ " + String(repeating: "é", count: 180), "organisation", required: true, max: 200)
    #expect(fine.violations.isEmpty)
  }

  @Test(
    "an identifier refuses line breaks, control and bidirectional characters",
    arguments: ["laptop\nforged: line", "laptop\u{1b}[31m", "\u{202e}gnp.exe", "laptop\u{2028}two", "", "x\u{0}"])
  func identifiers(value: String) {
    var v = ViolationCollector()
    v.identifier(value, "device_id", max: 100)
    #expect(v.violations.map(\.field) == ["device_id"])
  }

  @Test("an ordinary identifier passes")
  func plainIdentifier() {
    var v = ViolationCollector()
    v.identifier("3F2A-laptop_1 (Ludlow office)", "device_id", max: 100)
    #expect(v.violations.isEmpty)
  }
}
