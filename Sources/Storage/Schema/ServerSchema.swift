import GRDB

/// The server's migrations, in order. Append new ones; never edit or remove a shipped one.
enum ServerSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-plan-engagements-change-log") { db in
      try SharedTables.create(db)
      try db.execute(
        sql: """
          -- Every write appends here in the same transaction; the cursor orders all replicas.
          CREATE TABLE change_log (
            cursor INTEGER PRIMARY KEY AUTOINCREMENT,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            operation TEXT NOT NULL,
            payload TEXT,
            changed_at_ms INTEGER NOT NULL,
            mutation_id TEXT,
            device_id TEXT
          );
          -- Mutation ids already applied: a re-sent mutation is acknowledged, not re-applied.
          CREATE TABLE applied_mutation (
            mutation_id TEXT PRIMARY KEY NOT NULL,
            device_id TEXT NOT NULL,
            cursor INTEGER NOT NULL,
            applied_at_ms INTEGER NOT NULL
          );
          """)
    }
    return migrator
  }
}
