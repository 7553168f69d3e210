import Crypto
import Foundation
public import GRDB
import Model
public import Stores

extension Database {
  /// Appends to the audit trail, in the transaction of the write it records.
  public func appendAudit(_ e: AuditEntry) throws {
    try executeCached(
      sql: """
        INSERT INTO audit_event (at_ms, actor, device_id, rpc, entity_type, entity_id, before_digest, after_digest)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        e.at.millisecondsSince1970, e.actor, e.deviceID, e.rpc, e.entityType, e.entityID, e.beforeDigest,
        e.afterDigest,
      ])
  }

  /// Audit entries of one record, oldest first.
  public func auditTrail(entityType: String, entityID: String) throws -> [AuditEntry] {
    try Row.fetchAll(
      self, sql: "SELECT * FROM audit_event WHERE entity_type = ? AND entity_id = ? ORDER BY seq",
      arguments: [entityType, entityID]
    ).map { row in
      AuditEntry(
        at: Date(millisecondsSince1970: row["at_ms"]), actor: row["actor"], deviceID: row["device_id"], rpc: row["rpc"],
        entityType: row["entity_type"], entityID: row["entity_id"], beforeDigest: row["before_digest"],
        afterDigest: row["after_digest"])
    }
  }
}

extension Database {
  /// Audit entries matching `query`, oldest first (the newest `limit` of them).
  public func auditEvents(_ query: AuditQuery) throws -> [AuditEntry] {
    var conditions: [String] = []
    var arguments: StatementArguments = []
    if let type = query.entityType {
      conditions.append("entity_type = ?")
      arguments += [type]
    }
    if let id = query.entityID {
      conditions.append("entity_id = ?")
      arguments += [id]
    }
    if let actor = query.actor {
      conditions.append("actor = ?")
      arguments += [actor]
    }
    if let from = query.from {
      conditions.append("at_ms >= ?")
      arguments += [from.millisecondsSince1970]
    }
    if let before = query.before {
      conditions.append("at_ms < ?")
      arguments += [before.millisecondsSince1970]
    }
    let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    arguments += [query.limit]
    return try Row.fetchAll(
      self,
      sql: "SELECT * FROM (SELECT * FROM audit_event \(filter) ORDER BY seq DESC LIMIT ?) ORDER BY seq",
      arguments: arguments
    ).map { row in
      AuditEntry(
        at: Date(millisecondsSince1970: row["at_ms"]), actor: row["actor"], deviceID: row["device_id"], rpc: row["rpc"],
        entityType: row["entity_type"], entityID: row["entity_id"], beforeDigest: row["before_digest"],
        afterDigest: row["after_digest"])
    }
  }
}
