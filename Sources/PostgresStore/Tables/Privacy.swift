import Foundation
import Model
import PostgresNIO
import Stores

/// Text search of the personal fields, on the indexes of `PersonalTextSearch`.
extension PostgresServerTransaction: PrivacyStore {
  func personalDataMatches(_ phrase: String, limit: Int) throws -> [PersonalDataMatch] {
    let limit = Int64(limit)
    let current = try session.rows(
      """
      SELECT id FROM engagement WHERE \(unescaped: PersonalTextSearch.engagementText) @@ phraseto_tsquery('simple', \(phrase))
      ORDER BY id LIMIT \(limit)
      """
    ).map { PersonalDataMatch(engagementID: try $0["id"], place: .current) }
    let versions = try session.rows(
      """
      SELECT entity_id, cursor FROM change_log
      WHERE \(unescaped: PersonalTextSearch.versionCondition)
        AND \(unescaped: PersonalTextSearch.versionText) @@ phraseto_tsquery('simple', \(phrase))
      ORDER BY entity_id, cursor LIMIT \(limit)
      """
    ).map { row in
      PersonalDataMatch(
        engagementID: try row["entity_id"], place: .version, reference: String(try row["cursor"] as Int64))
    }
    let conflicts = try session.rows(
      """
      SELECT engagement_id, id FROM conflict WHERE \(unescaped: PersonalTextSearch.conflictText) @@ phraseto_tsquery('simple', \(phrase))
      ORDER BY engagement_id, id LIMIT \(limit)
      """
    ).map { PersonalDataMatch(engagementID: try $0["engagement_id"], place: .conflict, reference: try $0["id"]) }
    return current + versions + conflicts
  }

  /// The indexes are the database's own, kept on every write.
  func indexPersonalText(batch: Int) throws -> Bool { false }

  func engagementVersions(id: String) throws -> [Change] {
    try session.rows(
      """
      SELECT cursor, operation, payload, changed_at_ms FROM change_log
      WHERE entity_type = 'engagement' AND entity_id = \(id) ORDER BY cursor
      """
    ).map { row in
      let cursor: Int64 = try row[0]
      guard let operation = Model.Operation(rawValue: try row[1]) else {
        throw StorageError(.corrupt, "change \(cursor) has an unknown operation")
      }
      return Change(
        cursor: cursor, entityType: .engagement, entityID: id, operation: operation,
        payload: try (try row[2] as String?).map { try ChangePayloadJSON.decode(.engagement, $0) },
        changedAt: Date(millisecondsSince1970: try row[3]), payloadOmitted: false)
    }
  }
}
