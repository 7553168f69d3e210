/// Stored or received text made safe to show on a terminal or write to a log: every character
/// that could move the cursor, clear the screen, start a new line or reorder what is around it
/// is shown as its code, `\u{1b}`.
///
/// Text reaches a table from places the reader does not control (another device's notes, a
/// server's answer, an old database): `ESC [ 2 J` in an organisation's name would clear the
/// screen, a `\r` or `\n` would overwrite or forge a line, and U+202E would show the rest of a
/// row backwards. Escaping keeps every character visible, so nothing is hidden or lost.
///
/// ```swift
/// DisplayText.escaped("Ludlow\u{1B}[2J")   // "Ludlow\\u{1b}[2J"
/// DisplayText.escaped("one\ntwo", keepingLineBreaks: true)   // "one\ntwo"
/// ```
public enum DisplayText {
  /// Whether `scalar` is escaped: control characters (Cc), line and paragraph separators, and
  /// the bidirectional controls that reorder how a terminal or a log viewer shows the text
  /// around them.
  public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true
    default: false
    }
  }

  /// How an unsafe scalar is shown: `\u{` and its hex code, lower case, then `}`.
  public static func escape(_ scalar: Unicode.Scalar) -> String {
    "\\u{\(String(scalar.value, radix: 16))}"
  }

  /// `text` with every unsafe scalar escaped.
  ///
  /// With `keepingLineBreaks`, for a field that may hold several lines (notes, a
  /// description), line feeds, CR LF pairs (shown as a line feed) and tabs stay as they are;
  /// a lone carriage return, which would overwrite the line, is still escaped.
  public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
    var out = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    var next = scalars.next()
    while let scalar = next {
      next = scalars.next()
      if keepingLineBreaks && (scalar == "\n" || scalar == "\t") {
        out.append(scalar)
      } else if keepingLineBreaks && scalar == "\r" && next == "\n" {
        continue  // the line feed that follows is kept
      } else if isUnsafe(scalar) {
        out.append(contentsOf: escape(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }
}
