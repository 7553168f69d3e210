/// Escapes text from the data so that GitHub-flavoured Markdown shows it literally.
///
/// Free text must never become structure: a `#` must not make a heading, a `|` must not
/// split a table cell, `<script>` must not be raw HTML, `[x](…)` must not become a link
/// or an image. Every character that can start such a construct is backslash-escaped
/// (CommonMark lets any ASCII punctuation be escaped), leaving ordinary prose readable.
enum MarkdownEscaping {
  /// Characters escaped wherever they appear: emphasis, code, links, raw HTML and
  /// autolinks, table pipes, strikethrough, math, headings and the escape itself.
  private static let alwaysEscaped: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "$", "#"]

  /// Text for one line of inline content: each run of white space (line breaks included)
  /// becomes one space, and special characters are escaped. An `&` is escaped only where it
  /// could start an entity (`&amp;`, `&#60;`), so "Telford & Wrekin" stays as it is.
  ///
  /// Spaces at either end are kept, as one, since the text may be a piece of a longer line;
  /// the writer trims whole lines.
  static func inline(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var characters = text.makeIterator()
    var next = characters.next()
    var inSpace = false
    while let character = next {
      next = characters.next()
      if character.isWhitespace {
        if !inSpace { result.append(" ") }
        inSpace = true
        continue
      }
      inSpace = false
      if alwaysEscaped.contains(character) {
        result.append("\\")
      } else if character == "&", let following = next, following == "#" || following.isLetter || following.isNumber {
        result.append("\\")
      }
      result.append(character)
    }
    return result
  }

  /// A line that starts a paragraph, list item or heading: also escapes a leading list
  /// marker (`-`, `+`, `1.`, `1)`) or setext underline (`=`), which would otherwise turn
  /// the line into a list or a heading.
  ///
  /// Leading and trailing spaces are removed first: CommonMark ignores up to three leading
  /// spaces, so " - x" would still be a list item, and two trailing ones make a line break.
  static func lineStart(_ text: String) -> String {
    let line = FreeText.trimmed(text)
    guard let first = line.first else { return line }
    if "-+=".contains(first) { return "\\" + line }
    let digits = line.prefix { $0.isASCII && $0.isNumber }
    if !digits.isEmpty, digits.count <= 9 {
      let rest = line.dropFirst(digits.count)
      if let marker = rest.first, marker == "." || marker == ")" {
        let after = rest.dropFirst()
        if after.isEmpty || after.first == " " { return digits + "\\" + rest }
      }
    }
    return line
  }
}
