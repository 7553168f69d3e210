import GRDB

/// The server's oversight records (migration `v5-oversight-records`): funding, holding to
/// account, performance indicators, inspections, correspondence and reach. Money is integer
/// pence; days are `YYYY-MM-DD` text, so that they sort and compare as days.
enum OversightTables {
  static func create(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE fund (
          id TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL,
          total_pence INTEGER NOT NULL CHECK (total_pence > 0),
          start_date TEXT NOT NULL,
          end_date TEXT NOT NULL,
          source TEXT NOT NULL,
          announced_on TEXT,
          element_id TEXT,
          purpose TEXT NOT NULL
        );
        CREATE TABLE award (
          id TEXT PRIMARY KEY NOT NULL,
          fund_id TEXT REFERENCES fund(id),
          recipient TEXT NOT NULL,
          amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
          date TEXT NOT NULL,
          purpose TEXT NOT NULL,
          element_id TEXT,
          status TEXT NOT NULL,
          override_reason TEXT
        );
        CREATE INDEX award_by_fund ON award(fund_id);
        CREATE INDEX award_by_date ON award(date);
        CREATE TABLE bid (
          id TEXT PRIMARY KEY NOT NULL,
          funder TEXT NOT NULL,
          amount_pence INTEGER NOT NULL CHECK (amount_pence > 0),
          period_start TEXT,
          period_end TEXT,
          submitted_on TEXT,
          status TEXT NOT NULL,
          decided_on TEXT,
          purpose TEXT NOT NULL,
          element_id TEXT
        );
        CREATE TABLE scrutiny_meeting (
          id TEXT PRIMARY KEY NOT NULL,
          kind TEXT NOT NULL,
          topic TEXT NOT NULL,
          date TEXT NOT NULL,
          findings TEXT NOT NULL,
          actions TEXT NOT NULL,
          notes TEXT NOT NULL
        );
        CREATE INDEX scrutiny_meeting_by_date ON scrutiny_meeting(date);
        CREATE TABLE indicator (
          id TEXT PRIMARY KEY NOT NULL,
          name TEXT NOT NULL,
          unit TEXT NOT NULL,
          better TEXT NOT NULL,
          target REAL,
          comparator REAL,
          comparator_label TEXT NOT NULL,
          frequency TEXT NOT NULL,
          source TEXT NOT NULL,
          survey INTEGER NOT NULL,
          element_id TEXT
        );
        -- One value per indicator and period end.
        CREATE TABLE measurement (
          indicator_id TEXT NOT NULL REFERENCES indicator(id),
          period_end TEXT NOT NULL,
          period_start TEXT NOT NULL,
          value REAL NOT NULL,
          sample_size INTEGER,
          PRIMARY KEY (indicator_id, period_end)
        ) WITHOUT ROWID;
        CREATE TABLE inspection (
          id TEXT PRIMARY KEY NOT NULL,
          title TEXT NOT NULL,
          published_on TEXT NOT NULL,
          scope TEXT NOT NULL,
          summary TEXT NOT NULL
        );
        CREATE TABLE inspection_item (
          inspection_id TEXT NOT NULL REFERENCES inspection(id),
          kind TEXT NOT NULL,
          number INTEGER NOT NULL,
          text TEXT NOT NULL,
          status TEXT NOT NULL,
          response TEXT NOT NULL,
          PRIMARY KEY (inspection_id, kind, number)
        ) WITHOUT ROWID;
        CREATE TABLE correspondence (
          id TEXT PRIMARY KEY NOT NULL,
          received_on TEXT NOT NULL,
          subject TEXT NOT NULL,
          area TEXT NOT NULL,
          channel TEXT NOT NULL,
          status TEXT NOT NULL
        );
        CREATE INDEX correspondence_by_day ON correspondence(received_on);
        -- One figure per metric and day.
        CREATE TABLE reach_measurement (
          metric TEXT NOT NULL,
          as_of TEXT NOT NULL,
          period_start TEXT,
          value INTEGER NOT NULL,
          PRIMARY KEY (metric, as_of)
        ) WITHOUT ROWID;
        """)
  }
}
