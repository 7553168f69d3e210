import ArgumentParser
import Foundation
import Model

/// How lists and status are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

enum Output {
  /// Pretty, key-sorted JSON on standard output.
  static func json<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }

  /// Left-aligned columns separated by two spaces, one line per row.
  ///
  /// Every cell is escaped (`DisplayText`): stored text comes from other devices and from the
  /// server, and a control or bidirectional character in it could clear the screen, forge a
  /// row or reorder one. Widths are those of the escaped text.
  static func table(_ header: [String], _ rows: [[String]]) {
    let all = ([header] + rows).map { $0.map { DisplayText.escaped($0) } }
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    for row in all {
      let cells = row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }
      print(cells.joined(separator: "  "))
    }
  }

  /// One `label  value` line per field, labels padded to one width.
  ///
  /// Values are escaped like table cells, except that a value of several lines (notes, a
  /// description) keeps its line breaks, each further line indented under the first: no line
  /// of a value can pass for a label.
  static func fields(_ rows: [(String, String)]) {
    let width = (rows.map(\.0.count).max() ?? 0) + 2
    let indent = String(repeating: " ", count: width)
    for (label, value) in rows {
      let lines = DisplayText.escaped(value, keepingLineBreaks: true).split(
        separator: "\n", omittingEmptySubsequences: false)
      print(
        DisplayText.escaped(label).padding(toLength: width, withPad: " ", startingAt: 0)
          + lines.joined(separator: "\n" + indent))
    }
  }

  static func truncate(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(width - 1)) + "…"
  }
}

/// An engagement as `--format json` prints it.
struct EngagementJSON: Encodable {
  let id: String
  let date: String
  let who: String
  let kind: String
  let organisation: String
  let place: String
  let area: String
  let attendees: Int?
  let topics: [String]
  let objective: String?
  let element: String?
  let followUpActions: [String]
  let notes: String
  let createdBy: String
  let createdAt: Date
  let updatedBy: String
  let updatedAt: Date
  /// `pending` while a change waits to be pushed, `rejected` if the server refused it, else `synced`.
  let syncState: String

  init(_ e: Engagement, syncState: String) {
    id = e.id.uuidString.lowercased()
    date = e.date.description
    who = e.who.rawValue
    kind = e.kind.rawValue
    organisation = e.organisation
    place = e.place
    area = e.area
    attendees = e.attendees
    topics = e.topics
    objective = e.objectiveID
    element = e.elementID
    followUpActions = e.followUpActions
    notes = e.notes
    createdBy = e.createdBy
    createdAt = e.createdAt
    updatedBy = e.updatedBy
    updatedAt = e.updatedAt
    self.syncState = syncState
  }

  private enum CodingKeys: String, CodingKey {
    case id, date, who, kind, organisation, place, area, attendees, topics, objective, element
    case followUpActions, notes, createdBy, createdAt, updatedBy, updatedAt, syncState
  }

  /// Absent values are written as `null`, so every object has every key.
  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(date, forKey: .date)
    try c.encode(who, forKey: .who)
    try c.encode(kind, forKey: .kind)
    try c.encode(organisation, forKey: .organisation)
    try c.encode(place, forKey: .place)
    try c.encode(area, forKey: .area)
    try c.encode(attendees, forKey: .attendees)
    try c.encode(topics, forKey: .topics)
    try c.encode(objective, forKey: .objective)
    try c.encode(element, forKey: .element)
    try c.encode(followUpActions, forKey: .followUpActions)
    try c.encode(notes, forKey: .notes)
    try c.encode(createdBy, forKey: .createdBy)
    try c.encode(createdAt, forKey: .createdAt)
    try c.encode(updatedBy, forKey: .updatedBy)
    try c.encode(updatedAt, forKey: .updatedAt)
    try c.encode(syncState, forKey: .syncState)
  }
}
