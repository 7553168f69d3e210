import Foundation

/// Full-text indexes (FTS5) of the text that can name a person, for subject access
/// (`PrivacyStore`): an engagement's organisation, place, follow-up actions and notes as
/// stored now, the same fields of every engagement version in the change log, and both values
/// of every conflict record.
///
/// Each index is an external-content table over the rows it indexes (the text is not stored
/// twice; the versions' and conflicts' text is taken from their JSON by the same expression
/// when a row is indexed and when it is removed, under the column name `payload` so that the
/// table still names a column of its content table), kept by triggers in the transaction of each
/// write; the tokenizer folds case and
/// accents, so "Sian" finds "Siân". The migration builds each index from the rows already
/// there.
enum PersonalTextSearch {
  static let tokenizer = "tokenize = 'unicode61 remove_diacritics 2'"

  static let schema = """
    CREATE VIRTUAL TABLE engagement_text USING fts5(
      organisation, place, follow_up_actions, notes, content = 'engagement', content_rowid = 'rowid', \(tokenizer));
    CREATE TRIGGER engagement_text_insert AFTER INSERT ON engagement BEGIN
      INSERT INTO engagement_text (rowid, organisation, place, follow_up_actions, notes)
        VALUES (new.rowid, new.organisation, new.place, new.follow_up_actions, new.notes);
    END;
    CREATE TRIGGER engagement_text_delete AFTER DELETE ON engagement BEGIN
      INSERT INTO engagement_text (engagement_text, rowid, organisation, place, follow_up_actions, notes)
        VALUES ('delete', old.rowid, old.organisation, old.place, old.follow_up_actions, old.notes);
    END;
    CREATE TRIGGER engagement_text_update AFTER UPDATE OF organisation, place, follow_up_actions, notes ON engagement
    BEGIN
      INSERT INTO engagement_text (engagement_text, rowid, organisation, place, follow_up_actions, notes)
        VALUES ('delete', old.rowid, old.organisation, old.place, old.follow_up_actions, old.notes);
      INSERT INTO engagement_text (rowid, organisation, place, follow_up_actions, notes)
        VALUES (new.rowid, new.organisation, new.place, new.follow_up_actions, new.notes);
    END;
    INSERT INTO engagement_text (engagement_text) VALUES ('rebuild');

    CREATE VIRTUAL TABLE change_text USING fts5(
      payload, content = 'change_log', content_rowid = 'cursor', \(tokenizer));
    CREATE TRIGGER change_text_insert AFTER INSERT ON change_log
      WHEN new.entity_type = 'engagement' AND new.payload IS NOT NULL
    BEGIN
      INSERT INTO change_text (rowid, payload) VALUES (new.cursor, \(versionText("new.payload")));
    END;
    CREATE TRIGGER change_text_delete AFTER DELETE ON change_log
      WHEN old.entity_type = 'engagement' AND old.payload IS NOT NULL
    BEGIN
      INSERT INTO change_text (change_text, rowid, payload) VALUES ('delete', old.cursor, \(versionText("old.payload")));
    END;
    CREATE TRIGGER change_text_update AFTER UPDATE OF payload ON change_log
      WHEN old.entity_type = 'engagement'
    BEGIN
      INSERT INTO change_text (change_text, rowid, payload)
        SELECT 'delete', old.cursor, \(versionText("old.payload")) WHERE old.payload IS NOT NULL;
      INSERT INTO change_text (rowid, payload)
        SELECT new.cursor, \(versionText("new.payload")) WHERE new.payload IS NOT NULL;
    END;
    INSERT INTO change_text (rowid, payload)
      SELECT cursor, \(versionText("payload")) FROM change_log WHERE entity_type = 'engagement' AND payload IS NOT NULL;

    CREATE VIRTUAL TABLE conflict_text USING fts5(
      payload, content = 'conflict', content_rowid = 'rowid', \(tokenizer));
    CREATE TRIGGER conflict_text_insert AFTER INSERT ON conflict BEGIN
      INSERT INTO conflict_text (rowid, payload) VALUES (new.rowid, \(conflictText("new.payload")));
    END;
    CREATE TRIGGER conflict_text_delete AFTER DELETE ON conflict BEGIN
      INSERT INTO conflict_text (conflict_text, rowid, payload) VALUES ('delete', old.rowid, \(conflictText("old.payload")));
    END;
    CREATE TRIGGER conflict_text_update AFTER UPDATE OF payload ON conflict BEGIN
      INSERT INTO conflict_text (conflict_text, rowid, payload) VALUES ('delete', old.rowid, \(conflictText("old.payload")));
      INSERT INTO conflict_text (rowid, payload) VALUES (new.rowid, \(conflictText("new.payload")));
    END;
    INSERT INTO conflict_text (rowid, payload) SELECT rowid, \(conflictText("payload")) FROM conflict;
    """

  /// The personal fields of an engagement version (the change log's JSON), as one text. The
  /// same expression indexes a row and removes it, so the two always agree.
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
