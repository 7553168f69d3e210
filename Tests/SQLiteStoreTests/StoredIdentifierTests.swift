import Foundation
import GRDB
import Model
import SQLiteStore
import Stores
import TestSupport
import Testing

/// A stored id that does not parse is a corrupt row, named with its table, column and value:
/// it is never read back as a new random id.
@Suite struct StoredIdentifierTests {
  /// A server database holding one row with an unreadable id in each table read here.
  static func corruptDatabase() throws -> (TemporaryFolder, ServerDatabase) {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("server.sqlite"))
    try database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO account (id, name, display_name, role, created_at_ms, created_by)
            VALUES ('not-a-uuid', 'broken', 'Broken', 'commissioner', 0, 'test');
          INSERT INTO account (id, name, display_name, role, created_at_ms, created_by)
            VALUES ('6f1c2a4e-93b7-4d0a-8c1e-2b5d7f9a0c31', 'fine', 'Fine', 'commissioner', 0, 'test');
          INSERT INTO device_token (id, token_hash, account_id, device_id, label, created_at_ms, expires_at_ms)
            VALUES ('token' || char(27) || '[2J', 'hash', '6f1c2a4e-93b7-4d0a-8c1e-2b5d7f9a0c31', 'laptop', 'Laptop', 0,
              9000000000000);
          INSERT INTO enrolment_code (code_hash, account_id, created_at_ms, expires_at_ms)
            VALUES ('code-hash', 'not-a-uuid', 0, 9000000000000);
          INSERT INTO progress_update (id, element_id, date, narrative, author, status, for_panel, links, recorded_at_ms)
            VALUES ('', '2.3', '2022-10-05', 'Done', 'governance', 'on-track', 0, '[]', 0);
          """)
    }
    return (folder, database)
  }

  static let reads: [(String, @Sendable (Database) throws -> Void, String)] = [
    ("accounts", { _ = try $0.accounts() }, #"table account, column id: "not-a-uuid" is not a UUID"#),
    ("account by name", { _ = try $0.account(named: "broken") }, #"table account, column id: "not-a-uuid""#),
    (
      "device tokens", { _ = try $0.deviceTokens(includeInactive: true, at: Date()) },
      #"table device_token, column id: "token\u{1b}[2J" is not a UUID"#
    ),
    ("token by hash", { _ = try $0.deviceToken(hash: "hash") }, #"table device_token, column id: "token\u{1b}[2J""#),
    (
      "enrolment code", { _ = try $0.consumeEnrolmentCode(hash: "code-hash", at: Date(), deviceID: "laptop") },
      #"table enrolment_code, column account_id: "not-a-uuid" is not a UUID"#
    ),
    ("progress updates", { _ = try $0.progressUpdates() }, #"table progress_update, column id: "" is not a UUID"#),
  ]

  @Test(
    "an unreadable stored id is a corrupt-row error naming the table, the column and the value",
    arguments: 0..<reads.count)
  func unreadableID(index: Int) throws {
    // Given rows whose ids are not UUIDs
    let (folder, database) = try Self.corruptDatabase()
    let (name, read, message) = Self.reads[index]
    // When they are read
    let error = #expect(throws: StorageError.self, "\(name)") { try database.pool.write { try read($0) } }
    // Then the read fails, saying where and what, with the value's control characters escaped
    #expect(error?.code == .corrupt, "\(name)")
    #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "no error")")
    withExtendedLifetime(folder) {}
  }

  @Test(
    "an unreadable stored day is a corrupt-row error naming the table, the column, the row and the value, never another day"
  )
  func unreadableDay() throws {
    let folder = try TemporaryFolder()
    let database = try ServerDatabase(path: folder.path("server.sqlite"))
    try database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO meeting (id, date, title, attendees, decisions, notes, recorded_by, recorded_at_ms)
            VALUES ('M1', '14/07/2022', 'Board', '[]', '[]', '', 'governance', 0);
          INSERT INTO fund (id, name, total_pence, start_date, end_date, source, purpose)
            VALUES ('F1', 'Fund', 100, '2022-04-01', '2023-13-45', 'Home Office', 'Safer streets');
          """)
    }
    let meeting = #expect(throws: StorageError.self) { try database.pool.read { try $0.meetings() } }
    #expect(meeting?.message == #"table meeting, column date (row M1): "14/07/2022" is not a day (YYYY-MM-DD)"#)
    let fund = #expect(throws: StorageError.self) { try database.pool.read { try $0.funds() } }
    #expect(fund?.message == #"table fund, column end_date (row F1): "2023-13-45" is not a day (YYYY-MM-DD)"#)
    withExtendedLifetime(folder) {}
  }

  @Test("a readable row next to a corrupt one still reads")
  func readableRow() throws {
    let (folder, database) = try Self.corruptDatabase()
    let fine = try database.pool.read { try $0.account(named: "fine") }
    #expect(fine?.id == UUID(uuidString: "6f1c2a4e-93b7-4d0a-8c1e-2b5d7f9a0c31"))
    withExtendedLifetime(folder) {}
  }
}
