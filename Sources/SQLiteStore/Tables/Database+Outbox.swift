public import Foundation
public import GRDB
public import Model
public import Stores

/// A field device's outbox: every local write enqueues its mutation in the same transaction.
extension Database {
  /// `madeAt`: the device's monotonic clock as the change was made.
  public func enqueue(_ m: Mutation, madeAt: BootReading? = nil) throws {
    try executeCached(
      sql: """
        INSERT INTO outbox (mutation_id, entity_type, entity_id, operation, payload, recorded_at_ms, recorded_by,
          changed_fields, base_cursor, hlc, resolution, boot_id, boot_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        m.id.storageKey, m.entityType.rawValue, m.entityID, m.operation.rawValue,
        m.engagement.map(EngagementJSON.encode), m.recordedAt.millisecondsSince1970, m.recordedBy,
        m.changedFields.isEmpty ? nil : try JSONText.encode(m.changedFields), m.baseCursor,
        m.hlc?.description, m.resolution?.rawValue, madeAt?.bootID, madeAt?.millis,
      ])
  }

  /// The oldest pending (not rejected) mutations, at most `limit`.
  public func pendingMutations(limit: Int) throws -> [OutboxEntry] {
    try outbox(where: "state = 'pending'", limit: limit)
  }

  /// The oldest pending mutations queued after `seq`, at most `limit`: the next batch while
  /// the answer to the one before is still being settled.
  public func pendingMutations(after seq: Int64, limit: Int) throws -> [OutboxEntry] {
    try outbox(where: "state = 'pending' AND seq > ?", arguments: [seq], limit: limit)
  }

  /// Mutations the server refused, oldest first.
  public func rejectedMutations() throws -> [OutboxEntry] {
    try outbox(where: "state = 'rejected'", limit: nil)
  }

  public func pendingCount() throws -> Int {
    try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
  }

  public func rejectedCount() throws -> Int {
    try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'rejected'") ?? 0
  }

  /// Every change to one entity still in the outbox, waiting or refused, in the order made:
  /// what the device shows is the server's state with these on top.
  public func outboxMutations(entityID: String) throws -> [OutboxEntry] {
    try outbox(where: "entity_id = ?", arguments: [entityID], limit: nil)
  }

  /// Ids of the entities with any change in the outbox, waiting or refused: a pulled change
  /// of any other engagement is shown as it comes, with no rebuild.
  public func outboxEntityIDs() throws -> Set<String> {
    Set(try String.fetchAll(cachedStatement(sql: "SELECT DISTINCT entity_id FROM outbox")))
  }

  /// One outbox entry by its mutation id.
  public func outboxEntry(mutationID: UUID) throws -> OutboxEntry? {
    try outbox(where: "mutation_id = ?", arguments: [mutationID.storageKey], limit: nil).first
  }

  /// Puts a refused mutation back in the queue to be sent again.
  public func requeue(mutationID: UUID) throws {
    try executeCached(
      sql: "UPDATE outbox SET state = 'pending', error = NULL WHERE mutation_id = ? AND state = 'rejected'",
      arguments: [mutationID.storageKey])
  }

  /// Removes an acknowledged mutation.
  public func removeFromOutbox(mutationID: UUID) throws {
    try executeCached(sql: "DELETE FROM outbox WHERE mutation_id = ?", arguments: [mutationID.storageKey])
  }

  /// Removes acknowledged mutations: one statement for a whole push batch.
  public func removeFromOutbox(mutationIDs: [UUID]) throws {
    for chunk in mutationIDs.chunked(Self.maxParameters) {
      try execute(
        sql: "DELETE FROM outbox WHERE mutation_id IN (\(Self.placeholders(chunk.count)))",
        arguments: StatementArguments(chunk.map(\.storageKey)))
    }
  }

  private static let outboxColumns = """
    seq, mutation_id, entity_type, entity_id, operation, payload, recorded_at_ms, recorded_by, changed_fields,
    base_cursor, hlc, resolution, boot_id, boot_ms
    """

  /// Moves acknowledged mutations from the outbox to the journal, where they stay for
  /// `SyncJournal.keepDays` (see `pruneJournal`).
  public func acknowledge(mutationIDs: [UUID], at time: Date) throws {
    let at = time.millisecondsSince1970
    for chunk in mutationIDs.chunked(Self.maxParameters - 1) {
      let list = Self.placeholders(chunk.count)
      let ids = StatementArguments(chunk.map(\.storageKey))
      try execute(
        sql: """
          INSERT OR REPLACE INTO journal (\(Self.outboxColumns), acknowledged_at_ms)
          SELECT \(Self.outboxColumns), ? FROM outbox WHERE mutation_id IN (\(list))
          """,
        arguments: [at] + ids)
      try execute(sql: "DELETE FROM outbox WHERE mutation_id IN (\(list))", arguments: ids)
    }
  }

  /// Removes journal entries acknowledged more than `SyncJournal.keepDays` before `time`:
  /// once a sync, not once a batch (it reads the whole journal).
  public func pruneJournal(at time: Date) throws {
    try executeCached(
      sql: "DELETE FROM journal WHERE acknowledged_at_ms < ?",
      arguments: [time.millisecondsSince1970 - Int64(SyncJournal.keepDays) * 86_400_000])
  }

  /// How many acknowledged mutations the journal holds.
  public func journalCount() throws -> Int {
    try Int.fetchOne(self, sql: "SELECT COUNT(*) FROM journal") ?? 0
  }

  /// Puts every journal entry back in the outbox, in its old place, to be sent again: the
  /// server went back to an earlier history and may have lost them (it recognises the ones it
  /// has). Bases at or past `epochStart` are of a history the server no longer has: they
  /// become the last cursor it shares with it. Returns how many were put back.
  public func resendJournal(epochStart: Int64) throws -> Int {
    try execute(
      sql: """
        INSERT INTO outbox (\(Self.outboxColumns), state)
        SELECT \(Self.outboxColumns), 'pending' FROM journal
        WHERE mutation_id NOT IN (SELECT mutation_id FROM outbox)
        """)
    let count = changesCount
    try execute(sql: "DELETE FROM journal")
    try execute(
      sql: "UPDATE outbox SET base_cursor = ? WHERE base_cursor >= ?", arguments: [max(epochStart - 1, 0), epochStart])
    return count
  }

  /// Keeps a refused mutation aside with the server's reason, so the rest can flow.
  public func markRejected(mutationID: UUID, error: String) throws {
    try executeCached(
      sql: "UPDATE outbox SET state = 'rejected', error = ? WHERE mutation_id = ?",
      arguments: [error, mutationID.storageKey])
  }

  private func outbox(where condition: String, arguments: StatementArguments = [], limit: Int?) throws -> [OutboxEntry]
  {
    var sql = "SELECT * FROM outbox WHERE \(condition) ORDER BY seq"
    if let limit { sql += " LIMIT \(limit)" }
    // A handful of fixed statements, one of them run for every pulled change: prepared once.
    return try mapRows(cachedStatement(sql: sql), arguments: arguments) { row in
      let idText: String = row["mutation_id"]
      let typeText: String = row["entity_type"]
      let operationText: String = row["operation"]
      guard let id = UUID(text: idText), let type = EntityType(rawValue: typeText),
        let operation = Model.Operation(rawValue: operationText)
      else { throw StorageError(.corrupt, "outbox row \(idText) is unreadable") }
      let mutation = Mutation(
        id: id, entityType: type, entityID: row["entity_id"], operation: operation,
        engagement: try (row["payload"] as String?).map { try EngagementJSON.decode($0) ?? JSONText.decode($0) },
        changedFields: try (row["changed_fields"] as String?).map { try JSONText.decode($0) } ?? [],
        baseCursor: row["base_cursor"], hlc: (row["hlc"] as String?).flatMap(HLC.init(text:)),
        resolution: (row["resolution"] as String?).flatMap(Conflict.Resolution.init(rawValue:)),
        recordedAt: Date(millisecondsSince1970: row["recorded_at_ms"]), recordedBy: row["recorded_by"])
      let bootID: String? = row["boot_id"]
      let bootMillis: Int64? = row["boot_ms"]
      return OutboxEntry(
        seq: row["seq"], mutation: mutation, isRejected: (row["state"] as String) == "rejected",
        error: row["error"], madeAt: bootID.flatMap { id in bootMillis.map { BootReading(bootID: id, millis: $0) } })
    }
  }
}

extension Database {
  /// For each entity with a change in the outbox: `pending` if any change still waits,
  /// else `rejected`.
  public func outboxStateByEntity() throws -> [String: String] {
    let rows = try Row.fetchAll(
      self, sql: "SELECT entity_id, MIN(state) AS state FROM outbox GROUP BY entity_id")
    return Dictionary(uniqueKeysWithValues: rows.map { ($0["entity_id"] as String, $0["state"] as String) })
  }
}
