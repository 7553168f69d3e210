import Foundation
package import Model

/// The JSON text of an engagement, written and read by hand: the change log and the outbox
/// hold one per change, and Foundation's coders were most of the time of a push or a pull.
///
/// The text is exactly what `JSONEncoder` with sorted keys writes (instants as whole
/// milliseconds), so files written either way read the same. The reader takes that shape
/// only; anything else (a key it does not know, say) returns `nil`, and the caller falls back
/// to `JSONDecoder`.
package enum EngagementJSON {
  package static func encode(_ e: Engagement) -> String {
    var out = ""
    out.reserveCapacity(320 + e.notes.utf8.count)
    // Keys in sorted order, each written as one literal ("area" always comes first).
    func string(_ value: String) { append(value, to: &out) }
    func list(_ values: [String]) {
      out += "["
      for (index, value) in values.enumerated() {
        if index > 0 { out += "," }
        string(value)
      }
      out += "]"
    }
    out += "{\"area\":"
    string(e.area)
    if let attendees = e.attendees {
      out += ",\"attendees\":"
      out += String(attendees)
    }
    out += ",\"createdAt\":"
    out += String(e.createdAt.millisecondsSince1970)
    out += ",\"createdBy\":"
    string(e.createdBy)
    out += ",\"date\":"
    string(e.date.description)
    if let element = e.elementID {
      out += ",\"elementID\":"
      string(element)
    }
    out += ",\"followUpActions\":"
    list(e.followUpActions)
    out += ",\"id\":"
    string(e.id.uppercaseText)
    out += ",\"kind\":"
    string(e.kind.rawValue)
    out += ",\"notes\":"
    string(e.notes)
    if let objective = e.objectiveID {
      out += ",\"objectiveID\":"
      string(objective)
    }
    out += ",\"organisation\":"
    string(e.organisation)
    out += ",\"place\":"
    string(e.place)
    out += ",\"topics\":"
    list(e.topics)
    out += ",\"updatedAt\":"
    out += String(e.updatedAt.millisecondsSince1970)
    out += ",\"updatedBy\":"
    string(e.updatedBy)
    out += ",\"who\":"
    string(e.who.rawValue)
    out += "}"
    return out
  }

  /// A list of strings as `JSONEncoder` writes it.
  package static func encodeList(_ values: [String]) -> String {
    var out = "["
    for (index, value) in values.enumerated() {
      if index > 0 { out += "," }
      append(value, to: &out)
    }
    return out + "]"
  }

  /// A list of strings as `encodeList` writes it, or `nil` for any other text.
  package static func decodeList(_ text: String) -> [String]? {
    var parser = Parser(bytes: Array(text.utf8))
    guard let list = parser.list() else { return nil }
    parser.skipSpace()
    return parser.index == parser.bytes.count ? list : nil
  }

  /// Escapes as `JSONEncoder` does with `.withoutEscapingSlashes`.
  private static func append(_ value: String, to out: inout String) {
    out += "\""
    // Most values need no escape: copied in one step.
    if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
      out += value
      out += "\""
      return
    }
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }

  // MARK: - Reading

  package static func decode(_ text: String) -> Engagement? {
    var parser = Parser(bytes: Array(text.utf8))
    return parser.engagement()
  }

  private struct Parser {
    let bytes: [UInt8]
    var index = 0

    mutating func skipSpace() {
      while index < bytes.count,
        bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
      {
        index += 1
      }
    }

    mutating func take(_ byte: UInt8) -> Bool {
      skipSpace()
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    mutating func string() -> String? {
      guard take(0x22) else { return nil }
      // Most strings have no escapes: read them in one step.
      var end = index
      while end < bytes.count, bytes[end] != 0x22, bytes[end] != 0x5C { end += 1 }
      if end < bytes.count, bytes[end] == 0x22 {
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        index = end + 1
        return text
      }
      var scalars = String.UnicodeScalarView()
      var start = index
      var plain: [UInt8] = []
      while index < bytes.count {
        let byte = bytes[index]
        if byte == 0x22 {
          plain.append(contentsOf: bytes[start..<index])
          index += 1
          scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars)
          return String(scalars)
        }
        if byte == 0x5C {
          plain.append(contentsOf: bytes[start..<index])
          scalars.append(contentsOf: String(decoding: plain, as: UTF8.self).unicodeScalars)
          plain.removeAll(keepingCapacity: true)
          index += 1
          guard index < bytes.count else { return nil }
          switch bytes[index] {
          case 0x22: scalars.append("\"")
          case 0x5C: scalars.append("\\")
          case 0x2F: scalars.append("/")
          case 0x6E: scalars.append("\n")
          case 0x72: scalars.append("\r")
          case 0x74: scalars.append("\t")
          case 0x62: scalars.append("\u{08}")
          case 0x66: scalars.append("\u{0C}")
          case 0x75:
            // \uXXXX, with surrogate pairs.
            guard let high = hex4(at: index + 1) else { return nil }
            index += 4
            if (0xD800...0xDBFF).contains(high) {
              guard index + 6 < bytes.count, bytes[index + 1] == 0x5C, bytes[index + 2] == 0x75,
                let low = hex4(at: index + 3), (0xDC00...0xDFFF).contains(low)
              else { return nil }
              index += 6
              guard let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else { return nil }
              scalars.append(scalar)
            } else {
              guard let scalar = Unicode.Scalar(high) else { return nil }
              scalars.append(scalar)
            }
          default: return nil
          }
          index += 1
          start = index
          continue
        }
        index += 1
      }
      return nil
    }

    func hex4(at position: Int) -> UInt32? {
      guard position + 4 <= bytes.count else { return nil }
      var value: UInt32 = 0
      for byte in bytes[position..<position + 4] {
        let digit: UInt32
        switch byte {
        case 0x30...0x39: digit = UInt32(byte - 0x30)
        case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
        case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
        default: return nil
        }
        value = value * 16 + digit
      }
      return value
    }

    /// A whole number (what the writer writes; anything else is left to JSONDecoder).
    mutating func integer() -> Int64? {
      skipSpace()
      var negative = false
      if index < bytes.count, bytes[index] == 0x2D {
        negative = true
        index += 1
      }
      let start = index
      var value: Int64 = 0
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
        let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[index] - 0x30))
        guard !overflow1, !overflow2 else { return nil }
        value = sum
        index += 1
      }
      guard index > start else { return nil }
      if index < bytes.count, bytes[index] == 0x2E || bytes[index] == 0x65 || bytes[index] == 0x45 { return nil }
      return negative ? -value : value
    }

    mutating func list() -> [String]? {
      guard take(0x5B) else { return nil }
      var values: [String] = []
      if take(0x5D) { return values }
      repeat {
        guard let value = string() else { return nil }
        values.append(value)
      } while take(0x2C)
      return take(0x5D) ? values : nil
    }

    mutating func isNull() -> Bool {
      skipSpace()
      guard index + 4 <= bytes.count, bytes[index..<index + 4].elementsEqual("null".utf8) else { return false }
      index += 4
      return true
    }

    mutating func engagement() -> Engagement? {
      guard take(0x7B) else { return nil }
      // One variable per key (no dictionaries: hashing each key cost more than reading it).
      var id: String?
      var date: String?
      var who: String?
      var kind: String?
      var organisation: String?
      var place: String?
      var area: String?
      var notes: String?
      var createdBy: String?
      var updatedBy: String?
      var objectiveID: String?
      var elementID: String?
      var topics: [String]?
      var followUp: [String]?
      var attendeesNumber: Int64?
      var createdAtNumber: Int64?
      var updatedAtNumber: Int64?
      if !take(0x7D) {
        repeat {
          guard let name = string(), take(0x3A) else { return nil }
          switch name {
          case "topics", "followUpActions":
            guard let value = list() else { return nil }
            if name == "topics" { topics = value } else { followUp = value }
          case "attendees", "createdAt", "updatedAt":
            if isNull() { continue }
            guard let value = integer() else { return nil }
            switch name {
            case "attendees": attendeesNumber = value
            case "createdAt": createdAtNumber = value
            default: updatedAtNumber = value
            }
          case "area", "createdBy", "date", "elementID", "id", "kind", "notes", "objectiveID", "organisation", "place",
            "updatedBy", "who":
            if isNull() { continue }
            guard let value = string() else { return nil }
            switch name {
            case "area": area = value
            case "createdBy": createdBy = value
            case "date": date = value
            case "elementID": elementID = value
            case "id": id = value
            case "kind": kind = value
            case "notes": notes = value
            case "objectiveID": objectiveID = value
            case "organisation": organisation = value
            case "place": place = value
            case "updatedBy": updatedBy = value
            default: who = value
            }
          default:
            return nil
          }
        } while take(0x2C)
        guard take(0x7D) else { return nil }
      }
      skipSpace()
      guard index == bytes.count, let idText = id, let id = UUID(text: idText),
        let dateText = date, let date = LocalDate(dateText), let who, let kind,
        let organisation, let place, let area,
        let topics, let followUp, let notes,
        let createdBy, let createdAt = createdAtNumber, let updatedBy,
        let updatedAt = updatedAtNumber
      else { return nil }
      var attendees: Int?
      if let value = attendeesNumber {
        guard let small = Int(exactly: value) else { return nil }
        attendees = small
      }
      return Engagement(
        id: id, date: date, who: Officeholder(rawValue: who), kind: EngagementKind(rawValue: kind),
        organisation: organisation, place: place, area: area, attendees: attendees, topics: topics,
        objectiveID: objectiveID, elementID: elementID, followUpActions: followUp, notes: notes,
        createdBy: createdBy, createdAt: Date(millisecondsSince1970: createdAt), updatedBy: updatedBy,
        updatedAt: Date(millisecondsSince1970: updatedAt))
    }
  }
}
