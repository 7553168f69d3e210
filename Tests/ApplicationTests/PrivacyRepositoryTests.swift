import Application
import Foundation
import Model
import StoreTestSupport
import Stores
import TestSupport
import Testing

/// Subject access on the server's store (either engine): the phrase is found in engagements as
/// they are now, in earlier versions and in conflict records; only a digest of it is audited.
@Suite struct PrivacyRepositoryTests {
  let folder: TemporaryFolder
  let database: any ServerStore
  let privacy: PrivacyRepository
  let console = Caller.server("console:dpo", rpc: "assure-server privacy search")
  let time = Date(timeIntervalSince1970: 1_670_241_600)

  /// Four engagements: the name in the notes now; in an earlier version only (then edited
  /// out); in a conflict record only; in a deleted one; and one that never names anyone.
  let now = UUID()
  let edited = UUID()
  let conflicted = UUID()
  let deleted = UUID()
  let unrelated = UUID()

  init() async throws {
    folder = try TemporaryFolder()
    database = try await TestEngine.current.makeServerStore(in: folder)
    privacy = PrivacyRepository(database: database, now: { [time] in time })
    @Sendable func engagement(_ id: UUID, notes: String, followUp: [String] = []) -> Engagement {
      var e = sampleEngagement()
      e.id = id
      e.notes = notes
      e.followUpActions = followUp
      return e
    }
    let (now, edited, conflicted, deleted, unrelated, time) = (now, edited, conflicted, deleted, unrelated, time)
    try await database.write { db in
      func save(_ e: Engagement) throws {
        try db.saveEngagement(e)
        _ = try db.appendEngagementChange(e, at: time, mutationID: UUID(), deviceID: "laptop-1")
      }
      try save(engagement(now, notes: "Met Mrs Eira Pritchard-Jones about speeding on the A49."))
      try save(engagement(edited, notes: "Eira Pritchard-Jones asked for a reply."))
      try save(engagement(edited, notes: "A resident asked for a reply."))
      try save(engagement(conflicted, notes: "Parish clerk attended."))
      try db.saveConflict(
        Conflict(
          engagementID: conflicted, subject: .field(.notes),
          kept: .init(
            value: "Parish clerk attended.", user: "pcc", deviceID: "laptop-1", hlc: HLC(wallMillis: 1, node: "a")),
          lost: .init(
            value: "Clerk and Eira Pritchard-Jones attended.", user: "dpcc", deviceID: "laptop-2",
            hlc: HLC(wallMillis: 1, node: "b")), detectedAt: time))
      try save(engagement(deleted, notes: "School visit.", followUp: ["Write to Eira Pritchard-Jones"]))
      _ = try db.tombstoneEngagement(id: deleted, at: time)
      try save(engagement(unrelated, notes: "Eira Road traffic survey; Jones Street."))
    }
  }

  @Test(
    "a name is found now, in earlier versions, in conflict records and in deleted engagements, whole words in order")
  func search() async throws {
    let found = try await privacy.search("eira pritchard-jones", by: console)
    let byID = Dictionary(uniqueKeysWithValues: found.hits.map { ($0.engagementID, $0) })
    #expect(Set(byID.keys) == Set([now, edited, conflicted, deleted].map(\.storageKey)), "\(found.hits)")
    #expect(byID[now.storageKey]?.current == true)
    #expect(byID[now.storageKey]?.versions.count == 1)
    // Edited out: no longer in the engagement, still in its first version.
    #expect(byID[edited.storageKey]?.current == false)
    #expect(byID[edited.storageKey]?.versions.count == 1)
    #expect(byID[edited.storageKey]?.engagement?.notes == "A resident asked for a reply.")
    #expect(byID[conflicted.storageKey]?.conflicts.count == 1)
    #expect(byID[conflicted.storageKey]?.current == false)
    #expect(byID[deleted.storageKey]?.current == true)
    #expect(byID[deleted.storageKey]?.deletedAt != nil)
    #expect(!found.truncated)
    // "Eira" and "Jones" apart, or in another order, are not the phrase.
    #expect(try await privacy.search("Jones Eira", by: console).hits.isEmpty)
    // A word is whole: "Pritchard" alone is found, "Pritch" is not.
    #expect(try await privacy.search("Pritchard", by: console).hits.count == 4)
    #expect(try await privacy.search("Pritch", by: console).hits.isEmpty)
    // Query syntax is text.
    #expect(try await privacy.search("\"Eira\" OR Jones*", by: console).hits.isEmpty)
  }

  @Test(
    "accents are folded on SQLite: Sian finds Siân", .enabled(if: TestEngine.isSQLite, "FTS5's unicode61 tokenizer"))
  func accents() async throws {
    var e = sampleEngagement()
    e.notes = "Siân Roberts rang."
    let saved = e
    try await database.write { [time] db in
      try db.saveEngagement(saved)
      _ = try db.appendEngagementChange(saved, at: time, mutationID: UUID(), deviceID: "laptop-1")
    }
    #expect(try await privacy.search("sian roberts", by: console).hits.map(\.engagementID) == [e.id.storageKey])
  }

  @Test("what is written after a search is found by the next: an edit adds the name, another removes it from now")
  func laterWrites() async throws {
    #expect(try await privacy.search("Bethan Lloyd", by: console).hits.isEmpty)
    var e = sampleEngagement()
    e.id = unrelated
    e.notes = "Bethan Lloyd rang about the bus shelter."
    let first = e
    e.notes = "A resident rang about the bus shelter."
    let second = e
    try await database.write { [time] db in
      try db.saveEngagement(first)
      _ = try db.appendEngagementChange(first, at: time, mutationID: UUID(), deviceID: "laptop-1")
    }
    let found = try await privacy.search("Bethan Lloyd", by: console)
    #expect(found.hits.map(\.engagementID) == [unrelated.storageKey])
    #expect(found.hits.first?.current == true)
    try await database.write { [time] db in
      try db.saveEngagement(second)
      _ = try db.appendEngagementChange(second, at: time, mutationID: UUID(), deviceID: "laptop-1")
    }
    let after = try await privacy.search("Bethan Lloyd", by: console)
    #expect(after.hits.first?.current == false)
    #expect(after.hits.first?.versions.count == 1)
  }

  @Test("a backlog indexed a few entries per transaction leaves nothing for the search to miss")
  func indexedInBatches() async throws {
    let head = try await database.read { try $0.headCursor() }
    var rounds = 0
    while try await database.write({ try $0.indexPersonalText(batch: 2) }) { rounds += 1 }
    // Two change-log entries per round on SQLite, each round but the last saying more remain;
    // PostgreSQL's indexes are the database's own.
    #expect(rounds == (TestEngine.isSQLite ? Int((head + 1) / 2) - 1 : 0), "head \(head)")
    let found = try await privacy.search("eira pritchard-jones", by: console)
    #expect(Set(found.hits.map(\.engagementID)) == Set([now, edited, conflicted, deleted].map(\.storageKey)))
    #expect(found.hits.first { $0.engagementID == edited.storageKey }?.current == false)
  }

  @Test("a search and an export are audited with a digest of the phrase and the ids, never the name")
  func audited() async throws {
    let found = try await privacy.search("Eira Pritchard-Jones", by: console)
    let records = try await privacy.export(
      found.hits.map(\.engagementID),
      by: Caller.server("console:dpo", rpc: "assure-server privacy export"))
    #expect(records.count == 4)
    let edited = try #require(records.first { $0.engagementID == self.edited.storageKey })
    #expect(edited.versions.count == 2)
    let conflicted = try #require(records.first { $0.engagementID == self.conflicted.storageKey })
    #expect(conflicted.conflicts.map(\.lost.value) == ["Clerk and Eira Pritchard-Jones attended."])
    let trail = try await database.read { db in try db.auditEvents(AuditQuery(actor: "console:dpo", limit: 100)) }
    #expect(trail.filter { $0.entityType == "privacy_search" }.count == 1)
    #expect(
      trail.filter { $0.rpc == "assure-server privacy export" }.map(\.entityID).sorted()
        == records.map(\.engagementID).sorted())
    for entry in trail {
      let text = [entry.entityID, entry.beforeDigest ?? "", entry.afterDigest ?? ""].joined(separator: " ")
      #expect(!text.lowercased().contains("eira") && !text.lowercased().contains("pritchard"), "\(entry)")
    }
  }

  @Test("a bad phrase or id is refused naming the field and the rule, and nothing is audited")
  func refusals() async throws {
    for (phrase, rule) in [
      ("   ", "must not be empty"), (String(repeating: "a", count: 201), "at most 200 characters"),
      ("Eira\u{1b}[2J", "control characters"), ("-- \"\" **", "a letter or a digit"),
    ] {
      await #expect(throws: ValidationError.self) { _ = try await privacy.search(phrase, by: console) }
      do {
        _ = try await privacy.search(phrase, by: console)
      } catch {
        #expect("\(error)".contains("text") && "\(error)".contains(rule), "\(error)")
      }
    }
    do {
      _ = try await privacy.export([UUID().uuidString], by: console)
      Issue.record("an unknown id was exported")
    } catch let error as StorageError {
      #expect(error.code == .notFound)
    }
    let trail = try await database.read { db in try db.auditEvents(AuditQuery(actor: "console:dpo", limit: 100)) }
    #expect(trail.isEmpty)
  }
}
