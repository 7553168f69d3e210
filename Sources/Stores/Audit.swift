public import Foundation
public import Model

/// The append-only audit trail. Server only.
///
/// Every member runs inside the caller's transaction (``ServerStore`` or ``DeviceStore``).
public protocol AuditStore {
  /// Appends to the audit trail, in the transaction of the write it records.
  func appendAudit(_ e: AuditEntry) throws

  /// Audit entries of one record, oldest first.
  func auditTrail(entityType: String, entityID: String) throws -> [AuditEntry]

  /// Audit entries matching `query`, oldest first (the newest `limit` of them).
  func auditEvents(_ query: AuditQuery) throws -> [AuditEntry]
}
