/// Text-search indexes (GIN over `to_tsvector`) of the text that can name a person, for subject
/// access (`PrivacyStore`): the same fields as the SQLite store's FTS5 tables. The `simple`
/// configuration folds case and splits words as the FTS5 tokenizer does, but does not fold
/// accents (that needs the `unaccent` extension, which a database may not allow): "Sian" does
/// not find "Siân" here.
///
/// A query uses an index only when it writes the same expression (and, for the change log,
/// the same condition), so both are kept here.
enum PersonalTextSearch {
  /// An engagement's organisation, place, follow-up actions and notes as stored now.
  static let engagementText =
    "to_tsvector('simple', organisation || ' ' || place || ' ' || follow_up_actions || ' ' || notes)"

  /// The same fields of an engagement version in the change log (its JSON).
  static let versionText =
    "to_tsvector('simple', "
    + ["organisation", "place", "followUpActions", "notes"].map { "coalesce(payload::jsonb ->> '\($0)', '')" }
    .joined(separator: " || ' ' || ") + ")"

  /// Which change-log rows are engagement versions with a payload.
  static let versionCondition = "entity_type = 'engagement' AND payload IS NOT NULL"

  /// Both values of a conflict record (its JSON).
  static let conflictText =
    "to_tsvector('simple', coalesce(payload::jsonb #>> '{kept,value}', '') || ' ' || "
    + "coalesce(payload::jsonb #>> '{lost,value}', ''))"

  static let indexes = [
    "CREATE INDEX engagement_text ON engagement USING GIN (\(engagementText))",
    "CREATE INDEX change_text ON change_log USING GIN (\(versionText)) WHERE \(versionCondition)",
    "CREATE INDEX conflict_text ON conflict USING GIN (\(conflictText))",
  ]
}
