import Application
import Foundation
import GRDB
import Model
import SQLiteStore
import StoreTestSupport
import Stores
import Sync
import Synchronization
import TestSupport
import Testing

/// A clock a test moves by hand.
final class AccountClock: Sendable {
  private let time = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
  var now: Date { time.withLock { $0 } }
  func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// Accounts, enrolment and device tokens against a real SQLite file with a clock the test moves.
@Suite struct AccountRepositoryTests {
  let folder: TemporaryFolder
  let clock = AccountClock()
  let accounts: AccountRepository
  let admin = Caller.server("console:root", rpc: "test")

  init() async throws {
    folder = try TemporaryFolder()
    var settings = AccountSettings()
    settings.enrolmentCodeLifetime = 3600
    settings.tokenLifetime = 10 * 86_400
    settings.refreshGrace = 600
    let clock = self.clock
    accounts = AccountRepository(
      database: try await TestEngine.current.makeServerStore(in: folder), settings: settings, now: { clock.now })
  }

  func principal(_ token: String) async throws -> Principal {
    try await accounts.authenticate(token: token).get()
  }

  func refusal(_ token: String) async throws -> String? {
    if case .failure(let error) = try await accounts.authenticate(token: token) { return error.message }
    return nil
  }

  @Test("a code works once, within its life, and gives a 256-bit token whose account and device the server knows")
  func enrolment() async throws {
    let issued = try await accounts.addUser(
      name: "john.campion", displayName: "John Campion", role: .commissioner, by: admin)
    #expect(issued.code.count == 19 && issued.code.split(separator: "-").count == 4)
    // Typed in lower case without dashes, with O for 0 and I or L for 1, it still works.
    let typed = issued.code.lowercased().replacingOccurrences(of: "-", with: "")
      .replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
    let token = try await accounts.enrol(code: typed, deviceID: "laptop-1", label: "PCC laptop", rpc: "test")
    #expect(token.token.hasPrefix("assure_"))
    #expect(Data(base64Encoded: Self.base64(String(token.token.dropFirst(7))))?.count == 32)
    let who = try await principal(token.token)
    #expect(who.account.name == "john.campion" && who.account.role == .commissioner)
    #expect(who.token.deviceID == "laptop-1")

    await #expect(throws: AccessError.self) {
      _ = try await accounts.enrol(code: issued.code, deviceID: "laptop-2", label: "", rpc: "test")
    }
    let late = try await accounts.issueCode(forUser: "john.campion", by: admin)
    clock.advance(3601)
    await #expect(throws: AccessError.self) {
      _ = try await accounts.enrol(code: late.code, deviceID: "laptop-2", label: "", rpc: "test")
    }
  }

  @Test("a new code cancels an unused earlier one; bad names and roles are refused naming the field")
  func codesAndValidation() async throws {
    let first = try await accounts.addUser(name: "gov", role: .governance, by: admin)
    let second = try await accounts.issueCode(forUser: "gov", by: admin)
    await #expect(throws: AccessError.self) {
      _ = try await accounts.enrol(code: first.code, deviceID: "d", label: "", rpc: "test")
    }
    _ = try await accounts.enrol(code: second.code, deviceID: "d", label: "", rpc: "test")

    do {
      _ = try await accounts.addUser(name: "Bad Name!", role: Role(rawValue: "mayor"), by: admin)
      Issue.record("expected a validation error")
    } catch let error as ValidationError {
      #expect(error.violations.map(\.field) == ["name", "role"])
    }
    await #expect(throws: StorageError.self) { _ = try await accounts.addUser(name: "gov", role: .analyst, by: admin) }
    #expect(try await accounts.users().map(\.name) == ["gov"])
  }

  @Test("a token expires; refreshing gives a new one and the old one lasts only the grace period")
  func expiryAndRefresh() async throws {
    let code = try await accounts.addUser(name: "dpcc", role: .deputy, by: admin)
    let old = try await accounts.enrol(code: code.code, deviceID: "tablet", label: "", rpc: "test")
    clock.advance(6 * 86_400)
    let renewed = try await accounts.refresh(try await principal(old.token), by: admin)
    #expect(renewed.token != old.token)
    #expect(renewed.record.deviceID == "tablet")
    #expect(renewed.record.expiresAt == clock.now.truncatedToMilliseconds.addingTimeInterval(10 * 86_400))
    // Both work during the grace period (a call already made with the old one goes through).
    _ = try await principal(old.token)
    clock.advance(601)
    #expect(try await refusal(old.token)?.contains("expired") == true)
    _ = try await principal(renewed.token)
    clock.advance(10 * 86_400)
    #expect(try await refusal(renewed.token)?.contains("expired") == true)
  }

  @Test("revoking a device or disabling its account stops its token; signing in again on a device replaces its token")
  func revocation() async throws {
    let code = try await accounts.addUser(name: "apcc", role: .assistant, by: admin)
    let first = try await accounts.enrol(code: code.code, deviceID: "phone", label: "", rpc: "test")
    let again = try await accounts.enrol(
      code: try await accounts.issueCode(forUser: "apcc", by: admin).code, deviceID: "phone", label: "", rpc: "test")
    #expect(try await refusal(first.token)?.contains("revoked") == true)
    let other = try await accounts.enrol(
      code: try await accounts.issueCode(forUser: "apcc", by: admin).code, deviceID: "laptop", label: "", rpc: "test")
    #expect(try await accounts.devices().map(\.deviceID).sorted() == ["laptop", "phone"])

    let revoked = try await accounts.revokeDevice("phone", by: admin)
    #expect(revoked.map(\.id) == [again.record.id])
    #expect(try await refusal(again.token)?.contains("revoked") == true)
    _ = try await principal(other.token)

    _ = try await accounts.disableUser(name: "apcc", by: admin)
    #expect(try await refusal(other.token) != nil)
    #expect(try await refusal("assure_made-up")?.contains("not known") == true)
  }

  @Test("a token mints at most one new token: a second refresh in its grace period is refused")
  func refreshOnce() async throws {
    let code = try await accounts.addUser(name: "refresher", role: .deputy, by: admin)
    let old = try await accounts.enrol(code: code.code, deviceID: "tablet-r", label: "", rpc: "test")
    let caller = Caller(user: "refresher", deviceID: "tablet-r", rpc: "AccountService.RefreshToken", role: .deputy)
    clock.advance(6 * 86_400)
    let first = try await accounts.refresh(try await principal(old.token), by: caller)
    // The old token still works in its grace period, but mints nothing more.
    let stillOld = try await principal(old.token)
    do {
      _ = try await accounts.refresh(stillOld, by: caller)
      Issue.record("a second refresh of the same token was accepted")
    } catch let error as AccessError {
      #expect(error.code == .alreadyRefreshed)
    }
    #expect(try await accounts.devices(accountName: "refresher").map(\.id) == [first.record.id, old.record.id])
    // The new token refreshes in its turn.
    clock.advance(6 * 86_400)
    _ = try await accounts.refresh(try await principal(first.token), by: caller)
  }

  @Test("a sign-in id is never read as a device id: revoking by id hits that sign-in, not a device named after it")
  func revokeBySignInID() async throws {
    let victimCode = try await accounts.addUser(name: "victim", role: .commissioner, by: admin)
    let victim = try await accounts.enrol(code: victimCode.code, deviceID: "victim-laptop", label: "", rpc: "test")
    let insiderCode = try await accounts.addUser(name: "insider", role: .deputy, by: admin)
    let decoy = try await accounts.enrol(
      code: insiderCode.code, deviceID: victim.record.id.storageKey, label: "", rpc: "test")

    let revoked = try await accounts.revokeSignIn(victim.record.id.storageKey, by: admin)
    #expect(revoked.map(\.id) == [victim.record.id])
    #expect(try await refusal(victim.token)?.contains("revoked") == true)
    _ = try await principal(decoy.token)
    // The first 8 characters, as device list shows them, are enough; fewer are refused.
    let again = try await accounts.enrol(
      code: try await accounts.issueCode(forUser: "victim", by: admin).code, deviceID: "victim-laptop", label: "",
      rpc: "test")
    await #expect(throws: ValidationError.self) {
      _ = try await accounts.revokeSignIn(String(again.record.id.storageKey.prefix(7)), by: admin)
    }
    #expect(
      try await accounts.revokeSignIn(String(again.record.id.storageKey.prefix(8)), by: admin).map(\.id) == [
        again.record.id
      ])
    // Signing out revokes the caller's own sign-in only.
    let own = try await accounts.revokeOwn(try await principal(decoy.token), by: admin)
    #expect(own?.id == decoy.record.id && own?.revokedAt != nil)
  }

  @Test("device ids are unique: another account's active device id is refused and the code stays unused")
  func deviceIDsAreUnique() async throws {
    let ownerCode = try await accounts.addUser(name: "owner", role: .assistant, by: admin)
    let owner = try await accounts.enrol(code: ownerCode.code, deviceID: "laptop-7", label: "", rpc: "test")
    let intruderCode = try await accounts.addUser(name: "intruder", role: .deputy, by: admin)
    do {
      _ = try await accounts.enrol(code: intruderCode.code, deviceID: "laptop-7", label: "", rpc: "test")
      Issue.record("a device id in use by another account was accepted")
    } catch let error as AccessError {
      #expect(error.code == .deviceIDInUse)
      #expect(error.message.contains("device_id") && error.message.contains("laptop-7"))
    }
    _ = try await principal(owner.token)
    // The code was not used up: it works with a device id of its own.
    let intruder = try await accounts.enrol(code: intruderCode.code, deviceID: "laptop-8", label: "", rpc: "test")
    _ = try await principal(intruder.token)

    // The same account signing in again on the same device replaces its sign-in.
    let again = try await accounts.enrol(
      code: try await accounts.issueCode(forUser: "owner", by: admin).code, deviceID: "laptop-7", label: "", rpc: "test"
    )
    #expect(try await refusal(owner.token)?.contains("revoked") == true)

    // Another account on that same laptop: allowed when the device shows the token it holds,
    // which is then revoked.
    let handedOver = try await accounts.enrol(
      code: try await accounts.issueCode(forUser: "intruder", by: admin).code, deviceID: "laptop-7", label: "",
      rpc: "test", previousToken: again.token)
    #expect(try await refusal(again.token)?.contains("revoked") == true)
    #expect(try await principal(handedOver.token).account.name == "intruder")
    // A token of some other device proves nothing.
    await #expect(throws: AccessError.self) {
      _ = try await accounts.enrol(
        code: try await accounts.issueCode(forUser: "owner", by: admin).code, deviceID: "laptop-7", label: "",
        rpc: "test", previousToken: intruder.token)
    }
    #expect(try await accounts.devices().filter { $0.deviceID == "laptop-7" }.map(\.accountName) == ["intruder"])
  }

  @Test(
    "the database holds no code or token, only their hashes; every change is audited",
    .enabled(if: TestEngine.isSQLite, "reads the SQLite file itself"))
  func noSecretsStored() async throws {
    let code = try await accounts.addUser(name: "analyst", role: .analyst, by: admin)
    let token = try await accounts.enrol(code: code.code, deviceID: "desk", label: "", rpc: "test")
    let renewed = try await accounts.refresh(try await principal(token.token), by: admin)
    var bytes = Data()
    for suffix in ["", "-wal"] {
      bytes += (try? Data(contentsOf: URL(fileURLWithPath: accounts.database.sqlite.path + suffix))) ?? Data()
    }
    for secret in [code.code, Secret.canonicalCode(code.code), token.token, renewed.token] {
      #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is in the database file")
    }
    #expect(bytes.range(of: Data(Secret.hash(token.token).utf8)) != nil, "the hash is what is kept")
    let trail = try await accounts.audit(AuditQuery())
    #expect(trail.map(\.entityType) == ["account", "enrolment_code", "device_token", "device_token", "device_token"])
    #expect(trail.allSatisfy { $0.actor != "" && $0.rpc != "" })
  }

  static func base64(_ url: String) -> String {
    let text = url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
  }
}
