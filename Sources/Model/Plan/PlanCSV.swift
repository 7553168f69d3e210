import Foundation

/// The delivery plan as a spreadsheet: one CSV row per objective or plan element, columns
/// named by a header row.
///
/// Columns (any order, names case-insensitive; only `objective` is required):
/// `objective`, `objective_title`, `objective_description`, `element`, `title`,
/// `description`, `opcc_lead`, `force_lead`, `start_date`, `due_date`, `status`,
/// `rag_override`, `rag_override_reason`.
///
/// A row with an empty `element` describes an objective; any other row describes a plan
/// element of its `objective`. A blank cell, or a column left out, keeps the stored value
/// (or the default, for a new record); it never clears one.
public enum PlanCSV {
  public static let columns = [
    "objective", "objective_title", "objective_description", "element", "title", "description", "opcc_lead",
    "force_lead", "start_date", "due_date", "status", "rag_override", "rag_override_reason",
  ]
  /// Largest file accepted, in rows after the header.
  public static let maxRows = 5_000

  /// One data row: its line number in the file and its non-blank cells by column name.
  public struct Row: Sendable, Hashable {
    public var line: Int
    public var cells: [String: String]

    public init(line: Int, cells: [String: String]) {
      self.line = line
      self.cells = cells
    }

    public subscript(column: String) -> String? { cells[column] }
  }

  // MARK: - Reading

  /// Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF, an optional byte
  /// order mark) into rows, each with the line number it starts on.
  public static func records(_ text: String) throws(ValidationError) -> [(line: Int, fields: [String])] {
    var records: [(line: Int, fields: [String])] = []
    var fields: [String] = []
    var field = ""
    var line = 1
    var recordLine = 1
    var inQuotes = false
    var quotedField = false
    var scalars = Array(text.unicodeScalars)
    if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
    var index = 0
    func endRecord() {
      fields.append(field)
      if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { records.append((recordLine, fields)) }
      fields = []
      field = ""
      quotedField = false
    }
    while index < scalars.count {
      let c = scalars[index]
      if inQuotes {
        if c == "\"" {
          if index + 1 < scalars.count, scalars[index + 1] == "\"" {
            field.unicodeScalars.append("\"")
            index += 1
          } else {
            inQuotes = false
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
      } else {
        switch c {
        case "\"":
          guard field.isEmpty else {
            throw ValidationError(
              field: "line \(line)", rule: "a quote may only open a field (got one inside \"\(field)\")")
          }
          inQuotes = true
          quotedField = true
        case ",":
          fields.append(field)
          field = ""
        case "\r":
          break
        case "\n":
          endRecord()
          line += 1
          recordLine = line
        default:
          field.unicodeScalars.append(c)
        }
      }
      index += 1
    }
    if inQuotes {
      throw ValidationError(
        field: "line \(recordLine)", rule: "a quoted field is not closed before the end of the file")
    }
    if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
    return records
  }

  /// Reads a plan file into rows keyed by column; checks the header and the shape of each row.
  public static func parse(_ text: String) throws(ValidationError) -> [Row] {
    let records = try records(text)
    guard let header = records.first else {
      throw ValidationError(field: "file", rule: "is empty; the first row must name the columns")
    }
    var v = ViolationCollector()
    let names = header.fields.map {
      $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
    }
    for (position, name) in names.enumerated() where !columns.contains(name) {
      v.fail(
        "line \(header.line), column \(position + 1)",
        "unknown column \"\(name)\"; known: \(columns.joined(separator: ", "))")
    }
    for name in Set(names) where names.filter({ $0 == name }).count > 1 {
      v.fail("line \(header.line)", "column \"\(name)\" appears more than once")
    }
    if !names.contains("objective") { v.fail("line \(header.line)", "the header must have an \"objective\" column") }
    try v.throwIfAny()
    let data = records.dropFirst()
    guard data.count <= maxRows else {
      throw ValidationError(field: "file", rule: "at most \(maxRows) rows (got \(data.count))")
    }
    var rows: [Row] = []
    for record in data {
      if record.fields.count != names.count {
        v.fail("line \(record.line)", "has \(record.fields.count) cells; the header has \(names.count)")
        continue
      }
      var cells: [String: String] = [:]
      for (name, value) in zip(names, record.fields) {
        var trimmed = value.trimmingCharacters(in: .whitespaces)
        // Undo the quote ``escape(_:)`` puts before a formula-like cell.
        if trimmed.hasPrefix("'"), let next = trimmed.dropFirst().first, "=+-@".contains(next) {
          trimmed.removeFirst()
        }
        if !trimmed.isEmpty { cells[name] = trimmed }
      }
      if !cells.isEmpty { rows.append(Row(line: record.line, cells: cells)) }
    }
    try v.throwIfAny()
    return rows
  }

  // MARK: - Writing

  /// The plan as CSV with every column: each objective's row, then its elements' rows.
  public static func format(objectives: [Objective], elements: [PlanElement]) -> String {
    var lines = [columns.joined(separator: ",")]
    for objective in objectives {
      lines.append(
        line([
          "objective": objective.id, "objective_title": objective.title, "objective_description": objective.description,
        ]))
      for e in elements where e.objectiveID == objective.id {
        lines.append(
          line([
            "objective": e.objectiveID, "element": e.id, "title": e.title, "description": e.description,
            "opcc_lead": e.opccLead, "force_lead": e.forceLead, "start_date": e.startDate?.description ?? "",
            "due_date": e.dueDate?.description ?? "", "status": e.status.rawValue,
            "rag_override": e.ragOverride?.rag.rawValue ?? "", "rag_override_reason": e.ragOverride?.reason ?? "",
          ]))
      }
    }
    return lines.joined(separator: "\r\n") + "\r\n"
  }

  private static func line(_ cells: [String: String]) -> String {
    columns.map { escape(cells[$0] ?? "") }.joined(separator: ",")
  }

  /// Quotes a cell when it holds a comma, quote or line break, or starts with a character a
  /// spreadsheet would run as a formula (`=`, `+`, `-`, `@`), which is then prefixed with `'`.
  static func escape(_ value: String) -> String {
    var value = value
    if let first = value.first, "=+-@".contains(first) {
      value = "'" + value
    }
    guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
