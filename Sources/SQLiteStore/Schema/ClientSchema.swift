import GRDB
import Model
import Stores

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
    migrator.registerMigration("v3-field-merge-conflicts") { db in
      try SharedTables.createConflicts(db)
      try db.execute(
        sql: """
          -- The server's last state of each engagement as pulled here and the cursor of that
          -- change. What the device shows is this with the
          -- outbox's waiting changes on top; an edit's base cursor comes from here.
          CREATE TABLE engagement_base (
            id TEXT PRIMARY KEY NOT NULL,
            date TEXT,
            who TEXT,
            kind TEXT,
            organisation TEXT,
            place TEXT,
            area TEXT,
            attendees INTEGER,
            topics TEXT,
            objective_id TEXT,
            element_id TEXT,
            follow_up_actions TEXT,
            notes TEXT,
            created_by TEXT,
            created_at_ms INTEGER,
            updated_by TEXT,
            updated_at_ms INTEGER,
            -- 1: deleted on the server (the other columns keep its last state, or are NULL).
            deleted INTEGER NOT NULL DEFAULT 0,
            cursor INTEGER NOT NULL,
            -- 1 while a full pull (re-baseline) has not yet sent it again.
            stale INTEGER NOT NULL DEFAULT 0
          );
          -- What an edit changed (JSON list of field names; NULL for a new engagement), what
          -- it was made on top of, its clock reading (`wall.counter@device`), and a
          -- conflict's resolution.
          ALTER TABLE outbox ADD COLUMN changed_fields TEXT;
          ALTER TABLE outbox ADD COLUMN base_cursor INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE outbox ADD COLUMN hlc TEXT;
          ALTER TABLE outbox ADD COLUMN resolution TEXT;
          -- The device's last clock reading, and server time minus device time at the last sync.
          ALTER TABLE sync_state ADD COLUMN hlc TEXT;
          ALTER TABLE sync_state ADD COLUMN clock_offset_ms INTEGER NOT NULL DEFAULT 0;
          -- 1 from the start of a full pull (the server's tombstone window passed this device)
          -- until it completes, across interruptions.
          ALTER TABLE sync_state ADD COLUMN rebaselining INTEGER NOT NULL DEFAULT 0;
          """)
      // Engagements with nothing waiting are as the server last sent them: everything up to
      // the device's cursor has been applied to them.
      let cursor = try Int64.fetchOne(db, sql: "SELECT cursor FROM sync_state WHERE id = 1") ?? 0
      let rows = try Row.fetchAll(
        db, sql: "SELECT * FROM engagement WHERE id NOT IN (SELECT entity_id FROM outbox)")
      for row in rows {
        let engagement = try Engagement(row: row)
        let deleted = (row["deleted_at_ms"] as Int64?) != nil
        try db.saveEngagementBase(id: engagement.id, deleted ? nil : engagement, cursor: cursor)
      }
    }
    migrator.registerMigration("v7-force-area-retired") { db in
      try SharedTables.addAreaRetired(db)
    }
    migrator.registerMigration("v7-force-profile") { db in
      // The force's profile as last fetched from the server (its kinds of engagement are
      // checked offline); none until the device signs in or syncs.
      try db.execute(
        sql: """
          CREATE TABLE force_profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            profile TEXT NOT NULL
          );
          """)
    }
    migrator.registerMigration("v8-journal-server-identity-boot-clock") { db in
      try db.execute(
        sql: """
          -- Mutations the server acknowledged, kept for `SyncJournal.keepDays` after: should the
          -- server be restored from a backup older than them, they are sent again. Same
          -- columns as the outbox, with the outbox position (`seq`) kept.
          CREATE TABLE journal (
            seq INTEGER PRIMARY KEY NOT NULL,
            mutation_id TEXT NOT NULL,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            operation TEXT NOT NULL,
            payload TEXT,
            recorded_at_ms INTEGER NOT NULL,
            recorded_by TEXT NOT NULL,
            changed_fields TEXT,
            base_cursor INTEGER NOT NULL,
            hlc TEXT,
            resolution TEXT,
            boot_id TEXT,
            boot_ms INTEGER,
            acknowledged_at_ms INTEGER NOT NULL
          );
          -- The device's monotonic clock when the change was made (the boot it belongs to, and
          -- milliseconds since that boot): its age at the push, which no wall-clock error moves.
          ALTER TABLE outbox ADD COLUMN boot_id TEXT;
          ALTER TABLE outbox ADD COLUMN boot_ms INTEGER;
          -- The server this device syncs with and the epoch (history) of it it last saw.
          ALTER TABLE sync_state ADD COLUMN server_id TEXT;
          ALTER TABLE sync_state ADD COLUMN epoch TEXT;
          ALTER TABLE sync_state ADD COLUMN epoch_start INTEGER;
          """)
    }
    migrator.registerMigration("v10-journal-by-entity") { db in
      // A pulled redaction rewrites the journal's payloads of one engagement: found by index,
      // not by reading the whole journal once per redacted engagement.
      try db.execute(sql: "CREATE INDEX journal_by_entity ON journal(entity_id)")
    }
    return migrator
  }
}
