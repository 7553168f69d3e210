import GRDB

/// Tables with the same shape on the server and on field devices: engagements and the plan.
enum SharedTables {
  /// Areas are retired, never deleted: engagements recorded in one keep pointing at it.
  static func addAreaRetired(_ db: Database) throws {
    try db.execute(sql: "ALTER TABLE area ADD COLUMN retired INTEGER NOT NULL DEFAULT 0")
  }

  static func create(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE area (
          code TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL,
          position INTEGER NOT NULL
        );
        CREATE TABLE objective (
          id TEXT PRIMARY KEY NOT NULL,
          title TEXT NOT NULL,
          description TEXT NOT NULL,
          position INTEGER NOT NULL
        );
        CREATE TABLE plan_element (
          id TEXT PRIMARY KEY NOT NULL,
          objective_id TEXT NOT NULL,
          title TEXT NOT NULL,
          description TEXT NOT NULL,
          opcc_lead TEXT NOT NULL,
          force_lead TEXT NOT NULL,
          status TEXT NOT NULL,
          start_date TEXT,
          due_date TEXT,
          position INTEGER NOT NULL
        );
        CREATE INDEX plan_element_by_objective ON plan_element(objective_id, position);
        CREATE TABLE engagement (
          id TEXT PRIMARY KEY NOT NULL,
          date TEXT NOT NULL,
          who TEXT NOT NULL,
          kind TEXT NOT NULL,
          organisation TEXT NOT NULL,
          place TEXT NOT NULL,
          area TEXT NOT NULL,
          attendees INTEGER,
          topics TEXT NOT NULL,
          objective_id TEXT,
          element_id TEXT,
          follow_up_actions TEXT NOT NULL,
          notes TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at_ms INTEGER NOT NULL,
          updated_by TEXT NOT NULL,
          updated_at_ms INTEGER NOT NULL,
          -- Set when deleted: the row stays as a tombstone.
          deleted_at_ms INTEGER
        );
        CREATE INDEX engagement_by_date ON engagement(date DESC, id DESC);
        """)
  }

  /// Adds the hand-set RAG of plan elements (migration 2 on both sides).
  static func addRAGOverride(_ db: Database) throws {
    try db.execute(
      sql: """
        ALTER TABLE plan_element ADD COLUMN rag_override TEXT;
        ALTER TABLE plan_element ADD COLUMN rag_override_reason TEXT;
        """)
  }

  /// Conflict records (migration 3 on both sides): the server makes them, devices get them
  /// by pull. The record itself is JSON; the columns are what lists filter and sort on.
  static func createConflicts(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE conflict (
          id TEXT PRIMARY KEY NOT NULL,
          engagement_id TEXT NOT NULL,
          detected_at_ms INTEGER NOT NULL,
          resolved INTEGER NOT NULL DEFAULT 0,
          payload TEXT NOT NULL
        );
        CREATE INDEX conflict_by_engagement ON conflict(engagement_id);
        CREATE INDEX conflict_unresolved ON conflict(resolved, detected_at_ms);
        """)
  }
}
