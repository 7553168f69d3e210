import Foundation

/// Full-text indexes (FTS5) of the text that can name a person, for subject access
/// (`PrivacyStore`): each engagement's organisation, place, follow-up actions and notes as
/// stored now (`engagement_text`, by the engagement's rowid), the same fields of every version in
/// the change log (`change_text`, by cursor), and both values of every conflict record
/// (`conflict_text`, by the conflict's rowid). The tokenizer folds case and accents, so "Sian"
/// finds "Siân".
///
/// The engagement and version indexes are brought up to date when a search runs, from the
/// change log (every engagement write appends to it): the versions after the cursor indexed
/// last (`server_state.personal_text_through`) are added, and the engagements they changed are
/// indexed again. A write therefore pays nothing for them (measured: triggers that kept them on
/// every write made inserting 10,000 engagements 3.4 times slower, Docs/Performance.md); the
/// first search of a large database pays for all of it once. Rows leave the indexes with their
/// records (triggers on delete: tombstone purges). Conflict records are few and indexed as they
/// are written.
enum PersonalTextSearch {
  static let tokenizer = "tokenize = 'unicode61 remove_diacritics 2'"

  static let schema = """
    CREATE VIRTUAL TABLE engagement_text USING fts5(text, \(tokenizer));
    CREATE TRIGGER engagement_text_delete AFTER DELETE ON engagement BEGIN
      DELETE FROM engagement_text WHERE rowid = old.rowid;
    END;
    CREATE VIRTUAL TABLE change_text USING fts5(text, \(tokenizer));
    CREATE TRIGGER change_text_delete AFTER DELETE ON change_log BEGIN
      DELETE FROM change_text WHERE rowid = old.cursor;
    END;
    CREATE VIRTUAL TABLE conflict_text USING fts5(text, \(tokenizer));
    CREATE TRIGGER conflict_text_insert AFTER INSERT ON conflict BEGIN
      INSERT INTO conflict_text (rowid, text) VALUES (new.rowid, \(conflictText("new.payload")));
    END;
    CREATE TRIGGER conflict_text_update AFTER UPDATE OF payload ON conflict BEGIN
      DELETE FROM conflict_text WHERE rowid = old.rowid;
      INSERT INTO conflict_text (rowid, text) VALUES (new.rowid, \(conflictText("new.payload")));
    END;
    CREATE TRIGGER conflict_text_delete AFTER DELETE ON conflict BEGIN
      DELETE FROM conflict_text WHERE rowid = old.rowid;
    END;
    INSERT INTO conflict_text (rowid, text) SELECT rowid, \(conflictText("payload")) FROM conflict;
    """

  /// Indexes the change log's engagement versions with a cursor in (?1, ?2], and again the
  /// engagements they changed (see above).
  static let catchUp = [
    """
    INSERT INTO change_text (rowid, text)
      SELECT cursor, \(versionText("payload")) FROM change_log
      WHERE cursor > ?1 AND cursor <= ?2 AND entity_type = 'engagement' AND payload IS NOT NULL
    """,
    """
    DELETE FROM engagement_text WHERE rowid IN (
      SELECT e.rowid FROM engagement e
      WHERE e.id IN (SELECT entity_id FROM change_log WHERE cursor > ?1 AND cursor <= ?2 AND entity_type = 'engagement'))
    """,
    """
    INSERT INTO engagement_text (rowid, text)
      SELECT e.rowid, e.organisation || ' ' || e.place || ' ' || e.follow_up_actions || ' ' || e.notes
      FROM engagement e
      WHERE e.id IN (SELECT entity_id FROM change_log WHERE cursor > ?1 AND cursor <= ?2 AND entity_type = 'engagement')
    """,
  ]

  /// The personal fields of an engagement version (the change log's JSON), as one text.
  static func versionText(_ payload: String) -> String {
    ["organisation", "place", "followUpActions", "notes"]
      .map { "coalesce(json_extract(\(payload), '$.\($0)'), '')" }.joined(separator: " || ' ' || ")
  }

  /// Both values of a conflict record (its JSON), as one text.
  static func conflictText(_ payload: String) -> String {
    "coalesce(json_extract(\(payload), '$.kept.value'), '') || ' ' || coalesce(json_extract(\(payload), '$.lost.value'), '')"
  }

  /// `phrase` as an FTS5 phrase query: its words in order, each whole. Quotes inside are
  /// doubled, so nothing typed is read as query syntax.
  static func query(_ phrase: String) -> String {
    "\"" + phrase.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
