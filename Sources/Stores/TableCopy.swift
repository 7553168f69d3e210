import Crypto
public import Foundation

/// A value as a store holds it, whatever the engine: what moves when an office's data is
/// copied from one store to another (`assure-server store copy`).
public enum StoredValue: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
}

/// The rows of one table, in its key's order, with the columns named.
public struct TableRows: Sendable {
  public var table: String
  public var columns: [String]
  public var rows: [[StoredValue]]

  public init(table: String, columns: [String], rows: [[StoredValue]]) {
    self.table = table
    self.columns = columns
    self.rows = rows
  }

  /// SHA-256 (hex) of the rows as a copy must reproduce them: equal on both sides of a copy
  /// that lost and changed nothing.
  public var digest: String {
    var hash = SHA256()
    for row in rows {
      for value in row {
        let text: String =
          switch value {
          case .null: "n;"
          case .integer(let number): "i\(number);"
          case .real(let number): "r\(number.bitPattern);"
          case .text(let string): "t\(string.utf8.count):\(string);"
          }
        hash.update(data: Data(text.utf8))
      }
      hash.update(data: Data("\n".utf8))
    }
    return AuditEntry.hex(hash.finalize())
  }
}

/// The server's tables as a copy moves them: in an order that inserts every row after the
/// rows it refers to, each with the columns that order its rows (its key). Generated columns
/// a store numbers itself (PostgreSQL's `indicator.seq`) are not copied.
public enum ServerTables {
  public struct Table: Sendable {
    public let name: String
    /// The columns that order the rows; none: the order rows were first inserted in (SQLite's
    /// rowid, PostgreSQL's `seq`).
    public let key: [String]
    /// Columns a store numbers for itself and a copy leaves to the target.
    public let generated: [String]
  }

  public static let all: [Table] = [
    Table(name: "server_identity", key: ["id"], generated: []),
    Table(name: "server_state", key: ["key"], generated: []),
    Table(name: "force_profile", key: ["id"], generated: []),
    Table(name: "area", key: ["code"], generated: []),
    Table(name: "objective", key: ["id"], generated: []),
    Table(name: "plan_element", key: ["id"], generated: []),
    Table(name: "engagement", key: ["id"], generated: []),
    Table(name: "engagement_field_stamp", key: ["engagement_id", "field"], generated: []),
    Table(name: "deleted_engagement", key: ["id"], generated: []),
    Table(name: "conflict", key: ["id"], generated: []),
    Table(name: "change_log", key: ["cursor"], generated: []),
    Table(name: "applied_mutation", key: ["mutation_id"], generated: []),
    Table(name: "element_status_change", key: ["seq"], generated: []),
    Table(name: "milestone", key: ["id"], generated: []),
    Table(name: "progress_update", key: ["id"], generated: []),
    Table(name: "meeting", key: ["id"], generated: []),
    Table(name: "meeting_action", key: ["number"], generated: []),
    Table(name: "audit_event", key: ["seq"], generated: []),
    Table(name: "account", key: ["id"], generated: []),
    Table(name: "enrolment_code", key: ["code_hash"], generated: []),
    Table(name: "device_token", key: ["id"], generated: []),
    Table(name: "fund", key: ["id"], generated: []),
    Table(name: "award", key: ["id"], generated: []),
    Table(name: "bid", key: ["id"], generated: []),
    Table(name: "scrutiny_meeting", key: ["id"], generated: []),
    // In the order the indicators were first defined (SQLite's rowid), which the target keeps.
    Table(name: "indicator", key: [], generated: ["seq"]),
    Table(name: "measurement", key: ["indicator_id", "period_end"], generated: []),
    Table(name: "inspection", key: ["id"], generated: []),
    Table(name: "inspection_item", key: ["inspection_id", "kind", "number"], generated: []),
    Table(name: "correspondence", key: ["id"], generated: []),
    Table(name: "reach_measurement", key: ["metric", "as_of"], generated: []),
    Table(name: "redaction", key: ["id"], generated: []),
    Table(name: "held_change", key: ["device_id", "engagement_id"], generated: []),
  ]
}
