import Crypto
public import Foundation
public import GRDB
public import Model

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
    return hex(SHA256.hash(data: Data(try JSONText.encode(value).utf8)))
  }

  /// The same digest of an engagement, from the engagement's own JSON writer (the same text,
  /// written faster: the sync path audits every engagement it changes).
  public static func digest(of engagement: Engagement?) -> String? {
    engagement.map { digest(ofJSON: EngagementJSON.encode($0)) }
  }

  /// SHA-256 (hex) of a record's JSON already written.
  static func digest(ofJSON json: String) -> String {
    var text = json
    return text.withUTF8 { hex(SHA256.hash(data: $0)) }
  }

  static func hex(_ digest: some Sequence<UInt8>) -> String {
    let letters = Array("0123456789abcdef".utf8)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(64)
    for byte in digest {
      bytes.append(letters[Int(byte >> 4)])
      bytes.append(letters[Int(byte & 0x0f)])
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}

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

/// Which audit entries to read: every condition given must hold.
public struct AuditQuery: Sendable, Hashable {
  public var entityType: String?
  public var entityID: String?
  public var actor: String?
  /// From this instant, inclusive.
  public var from: Date?
  /// Before this instant.
  public var before: Date?
  public var limit: Int

  public init(
    entityType: String? = nil, entityID: String? = nil, actor: String? = nil, from: Date? = nil, before: Date? = nil,
    limit: Int = 1000
  ) {
    self.entityType = entityType
    self.entityID = entityID
    self.actor = actor
    self.from = from
    self.before = before
    self.limit = limit
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
