import Crypto
import Foundation
import GRDB
import Model

/// One entry of the append-only audit trail: who changed which record, from where, when,
/// through which call, with digests of the record before and after.
public struct AuditEntry: Sendable, Hashable {
  public var at: Date
  public var actor: String
  public var deviceID: String?
  /// The RPC (or command) that made the change, e.g. `DeliveryPlanService.SetElementStatus`.
  public var rpc: String
  public var entityType: String
  public var entityID: String
  /// SHA-256 (hex) of the record's JSON before the change; `nil` when it was created.
  public var beforeDigest: String?
  /// SHA-256 (hex) of the record's JSON after the change; `nil` when it was removed.
  public var afterDigest: String?

  public init(
    at: Date, actor: String, deviceID: String? = nil, rpc: String, entityType: String, entityID: String,
    beforeDigest: String?, afterDigest: String?
  ) {
    self.at = at
    self.actor = actor
    self.deviceID = deviceID
    self.rpc = rpc
    self.entityType = entityType
    self.entityID = entityID
    self.beforeDigest = beforeDigest
    self.afterDigest = afterDigest
  }

  /// SHA-256 of a record's canonical JSON (sorted keys, instants in milliseconds), in hex.
  public static func digest(of value: (some Encodable)?) throws -> String? {
    guard let value else { return nil }
    let bytes = Data(try JSONText.encode(value).utf8)
    return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
  }
}

extension Database {
  /// Appends to the audit trail, in the transaction of the write it records.
  public func appendAudit(_ e: AuditEntry) throws {
    try execute(
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
