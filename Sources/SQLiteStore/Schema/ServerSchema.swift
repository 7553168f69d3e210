import Foundation
import GRDB
import Model
import Stores

/// The server's migrations, in order. Append new ones; never edit or remove a shipped one.
public enum ServerSchema {
  /// The names of every migration this version knows, in order.
  public static var migrationNames: [String] { migrator.migrations }

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
    migrator.registerMigration("v2-plan-governance-audit") { db in
      try SharedTables.addRAGOverride(db)
      try db.execute(
        sql: """
          -- Each element's status history: appended, never updated; the review reads it.
          CREATE TABLE element_status_change (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            element_id TEXT NOT NULL,
            effective_on TEXT NOT NULL,
            status TEXT NOT NULL,
            rag_override TEXT,
            rag_override_reason TEXT,
            note TEXT NOT NULL,
            author TEXT NOT NULL,
            recorded_at_ms INTEGER NOT NULL
          );
          CREATE INDEX element_status_change_by_element ON element_status_change(element_id, effective_on, seq);
          CREATE INDEX element_status_change_by_day ON element_status_change(effective_on);
          CREATE TABLE milestone (
            id TEXT PRIMARY KEY NOT NULL,
            element_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            title TEXT NOT NULL,
            due_date TEXT NOT NULL,
            completed_on TEXT,
            links TEXT NOT NULL
          );
          CREATE INDEX milestone_by_element ON milestone(element_id, number);
          CREATE INDEX milestone_by_due ON milestone(due_date);
          CREATE INDEX milestone_by_completed ON milestone(completed_on);
          CREATE TABLE progress_update (
            id TEXT PRIMARY KEY NOT NULL,
            element_id TEXT NOT NULL,
            date TEXT NOT NULL,
            narrative TEXT NOT NULL,
            author TEXT NOT NULL,
            status TEXT NOT NULL,
            for_panel INTEGER NOT NULL,
            links TEXT NOT NULL,
            recorded_at_ms INTEGER NOT NULL
          );
          CREATE INDEX progress_update_by_date ON progress_update(date);
          CREATE INDEX progress_update_by_element ON progress_update(element_id, date);
          CREATE TABLE meeting (
            id TEXT PRIMARY KEY NOT NULL,
            date TEXT NOT NULL,
            title TEXT NOT NULL,
            attendees TEXT NOT NULL,
            decisions TEXT NOT NULL,
            notes TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_at_ms INTEGER NOT NULL
          );
          CREATE INDEX meeting_by_date ON meeting(date);
          CREATE TABLE meeting_action (
            number INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            meeting_id TEXT NOT NULL,
            text TEXT NOT NULL,
            owner TEXT NOT NULL,
            due_date TEXT,
            status TEXT NOT NULL,
            closed_on TEXT,
            element_id TEXT,
            note TEXT NOT NULL
          );
          CREATE INDEX meeting_action_by_status ON meeting_action(status, due_date);
          -- Every write of the plan and governance records: who, from where, when, which call,
          -- which record, and digests of the record before and after. Append-only.
          CREATE TABLE audit_event (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ms INTEGER NOT NULL,
            actor TEXT NOT NULL,
            device_id TEXT,
            rpc TEXT NOT NULL,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            before_digest TEXT,
            after_digest TEXT
          );
          CREATE INDEX audit_event_by_entity ON audit_event(entity_type, entity_id);
          CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
            BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
          CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
            BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
          CREATE TRIGGER element_status_change_no_update BEFORE UPDATE ON element_status_change
            BEGIN SELECT RAISE(ABORT, 'element_status_change is append-only'); END;
          CREATE TRIGGER element_status_change_no_delete BEFORE DELETE ON element_status_change
            BEGIN SELECT RAISE(ABORT, 'element_status_change is append-only'); END;
          """)
    }
    migrator.registerMigration("v3-field-merge-conflicts") { db in
      try SharedTables.createConflicts(db)
      try db.execute(
        sql: """
          -- Who last set each field of an engagement ('deleted' for its deletion), at which
          -- cursor, by which device and clock reading: a pushed edit made on an older base
          -- than a field's cursor, from another device, is concurrent with it.
          CREATE TABLE engagement_field_stamp (
            engagement_id TEXT NOT NULL,
            field TEXT NOT NULL,
            cursor INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            user TEXT NOT NULL,
            hlc_wall_ms INTEGER NOT NULL,
            hlc_counter INTEGER NOT NULL,
            hlc_node TEXT NOT NULL,
            PRIMARY KEY (engagement_id, field)
          ) WITHOUT ROWID;
          -- Numbers the server keeps about itself, e.g. 'purged_through': the newest change-log
          -- cursor removed with a purged tombstone (a device behind it must pull everything again).
          CREATE TABLE server_state (
            key TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL
          );
          """)
    }
    migrator.registerMigration("v4-accounts-devices") { db in
      try db.execute(
        sql: """
          -- People who use the server, each with one role.
          CREATE TABLE account (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            disabled_at_ms INTEGER
          );
          -- One-time codes a user exchanges for a device token; only the SHA-256 is kept.
          CREATE TABLE enrolment_code (
            code_hash TEXT PRIMARY KEY NOT NULL,
            account_id TEXT NOT NULL REFERENCES account(id),
            created_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            used_at_ms INTEGER,
            used_by_device TEXT
          );
          -- A device's sign-in: the SHA-256 of its token, never the token.
          CREATE TABLE device_token (
            id TEXT PRIMARY KEY NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            account_id TEXT NOT NULL REFERENCES account(id),
            device_id TEXT NOT NULL,
            label TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            last_used_at_ms INTEGER,
            revoked_at_ms INTEGER
          );
          CREATE INDEX device_token_by_account ON device_token(account_id);
          CREATE INDEX device_token_by_device ON device_token(device_id);
          -- The audit trail is queried by user and by date as well as by record.
          CREATE INDEX audit_event_by_actor ON audit_event(actor, at_ms);
          CREATE INDEX audit_event_by_time ON audit_event(at_ms);
          """)
    }
    migrator.registerMigration("v5-oversight-records") { db in
      try OversightTables.create(db)
    }
    migrator.registerMigration("v6-change-stored-as-sent") { db in
      // 1 for an engagement upsert stored exactly as its device sent it (no other device's
      // field merged in, no conflict): that device's pull may leave the payload out. Rows
      // logged before are 0 and keep travelling whole.
      try db.execute(sql: "ALTER TABLE change_log ADD COLUMN as_sent INTEGER NOT NULL DEFAULT 0")
    }
    migrator.registerMigration("v7-access-token-replaced") { db in
      // When a token was exchanged for a new one (RefreshToken): it then works for its grace
      // period only and mints no second token. NULL for a token never refreshed.
      try db.execute(sql: "ALTER TABLE device_token ADD COLUMN replaced_at_ms INTEGER")
    }
    migrator.registerMigration("v7-force-area-retired") { db in
      try SharedTables.addAreaRetired(db)
    }
    migrator.registerMigration("v7-force-indicator-baseline-rank-inspection-response") { db in
      try db.execute(
        sql: """
          -- A survey measure's baseline period, tested against as well as the period before.
          ALTER TABLE indicator ADD COLUMN baseline_period_end TEXT;
          -- Position among the most similar group of forces, and the group's size.
          ALTER TABLE measurement ADD COLUMN rank INTEGER;
          ALTER TABLE measurement ADD COLUMN rank_of INTEGER;
          -- When the PCC sent the response to an HMICFRS report, and to whom.
          ALTER TABLE inspection ADD COLUMN response_sent_on TEXT;
          ALTER TABLE inspection ADD COLUMN response_sent_to TEXT NOT NULL DEFAULT '';
          CREATE INDEX inspection_by_response ON inspection(response_sent_on);
          """)
    }
    migrator.registerMigration("v7-force-profile") { db in
      try db.execute(
        sql: """
          -- How the force names itself, its plan, Panel, offices and reach measures: one row,
          -- the profile as JSON (none until the governance team sets it).
          CREATE TABLE force_profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            profile TEXT NOT NULL
          );
          """)
    }
    migrator.registerMigration("v8-server-identity-device-seq-deleted-ids") { db in
      try db.execute(
        sql: """
          -- Which server this is (kept by backups and restores) and which of its histories
          -- (a new epoch on creation, for each backup copy and on each restore), with the
          -- epoch's first cursor: devices that knew another epoch pull everything again.
          CREATE TABLE server_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            server_id TEXT NOT NULL,
            epoch TEXT NOT NULL,
            epoch_start INTEGER NOT NULL
          );
          -- Each mutation's place in its device's sequence: a second mutation in one place is
          -- from a copy of the device's data folder on another machine.
          ALTER TABLE applied_mutation ADD COLUMN device_seq INTEGER;
          CREATE UNIQUE INDEX applied_mutation_by_device_seq ON applied_mutation(device_id, device_seq)
            WHERE device_seq IS NOT NULL;
          -- Engagements whose tombstone was purged, with who deleted them and when: an edit
          -- that never saw the delete brings the engagement back with a conflict record,
          -- as it does before the purge.
          CREATE TABLE deleted_engagement (
            id TEXT PRIMARY KEY NOT NULL,
            cursor INTEGER NOT NULL,
            device_id TEXT NOT NULL,
            user TEXT NOT NULL,
            hlc_wall_ms INTEGER NOT NULL,
            hlc_counter INTEGER NOT NULL,
            hlc_node TEXT NOT NULL,
            purged_at_ms INTEGER NOT NULL
          ) WITHOUT ROWID;
          """)
      let next = try db.issuedThrough() + 1
      try db.execute(
        sql: "INSERT INTO server_identity (id, server_id, epoch, epoch_start) VALUES (1, ?, ?, ?)",
        arguments: [UUID().storageKey, UUID().storageKey, next])
    }
    migrator.registerMigration("v9-personal-data") { db in
      try db.execute(sql: PersonalTextSearch.schema)
      // When the office asked a device to erase its local data (device revoke --wipe).
      try db.execute(sql: "ALTER TABLE device_token ADD COLUMN wipe_requested_at_ms INTEGER")
    }
    migrator.registerMigration("v10-redaction") { db in
      try db.execute(
        sql: """
          -- Set on the change that removed personal text from an engagement (JSON: kind, fields).
          ALTER TABLE change_log ADD COLUMN redaction TEXT;
          -- Who removed which personal text from an engagement, when, why (never the text), and
          -- the change that carries it to devices.
          CREATE TABLE redaction (
            id TEXT PRIMARY KEY NOT NULL,
            engagement_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            fields TEXT NOT NULL,
            cursor INTEGER NOT NULL,
            at_ms INTEGER NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT NOT NULL
          );
          CREATE INDEX redaction_by_engagement ON redaction(engagement_id);
          -- Each device's last report of engagements whose personal fields it holds unsent
          -- changes to.
          CREATE TABLE held_change (
            device_id TEXT NOT NULL,
            engagement_id TEXT NOT NULL,
            fields TEXT NOT NULL,
            reported_at_ms INTEGER NOT NULL,
            PRIMARY KEY (device_id, engagement_id)
          ) WITHOUT ROWID;
          CREATE INDEX held_change_by_engagement ON held_change(engagement_id);
          """)
    }
    return migrator
  }
}
