import GRDB

/// A field device's migrations, in order. Append new ones; never edit or remove a shipped one.
enum ClientSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-engagements-outbox-sync-state-plan-cache") { db in
      try SharedTables.create(db)
      try db.execute(
        sql: """
          -- Changes made here and not yet acknowledged by the server, oldest first.
          CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            mutation_id TEXT NOT NULL UNIQUE,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            operation TEXT NOT NULL,
            payload TEXT,
            recorded_at_ms INTEGER NOT NULL,
            recorded_by TEXT NOT NULL,
            -- 'pending', or 'rejected' once the server refused it (kept with its error).
            state TEXT NOT NULL DEFAULT 'pending',
            error TEXT
          );
          CREATE INDEX outbox_by_entity ON outbox(entity_id);
          CREATE TABLE sync_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            device_id TEXT NOT NULL,
            cursor INTEGER NOT NULL DEFAULT 0,
            last_sync_at_ms INTEGER,
            last_attempt_at_ms INTEGER,
            last_error TEXT,
            server TEXT
          );
          """)
    }
    migrator.registerMigration("v2-plan-rag-override") { db in
      try SharedTables.addRAGOverride(db)
    }
    return migrator
  }
}
