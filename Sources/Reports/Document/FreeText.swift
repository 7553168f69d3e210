/// Free text from the data, cut into the lines and paragraphs a document shows.
enum FreeText {
  /// The text without white space at either end.
  static func trimmed(_ text: some StringProtocol) -> String {
    guard let first = text.firstIndex(where: { !$0.isWhitespace }),
      let last = text.lastIndex(where: { !$0.isWhitespace })
    else { return "" }
    return String(text[first...last])
  }

  /// Free text as paragraphs of lines: blank lines separate paragraphs; each line is trimmed
  /// so that no indentation or trailing space can change the document's structure.
  static func paragraphs(_ text: String) -> [[String]] {
    var paragraphs: [[String]] = []
    var current: [String] = []
    for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      let line = trimmed(rawLine)
      if line.isEmpty {
        if !current.isEmpty { paragraphs.append(current) }
        current = []
      } else {
        current.append(line)
      }
    }
    if !current.isEmpty { paragraphs.append(current) }
    return paragraphs
  }
}
