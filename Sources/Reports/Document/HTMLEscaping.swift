/// Escapes text from the data for HTML element content and quoted attribute values.
enum HTMLEscaping {
  /// The text with `&`, `<`, `>`, `"` and `'` written as character references, so that no
  /// value from the data can open a tag, end an attribute or start an entity.
  ///
  /// Control characters other than tab and line breaks, which HTML does not allow in a
  /// document, become U+FFFD (the replacement character) rather than disappearing silently.
  static func escape(_ text: String) -> String {
    // Most text needs nothing: one pass over the bytes says so, and the string is kept as is.
    guard text.utf8.contains(where: needsEscape) else { return text }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 32)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
      case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
      case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
      case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
      case UInt8(ascii: "'"): bytes.append(contentsOf: "&#39;".utf8)
      case _ where needsEscape(byte): bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])  // U+FFFD
      default: bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A byte that is escaped: one of `&<>"'`, or a control character other than tab, line feed
  /// and carriage return (bytes of multi-byte UTF-8 sequences are all 0x80 or above).
  private static func needsEscape(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0x7F: true
    case 0x09, 0x0A, 0x0D: false
    case 0x00...0x1F: true
    default: false
    }
  }

}
