import Foundation

/// Small helpers for looking into rendered documents in tests.
enum TextSearch {
  /// Where each string first occurs in `text`, in the order given; `nil` for one missing.
  static func offsets(of strings: [String], in text: String) -> [Int?] {
    strings.map { string in
      text.range(of: string).map { text.distance(from: text.startIndex, to: $0.lowerBound) }
    }
  }

  /// Whether every string occurs in `text`, each after the one before it.
  static func inOrder(_ strings: [String], in text: String) -> Bool {
    let offsets = offsets(of: strings, in: text)
    guard offsets.allSatisfy({ $0 != nil }) else { return false }
    let found = offsets.compactMap { $0 }
    return found == found.sorted() && Set(found).count == found.count
  }

  /// The Markdown from the heading line `heading` (e.g. `## Objective 3: …`) up to the next
  /// heading of the same or a higher level, or the end; empty when the heading is missing.
  static func markdownSection(_ markdown: String, heading: String) -> String {
    let level = heading.prefix { $0 == "#" }.count
    let lines = markdown.components(separatedBy: "\n")
    guard let start = lines.firstIndex(of: heading) else { return "" }
    var end = start + 1
    while end < lines.count {
      let hashes = lines[end].prefix { $0 == "#" }.count
      if hashes > 0, hashes <= level, lines[end].dropFirst(hashes).first == " " { break }
      end += 1
    }
    return lines[start..<end].joined(separator: "\n")
  }

  /// The text of every Markdown heading (levels 1 to 6), in order, with escapes removed.
  static func markdownHeadings(_ markdown: String) -> [String] {
    markdown.components(separatedBy: "\n").compactMap { line in
      let hashes = line.prefix { $0 == "#" }.count
      guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
      return unescapeMarkdown(String(line.dropFirst(hashes + 1)))
    }
  }

  /// The text of every HTML heading (`<h1>` to `<h6>`), in order, tags removed and
  /// character references decoded.
  static func htmlHeadings(_ html: String) -> [String] {
    let pattern = /<h[1-6][^>]*>(.*?)<\/h[1-6]>/
    return html.matches(of: pattern).map { decodeHTML(stripTags(String($0.output.1))) }
  }

  /// Markdown with backslash escapes removed (`\|` becomes `|`).
  static func unescapeMarkdown(_ text: String) -> String {
    var result = ""
    var escaped = false
    for character in text {
      if !escaped, character == "\\" {
        escaped = true
        continue
      }
      escaped = false
      result.append(character)
    }
    return result
  }

  /// HTML with its tags removed.
  static func stripTags(_ html: String) -> String {
    html.replacing(/<[^>]*>/, with: "")
  }

  /// Text with the five character references the renderer writes decoded.
  static func decodeHTML(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }
}
