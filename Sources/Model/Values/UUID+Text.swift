public import Foundation

/// UUID text read and written by hand: Foundation on Linux parses with `sscanf` and formats
/// with `sprintf`, and every pushed or pulled engagement carries several ids.
extension UUID {
  /// Reads the 36-character form `8-4-4-4-12` in hex digits of either case by hand, and
  /// anything else as `UUID(uuidString:)` does (which also takes a few odd forms, such as a
  /// space or `+` before a group), so what is accepted is exactly what it accepts.
  public init?(text: String) {
    if let id = Self.canonical(text) {
      self = id
    } else if let id = UUID(uuidString: text) {
      self = id
    } else {
      return nil
    }
  }

  private static func canonical(_ text: String) -> UUID? {
    var text = text
    let bytes = text.withUTF8 { utf8 -> uuid_t? in
      guard utf8.count == 36 else { return nil }
      var out = [UInt8](repeating: 0, count: 16)
      var index = 0
      for position in 0..<16 {
        if index == 8 || index == 13 || index == 18 || index == 23 {
          guard utf8[index] == UInt8(ascii: "-") else { return nil }
          index += 1
        }
        guard let high = Self.hexValue(utf8[index]), let low = Self.hexValue(utf8[index + 1]) else { return nil }
        out[position] = high << 4 | low
        index += 2
      }
      return (
        out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7], out[8], out[9], out[10], out[11], out[12],
        out[13], out[14], out[15]
      )
    }
    return bytes.map(UUID.init(uuid:))
  }

  /// `uuidString` in lower case.
  public var lowercaseText: String { text(digits: Self.lowerDigits) }

  /// `uuidString` (upper case).
  public var uppercaseText: String { text(digits: Self.upperDigits) }

  private static let lowerDigits = Array("0123456789abcdef".utf8)
  private static let upperDigits = Array("0123456789ABCDEF".utf8)

  private func text(digits: [UInt8]) -> String {
    withUnsafeBytes(of: uuid) { raw in
      String(unsafeUninitializedCapacity: 36) { out in
        var index = 0
        for position in 0..<16 {
          if position == 4 || position == 6 || position == 8 || position == 10 {
            out[index] = UInt8(ascii: "-")
            index += 1
          }
          out[index] = digits[Int(raw[position] >> 4)]
          out[index + 1] = digits[Int(raw[position] & 0x0F)]
          index += 2
        }
        return index
      }
    }
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
