import Foundation
import Model
import PostgresNIO
import StoreTestSupport
import Stores
import Testing

@testable import PostgresStore

@Suite(.enabled(if: TestEngine.postgresAdmin != nil, "ASSURE_TEST_POSTGRES names no server"))
struct NoticeTests {
  /// The first notice `stream` gives within `seconds`, if any.
  static func next(_ stream: AsyncStream<StoreNotice>, within seconds: Int = 10) async -> StoreNotice? {
    await withTaskGroup(of: StoreNotice?.self) { group in
      group.addTask {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next()
      }
      group.addTask {
        try? await Task.sleep(for: .seconds(seconds))
        return nil
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
  }

  @Test("a plan change or a revocation committed by one server reaches the other; a rolled-back one does not")
  func noticesCrossServers() async throws {
    let location = try await TestEngine.newDatabase()
    let first = try await PostgresServerDatabase.open(location, connections: 2)
    let second = try await PostgresServerDatabase.open(location, connections: 2)
    let heard = second.notices()
    // The listener needs a moment to issue LISTEN before anything is sent.
    try await Task.sleep(for: .milliseconds(500))

    struct Undo: Error {}
    await #expect(throws: Undo.self) {
      try await first.write { db in
        try db.saveObjective(Objective(id: "9", title: "Never kept", position: 9))
        throw Undo()
      }
    }
    try await first.write { db in try db.saveObjective(Objective(id: "1", title: "Victims first", position: 1)) }
    #expect(await Self.next(heard) == .plan)

    let account = Account(name: "pcc", displayName: "PCC", role: .commissioner, createdAt: Date(), createdBy: "test")
    try await first.write { db in try db.saveAccount(account) }
    #expect(await Self.next(heard) == .accounts)
    // A refused sign-in reaches the other server, not the one that refused it.
    let mine = first.notices()
    try await Task.sleep(for: .milliseconds(500))
    await first.announceFailedSignIn(peer: "203.0.113.9")
    #expect(await Self.next(heard) == .failedSignIn(peer: "203.0.113.9"))
    #expect(await Self.next(mine, within: 1) == nil)
    // Nothing else was said: the rolled-back write sent nothing.
    #expect(await Self.next(heard, within: 1) == nil)
    await first.close()
    await second.close()
  }
}
