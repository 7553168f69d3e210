import Foundation
import GRDB
import Model
import Stores

extension Database {
  /// Where `phrase` appears in the personal fields (`PrivacyStore`): the engagements as stored
  /// now (tombstones too), their versions in the change log, their conflict records.
  func personalDataMatches(_ phrase: String, limit: Int) throws -> [PersonalDataMatch] {
    while try indexPersonalText(batch: Int.max) {}
    let query = PersonalTextSearch.query(phrase)
    let current = try String.fetchAll(
      self,
      sql: """
        SELECT e.id FROM engagement_text JOIN engagement e ON e.rowid = engagement_text.rowid
        WHERE engagement_text MATCH ? ORDER BY e.id LIMIT ?
        """, arguments: [query, limit]
    ).map { PersonalDataMatch(engagementID: $0, place: .current) }
    let versions = try Row.fetchAll(
      self,
      sql: """
        SELECT c.entity_id, c.cursor FROM change_text JOIN change_log c ON c.cursor = change_text.rowid
        WHERE change_text MATCH ? ORDER BY c.entity_id, c.cursor LIMIT ?
        """, arguments: [query, limit]
    ).map { PersonalDataMatch(engagementID: $0[0], place: .version, reference: String($0[1] as Int64)) }
    let conflicts = try Row.fetchAll(
      self,
      sql: """
        SELECT k.engagement_id, k.id FROM conflict_text JOIN conflict k ON k.rowid = conflict_text.rowid
        WHERE conflict_text MATCH ? ORDER BY k.engagement_id, k.id LIMIT ?
        """, arguments: [query, limit]
    ).map { PersonalDataMatch(engagementID: $0[0], place: .conflict, reference: $0[1]) }
    return current + versions + conflicts
  }

  /// Indexes up to `batch` cursors of the change log written since the last indexing, and the
  /// engagements they changed (`PersonalTextSearch`); `true` when more remain.
  func indexPersonalText(batch: Int) throws -> Bool {
    let through =
      try Int64.fetchOne(self, sql: "SELECT value FROM server_state WHERE key = 'personal_text_through'") ?? 0
    let head = try headCursor()
    guard head > through else { return false }
    let upTo = Int64(batch) >= head - through ? head : through + Int64(batch)
    for statement in PersonalTextSearch.catchUp { try execute(sql: statement, arguments: [through, upTo]) }
    try execute(
      sql: """
        INSERT INTO server_state (key, value) VALUES ('personal_text_through', ?)
        ON CONFLICT(key) DO UPDATE SET value = excluded.value
        """, arguments: [upTo])
    return upTo < head
  }

  /// Every version of engagement `id` in the change log, oldest first.
  func engagementVersions(id: String) throws -> [Change] {
    try Row.fetchAll(
      self,
      sql: """
        SELECT cursor, operation, payload, changed_at_ms FROM change_log
        WHERE entity_type = 'engagement' AND entity_id = ? ORDER BY cursor
        """, arguments: [id]
    ).map { row in
      let operationText: String = row[1]
      guard let operation = Model.Operation(rawValue: operationText) else {
        throw StorageError(.corrupt, "change \(row[0] as Int64) has an unknown operation")
      }
      return Change(
        cursor: row[0], entityType: .engagement, entityID: id, operation: operation,
        payload: try (row[2] as String?).map { try ChangePayloadJSON.decode(.engagement, $0) },
        changedAt: Date(millisecondsSince1970: row[3]), payloadOmitted: false)
    }
  }
}
