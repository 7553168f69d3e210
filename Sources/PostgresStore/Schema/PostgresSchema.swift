import Foundation
import Model
import Stores

/// The server's tables on PostgreSQL, as migrations in order. Append new ones; never edit or
/// remove a shipped one. The first creates the whole schema the SQLite store reached in its
/// own eight migrations (Sources/SQLiteStore/Schema), with PostgreSQL's types:
///
/// - every text column compares and sorts by its bytes (`COLLATE "C"`), as SQLite's BINARY
///   does, whatever the database's locale: lists and reports come out in the same order on
///   both engines;
/// - integers are `BIGINT`, flags `BOOLEAN`, fractions `DOUBLE PRECISION`;
/// - the append-only tables refuse UPDATE and DELETE with a trigger.
enum PostgresSchema {
  struct Migration {
    let name: String
    let statements: [String]
  }

  /// Text columns sort by bytes, as on SQLite.
  static func bytewise(_ sql: String) -> String {
    sql.replacingOccurrences(of: " TEXT", with: " TEXT COLLATE \"C\"")
  }

  static let migrations: [Migration] = [
    Migration(name: "v1-server", statements: v1.map(bytewise) + appendOnly + [identity]),
    Migration(
      name: "v2-personal-data",
      statements: PersonalTextSearch.indexes + ["ALTER TABLE device_token ADD COLUMN wipe_requested_at_ms BIGINT"]),
    Migration(name: "v3-redaction", statements: redaction.map(bytewise)),
  ]

  /// Redaction of personal text (the SQLite store's `v10-redaction`).
  private static let redaction = [
    "ALTER TABLE change_log ADD COLUMN redaction TEXT",
    """
    CREATE TABLE redaction (
      id TEXT PRIMARY KEY,
      engagement_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      fields TEXT NOT NULL,
      cursor BIGINT NOT NULL,
      at_ms BIGINT NOT NULL,
      actor TEXT NOT NULL,
      reason TEXT NOT NULL
    )
    """,
    "CREATE INDEX redaction_by_engagement ON redaction(engagement_id)",
    """
    CREATE TABLE held_change (
      device_id TEXT NOT NULL,
      engagement_id TEXT NOT NULL,
      fields TEXT NOT NULL,
      reported_at_ms BIGINT NOT NULL,
      PRIMARY KEY (device_id, engagement_id)
    )
    """,
    "CREATE INDEX held_change_by_engagement ON held_change(engagement_id)",
  ]

  static let names = migrations.map(\.name)

  private static let v1 = [
    """
    CREATE TABLE area (
      code TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      position BIGINT NOT NULL,
      retired BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    """
    CREATE TABLE objective (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      position BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE plan_element (
      id TEXT PRIMARY KEY,
      objective_id TEXT NOT NULL,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      opcc_lead TEXT NOT NULL,
      force_lead TEXT NOT NULL,
      status TEXT NOT NULL,
      start_date TEXT,
      due_date TEXT,
      position BIGINT NOT NULL,
      rag_override TEXT,
      rag_override_reason TEXT
    )
    """,
    "CREATE INDEX plan_element_by_objective ON plan_element(objective_id, position)",
    """
    CREATE TABLE engagement (
      id TEXT PRIMARY KEY,
      date TEXT NOT NULL,
      who TEXT NOT NULL,
      kind TEXT NOT NULL,
      organisation TEXT NOT NULL,
      place TEXT NOT NULL,
      area TEXT NOT NULL,
      attendees BIGINT,
      topics TEXT NOT NULL,
      objective_id TEXT,
      element_id TEXT,
      follow_up_actions TEXT NOT NULL,
      notes TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at_ms BIGINT NOT NULL,
      updated_by TEXT NOT NULL,
      updated_at_ms BIGINT NOT NULL,
      deleted_at_ms BIGINT
    )
    """,
    "CREATE INDEX engagement_by_date ON engagement(date DESC, id DESC)",
    """
    CREATE TABLE conflict (
      id TEXT PRIMARY KEY,
      engagement_id TEXT NOT NULL,
      detected_at_ms BIGINT NOT NULL,
      resolved BOOLEAN NOT NULL DEFAULT FALSE,
      payload TEXT NOT NULL
    )
    """,
    "CREATE INDEX conflict_by_engagement ON conflict(engagement_id)",
    "CREATE INDEX conflict_unresolved ON conflict(resolved, detected_at_ms)",
    // The change log's cursor comes from this sequence, taken only under the writer's lock
    // (PostgresServerDatabase.write): cursors are then given out in commit order.
    "CREATE SEQUENCE change_log_cursor AS BIGINT",
    """
    CREATE TABLE change_log (
      cursor BIGINT PRIMARY KEY DEFAULT nextval('change_log_cursor'),
      entity_type TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      operation TEXT NOT NULL,
      payload TEXT,
      changed_at_ms BIGINT NOT NULL,
      mutation_id TEXT,
      device_id TEXT,
      as_sent BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    "ALTER SEQUENCE change_log_cursor OWNED BY change_log.cursor",
    """
    CREATE TABLE applied_mutation (
      mutation_id TEXT PRIMARY KEY,
      device_id TEXT NOT NULL,
      cursor BIGINT NOT NULL,
      applied_at_ms BIGINT NOT NULL,
      device_seq BIGINT
    )
    """,
    """
    CREATE UNIQUE INDEX applied_mutation_by_device_seq ON applied_mutation(device_id, device_seq)
      WHERE device_seq IS NOT NULL
    """,
    """
    CREATE TABLE element_status_change (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      element_id TEXT NOT NULL,
      effective_on TEXT NOT NULL,
      status TEXT NOT NULL,
      rag_override TEXT,
      rag_override_reason TEXT,
      note TEXT NOT NULL,
      author TEXT NOT NULL,
      recorded_at_ms BIGINT NOT NULL
    )
    """,
    "CREATE INDEX element_status_change_by_element ON element_status_change(element_id, effective_on, seq)",
    "CREATE INDEX element_status_change_by_day ON element_status_change(effective_on)",
    """
    CREATE TABLE milestone (
      id TEXT PRIMARY KEY,
      element_id TEXT NOT NULL,
      number BIGINT NOT NULL,
      title TEXT NOT NULL,
      due_date TEXT NOT NULL,
      completed_on TEXT,
      links TEXT NOT NULL
    )
    """,
    "CREATE INDEX milestone_by_element ON milestone(element_id, number)",
    "CREATE INDEX milestone_by_due ON milestone(due_date)",
    "CREATE INDEX milestone_by_completed ON milestone(completed_on)",
    """
    CREATE TABLE progress_update (
      id TEXT PRIMARY KEY,
      element_id TEXT NOT NULL,
      date TEXT NOT NULL,
      narrative TEXT NOT NULL,
      author TEXT NOT NULL,
      status TEXT NOT NULL,
      for_panel BOOLEAN NOT NULL,
      links TEXT NOT NULL,
      recorded_at_ms BIGINT NOT NULL
    )
    """,
    "CREATE INDEX progress_update_by_date ON progress_update(date)",
    "CREATE INDEX progress_update_by_element ON progress_update(element_id, date)",
    """
    CREATE TABLE meeting (
      id TEXT PRIMARY KEY,
      date TEXT NOT NULL,
      title TEXT NOT NULL,
      attendees TEXT NOT NULL,
      decisions TEXT NOT NULL,
      notes TEXT NOT NULL,
      recorded_by TEXT NOT NULL,
      recorded_at_ms BIGINT NOT NULL
    )
    """,
    "CREATE INDEX meeting_by_date ON meeting(date)",
    """
    CREATE TABLE meeting_action (
      number BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      meeting_id TEXT NOT NULL,
      text TEXT NOT NULL,
      owner TEXT NOT NULL,
      due_date TEXT,
      status TEXT NOT NULL,
      closed_on TEXT,
      element_id TEXT,
      note TEXT NOT NULL
    )
    """,
    "CREATE INDEX meeting_action_by_status ON meeting_action(status, due_date)",
    """
    CREATE TABLE audit_event (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at_ms BIGINT NOT NULL,
      actor TEXT NOT NULL,
      device_id TEXT,
      rpc TEXT NOT NULL,
      entity_type TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      before_digest TEXT,
      after_digest TEXT
    )
    """,
    "CREATE INDEX audit_event_by_entity ON audit_event(entity_type, entity_id)",
    "CREATE INDEX audit_event_by_actor ON audit_event(actor, at_ms)",
    "CREATE INDEX audit_event_by_time ON audit_event(at_ms)",
    """
    CREATE TABLE engagement_field_stamp (
      engagement_id TEXT NOT NULL,
      field TEXT NOT NULL,
      cursor BIGINT NOT NULL,
      device_id TEXT NOT NULL,
      "user" TEXT NOT NULL,
      hlc_wall_ms BIGINT NOT NULL,
      hlc_counter BIGINT NOT NULL,
      hlc_node TEXT NOT NULL,
      PRIMARY KEY (engagement_id, field)
    )
    """,
    """
    CREATE TABLE server_state (
      key TEXT PRIMARY KEY,
      value BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE account (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      role TEXT NOT NULL,
      created_at_ms BIGINT NOT NULL,
      created_by TEXT NOT NULL,
      disabled_at_ms BIGINT
    )
    """,
    """
    CREATE TABLE enrolment_code (
      code_hash TEXT PRIMARY KEY,
      account_id TEXT NOT NULL REFERENCES account(id),
      created_at_ms BIGINT NOT NULL,
      expires_at_ms BIGINT NOT NULL,
      used_at_ms BIGINT,
      used_by_device TEXT
    )
    """,
    """
    CREATE TABLE device_token (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      account_id TEXT NOT NULL REFERENCES account(id),
      device_id TEXT NOT NULL,
      label TEXT NOT NULL,
      created_at_ms BIGINT NOT NULL,
      expires_at_ms BIGINT NOT NULL,
      last_used_at_ms BIGINT,
      revoked_at_ms BIGINT,
      replaced_at_ms BIGINT
    )
    """,
    "CREATE INDEX device_token_by_account ON device_token(account_id)",
    "CREATE INDEX device_token_by_device ON device_token(device_id)",
    """
    CREATE TABLE fund (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      total_pence BIGINT NOT NULL CHECK (total_pence > 0),
      start_date TEXT NOT NULL,
      end_date TEXT NOT NULL,
      source TEXT NOT NULL,
      announced_on TEXT,
      element_id TEXT,
      purpose TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE award (
      id TEXT PRIMARY KEY,
      fund_id TEXT REFERENCES fund(id),
      recipient TEXT NOT NULL,
      amount_pence BIGINT NOT NULL CHECK (amount_pence > 0),
      date TEXT NOT NULL,
      purpose TEXT NOT NULL,
      element_id TEXT,
      status TEXT NOT NULL,
      override_reason TEXT
    )
    """,
    "CREATE INDEX award_by_fund ON award(fund_id)",
    "CREATE INDEX award_by_date ON award(date)",
    """
    CREATE TABLE bid (
      id TEXT PRIMARY KEY,
      funder TEXT NOT NULL,
      amount_pence BIGINT NOT NULL CHECK (amount_pence > 0),
      period_start TEXT,
      period_end TEXT,
      submitted_on TEXT,
      status TEXT NOT NULL,
      decided_on TEXT,
      purpose TEXT NOT NULL,
      element_id TEXT
    )
    """,
    """
    CREATE TABLE scrutiny_meeting (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      topic TEXT NOT NULL,
      date TEXT NOT NULL,
      findings TEXT NOT NULL,
      actions TEXT NOT NULL,
      notes TEXT NOT NULL
    )
    """,
    "CREATE INDEX scrutiny_meeting_by_date ON scrutiny_meeting(date)",
    """
    CREATE TABLE indicator (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      unit TEXT NOT NULL,
      better TEXT NOT NULL,
      target DOUBLE PRECISION,
      comparator DOUBLE PRECISION,
      comparator_label TEXT NOT NULL,
      frequency TEXT NOT NULL,
      source TEXT NOT NULL,
      survey BOOLEAN NOT NULL,
      element_id TEXT,
      baseline_period_end TEXT,
      -- The order indicators were first defined in (SQLite lists them by rowid): kept when
      -- one is saved again.
      seq BIGINT GENERATED ALWAYS AS IDENTITY
    )
    """,
    """
    CREATE TABLE measurement (
      indicator_id TEXT NOT NULL REFERENCES indicator(id),
      period_end TEXT NOT NULL,
      period_start TEXT NOT NULL,
      value DOUBLE PRECISION NOT NULL,
      sample_size BIGINT,
      rank BIGINT,
      rank_of BIGINT,
      PRIMARY KEY (indicator_id, period_end)
    )
    """,
    """
    CREATE TABLE inspection (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      published_on TEXT NOT NULL,
      scope TEXT NOT NULL,
      summary TEXT NOT NULL,
      response_sent_on TEXT,
      response_sent_to TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX inspection_by_response ON inspection(response_sent_on)",
    """
    CREATE TABLE inspection_item (
      inspection_id TEXT NOT NULL REFERENCES inspection(id),
      kind TEXT NOT NULL,
      number BIGINT NOT NULL,
      text TEXT NOT NULL,
      status TEXT NOT NULL,
      response TEXT NOT NULL,
      PRIMARY KEY (inspection_id, kind, number)
    )
    """,
    """
    CREATE TABLE correspondence (
      id TEXT PRIMARY KEY,
      received_on TEXT NOT NULL,
      subject TEXT NOT NULL,
      area TEXT NOT NULL,
      channel TEXT NOT NULL,
      status TEXT NOT NULL
    )
    """,
    "CREATE INDEX correspondence_by_day ON correspondence(received_on)",
    """
    CREATE TABLE reach_measurement (
      metric TEXT NOT NULL,
      as_of TEXT NOT NULL,
      period_start TEXT,
      value BIGINT NOT NULL,
      PRIMARY KEY (metric, as_of)
    )
    """,
    """
    CREATE TABLE force_profile (
      id BIGINT PRIMARY KEY CHECK (id = 1),
      profile TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE server_identity (
      id BIGINT PRIMARY KEY CHECK (id = 1),
      server_id TEXT NOT NULL,
      epoch TEXT NOT NULL,
      epoch_start BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE deleted_engagement (
      id TEXT PRIMARY KEY,
      cursor BIGINT NOT NULL,
      device_id TEXT NOT NULL,
      "user" TEXT NOT NULL,
      hlc_wall_ms BIGINT NOT NULL,
      hlc_counter BIGINT NOT NULL,
      hlc_node TEXT NOT NULL,
      purged_at_ms BIGINT NOT NULL
    )
    """,
  ]

  /// The audit trail and the status history are appended, never changed.
  private static let appendOnly: [String] = [
    """
    CREATE FUNCTION assure_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION assure_append_only()
    """,
    """
    CREATE TRIGGER element_status_change_append_only BEFORE UPDATE OR DELETE ON element_status_change
      FOR EACH ROW EXECUTE FUNCTION assure_append_only()
    """,
  ]

  /// Which server this is, and its first history, made with the database.
  private static var identity: String {
    "INSERT INTO server_identity (id, server_id, epoch, epoch_start) VALUES (1, '\(UUID().storageKey)', '\(UUID().storageKey)', 1)"
  }
}
