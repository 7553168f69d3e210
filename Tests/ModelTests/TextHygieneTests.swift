import Model
import Testing

@Suite struct TextHygieneTests {
  @Test(
    "a length limit counts UTF-8 bytes as well as characters: a million combining marks are one character and refused")
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

@Suite struct DisplayTextTests {
  @Test(
    "control, bidirectional and separator characters are shown as their codes",
    arguments: [
      ("Ludlow\u{1B}[2J", #"Ludlow\u{1b}[2J"#), ("a\u{202E}b", #"a\u{202e}b"#), ("one\ntwo", #"one\u{a}two"#),
      ("over\rwrite", #"over\u{d}write"#), ("back\u{8}", #"back\u{8}"#), ("\u{2066}\u{2069}", #"\u{2066}\u{2069}"#),
      ("\u{200E}\u{200F}\u{061C}", #"\u{200e}\u{200f}\u{61c}"#), ("line\u{2028}sep", #"line\u{2028}sep"#),
      ("\u{7F}\u{85}\u{0}", #"\u{7f}\u{85}\u{0}"#), ("tab\there", #"tab\u{9}here"#),
    ])
  func escaped(text: String, shown: String) {
    #expect(DisplayText.escaped(text) == shown)
  }

  @Test("ordinary text, accents and symbols included, is shown as it is")
  func plain() {
    let text = "Café crème – £20, Ledbury Town Council (Herefordshire) \\ 100%"
    #expect(DisplayText.escaped(text) == text)
    #expect(DisplayText.escaped(text, keepingLineBreaks: true) == text)
  }

  @Test("a text of several lines keeps its line feeds, CR LF pairs and tabs, and escapes a lone carriage return")
  func lineBreaks() {
    #expect(DisplayText.escaped("one\ntwo\r\nthree\tfour", keepingLineBreaks: true) == "one\ntwo\nthree\tfour")
    #expect(DisplayText.escaped("one\rtwo\u{1B}[K", keepingLineBreaks: true) == #"one\u{d}two\u{1b}[K"#)
    #expect(DisplayText.escaped("end\r", keepingLineBreaks: true) == #"end\u{d}"#)
  }
}
