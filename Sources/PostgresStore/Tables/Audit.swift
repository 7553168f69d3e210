import Foundation
import Model
import PostgresNIO
import Stores

/// The append-only audit trail (the table refuses updates and deletes).
extension PostgresServerTransaction: AuditStore {
  /// Appends to the audit trail, in the transaction of the write it records.
  func appendAudit(_ e: AuditEntry) throws {
    try session.execute(
      """
      INSERT INTO audit_event (at_ms, actor, device_id, rpc, entity_type, entity_id, before_digest, after_digest)
      VALUES (\(e.at.millisecondsSince1970), \(e.actor), \(e.deviceID), \(e.rpc), \(e.entityType), \(e.entityID),
        \(e.beforeDigest), \(e.afterDigest))
      """)
  }

  /// Audit entries of one record, oldest first.
  func auditTrail(entityType: String, entityID: String) throws -> [AuditEntry] {
    try session.rows(
      "SELECT * FROM audit_event WHERE entity_type = \(entityType) AND entity_id = \(entityID) ORDER BY seq"
    ).map(Self.auditEntry(from:))
  }

  /// Audit entries matching `query`, oldest first (the newest `limit` of them).
  func auditEvents(_ query: AuditQuery) throws -> [AuditEntry] {
    var filter = BoundConditions()
    if let type = query.entityType { filter.add("entity_type = ?", type) }
    if let id = query.entityID { filter.add("entity_id = ?", id) }
    if let actor = query.actor { filter.add("actor = ?", actor) }
    if let from = query.from { filter.add("at_ms >= ?", from.millisecondsSince1970) }
    if let before = query.before { filter.add("at_ms < ?", before.millisecondsSince1970) }
    // A negative limit is none, as on SQLite.
    let limit = query.limit < 0 ? "ALL" : filter.bind(Int64(query.limit))
    return try session.rows(
      filter.query(
        """
        SELECT * FROM (SELECT * FROM audit_event \(filter.clause) ORDER BY seq DESC LIMIT \(limit)) AS newest
        ORDER BY seq
        """)
    ).map(Self.auditEntry(from:))
  }

  private static func auditEntry(from row: Row) throws -> AuditEntry {
    AuditEntry(
      at: Date(millisecondsSince1970: try row["at_ms"]), actor: try row["actor"], deviceID: try row["device_id"],
      rpc: try row["rpc"], entityType: try row["entity_type"], entityID: try row["entity_id"],
      beforeDigest: try row["before_digest"], afterDigest: try row["after_digest"])
  }
}

/// The conditions of a `WHERE` clause built a part at a time, each part's values bound as
/// parameters in order (`?` in a part stands for its next value).
struct BoundConditions {
  private var parts: [String] = []
  private(set) var binds = PostgresBindings()

  /// Adds a condition, every `?` in it bound to the next of `values`.
  mutating func add(_ condition: String, _ values: any PostgresDynamicTypeEncodable...) {
    var values = values[...]
    var text = ""
    for character in condition {
      if character == "?", let value = values.popFirst() {
        text += bind(value)
      } else {
        text.append(character)
      }
    }
    parts.append(text)
  }

  /// Binds `value` and returns its placeholder (`$n`), for a value outside the conditions.
  mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
    binds.append(value)
    return "$\(binds.count)"
  }

  /// `WHERE` and the conditions joined by `AND`, or nothing when there are none.
  var clause: String {
    parts.isEmpty ? "" : "WHERE " + parts.joined(separator: " AND ")
  }

  /// `sql`, which names the placeholders given out here, with their values.
  func query(_ sql: String) -> PostgresQuery {
    PostgresQuery(unsafeSQL: sql, binds: binds)
  }
}
