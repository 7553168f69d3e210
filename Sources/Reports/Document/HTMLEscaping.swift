/// Escapes text from the data for HTML element content and quoted attribute values.
enum HTMLEscaping {
  /// The text with `&`, `<`, `>`, `"` and `'` written as character references, so that no
  /// value from the data can open a tag, end an attribute or start an entity.
  ///
  /// Control characters other than tab and line breaks, which HTML does not allow in a
  /// document, become U+FFFD (the replacement character) rather than disappearing silently.
  static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
      case "\u{0}"..."\u{1F}", "\u{7F}": result += "\u{FFFD}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
