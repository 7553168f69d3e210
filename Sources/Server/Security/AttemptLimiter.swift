import Foundation
import Logging
import Synchronization
import Web

/// Failed sign-in attempts (bad enrolment codes, unknown or revoked tokens) by network
/// address: after `slowAfter` failures in `window`, each further answer is delayed; after
/// `blockAfter`, the address is refused everything for `blockFor`.
///
/// An attempt is counted before it is evaluated (`begin`), not when its failure is known: a
/// client that sends many guesses at once (pipelined on one connection) has at most
/// `blockAfter` of them evaluated, however fast it sends them. An attempt that succeeds gives
/// its place back (`succeeded`); one that fails keeps it as a failure (`failed`).
final class AttemptLimiter: Sendable {
  struct Settings: Sendable, Hashable {
    var window: Duration = .seconds(15 * 60)
    var slowAfter = 5
    var blockAfter = 20
    var blockFor: Duration = .seconds(15 * 60)
    /// Added per failure past `slowAfter`, up to `maxDelay`.
    var delayStep: Duration = .milliseconds(500)
    var maxDelay: Duration = .seconds(5)
    /// How long an attempt waits for a place while the address's attempts in flight fill
    /// them (`admit`), before it is refused as one of too many at once.
    var admissionWait: Duration = .seconds(5)
  }

  /// Whether an attempt may be evaluated.
  enum Admission: Equatable {
    case admitted
    /// The address is shut out after too many failures.
    case blocked
    /// So many of the address's attempts are being evaluated that, were they all to fail,
    /// it would reach the block: wait for them.
    case tooManyInFlight
  }

  private struct Record {
    var failures: [ContinuousClock.Instant] = []
    var blockedUntil: ContinuousClock.Instant?
    /// Attempts admitted and not yet known to have succeeded or failed.
    var inFlight = 0
  }

  let settings: Settings
  private let logger: Logger
  /// Tells the other servers on a shared store of each failure here (set when there are any).
  private let share = Mutex<(@Sendable (String) -> Void)?>(nil)

  /// Failures here are announced through `announce` from now on.
  func share(with announce: @escaping @Sendable (String) -> Void) {
    share.withLock { $0 = announce }
  }
  private let records = Mutex<[String: Record]>([:])
  /// Addresses refused until some time; read on every call without taking the lock.
  private let blocked = Atomic<Int>(0)

  /// Whether any address is (or was recently) refused: when not, no call needs its address
  /// looked up.
  var isBlocking: Bool { blocked.load(ordering: .relaxed) > 0 }

  init(settings: Settings = .init(), logger: Logger = Logger(label: "assure-server")) {
    self.settings = settings
    self.logger = logger
  }

  /// When `peer` is refused until, if it is.
  func blockedUntil(_ peer: String, now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant? {
    records.withLock { records in
      guard let until = records[peer]?.blockedUntil else { return nil }
      if until <= now {
        records[peer]?.blockedUntil = nil
        records[peer]?.failures.removeAll()
        if records[peer]?.inFlight == 0 { records[peer] = nil }
        blocked.subtract(1, ordering: .relaxed)
        return nil
      }
      return until
    }
  }

  /// Counts an attempt from `peer` before it is evaluated: admitted only while the address's
  /// recent failures and the attempts still being evaluated stay under `blockAfter`. Each
  /// admitted attempt must end in `succeeded` or `failed`.
  func begin(_ peer: String, now: ContinuousClock.Instant = .now) -> Admission {
    if blockedUntil(peer, now: now) != nil { return .blocked }
    return records.withLock { records in
      var record = records[peer] ?? Record()
      record.failures.removeAll { now - $0 > settings.window }
      guard record.failures.count + record.inFlight < settings.blockAfter else {
        records[peer] = record
        return .tooManyInFlight
      }
      record.inFlight += 1
      if records.count > 100_000, records[peer] == nil, Self.forgetIdle(&records) {
        blocked.store(0, ordering: .relaxed)
      }
      records[peer] = record
      return .admitted
    }
  }

  /// `begin`, waiting (up to `admissionWait`) for a place while the address's attempts in flight fill
  /// them: a burst of good tokens from one address (many devices behind one gateway, all
  /// unknown to the cache) is checked in turn rather than refused, and guesses still get no
  /// more places than the limit.
  func admit(_ peer: String) async -> Admission {
    let deadline = ContinuousClock.now + settings.admissionWait
    while true {
      let admission = begin(peer)
      guard admission == .tooManyInFlight, ContinuousClock.now < deadline else { return admission }
      do { try await Task.sleep(for: .milliseconds(20)) } catch { return admission }
    }
  }

  /// An admitted attempt succeeded: its place is free again.
  func succeeded(_ peer: String) {
    records.withLock { records in
      guard var record = records[peer] else { return }
      record.inFlight = max(0, record.inFlight - 1)
      if record.inFlight == 0, record.failures.isEmpty, record.blockedUntil == nil {
        records[peer] = nil
      } else {
        records[peer] = record
      }
    }
  }

  /// An admitted attempt failed (`reason` says how, for the log): counts it and returns how
  /// long to wait before answering. Logged at `notice`, as is the block it may start.
  func failed(_ peer: String, rpc: String, reason: String, now: ContinuousClock.Instant = .now) -> Duration {
    share.withLock { $0 }?(peer)
    let (count, startedBlock) = count(peer, now: now, inFlight: true)
    logger.notice(
      "failed sign-in",
      metadata: ["peer": "\(peer)", "rpc": "\(rpc)", "reason": "\(reason)", "failures": "\(count)"])
    noteBlock(peer, count: count, started: startedBlock)
    guard count > settings.slowAfter else { return .zero }
    return min(settings.delayStep * (count - settings.slowAfter), settings.maxDelay)
  }

  /// A sign-in from `peer` that another server on the same store refused: it counts towards the
  /// limits here as one of this server's own would (no delay: nobody here is waiting).
  func failedElsewhere(_ peer: String, now: ContinuousClock.Instant = .now) {
    let (count, startedBlock) = count(peer, now: now, inFlight: false)
    noteBlock(peer, count: count, started: startedBlock)
  }

  private func noteBlock(_ peer: String, count: Int, started: Bool) {
    guard started else { return }
    logger.notice(
      "address blocked after too many failed sign-ins",
      metadata: [
        "peer": "\(peer)", "failures": "\(count)", "blocked_seconds": "\(settings.blockFor.components.seconds)",
      ])
  }

  /// Records one failure of `peer` (ending one of its calls in flight when `inFlight`); returns
  /// the failures in the window and whether this one started a block.
  private func count(_ peer: String, now: ContinuousClock.Instant, inFlight: Bool) -> (Int, Bool) {
    records.withLock { records in
      var record = records[peer] ?? Record()
      if inFlight { record.inFlight = max(0, record.inFlight - 1) }
      record.failures.removeAll { now - $0 > settings.window }
      record.failures.append(now)
      let count = record.failures.count
      var startedBlock = false
      if count >= settings.blockAfter {
        if record.blockedUntil == nil {
          blocked.add(1, ordering: .relaxed)
          startedBlock = true
        }
        record.blockedUntil = now + settings.blockFor
      }
      records[peer] = record
      return (count, startedBlock)
    }
  }

  /// Keeps the table bounded: forgets addresses with nothing in flight and no block, and
  /// everything if that is not enough (returns `true` then: no address is blocked any more).
  private static func forgetIdle(_ records: inout [String: Record]) -> Bool {
    records = records.filter { $0.value.inFlight > 0 || $0.value.blockedUntil != nil }
    guard records.count > 100_000 else { return false }
    records.removeAll()
    return true
  }

  /// The address part of a gRPC peer (`ipv4:127.0.0.1:5000` → `127.0.0.1`).
  static func address(of peer: String) -> String {
    var text = Substring(peer)
    for prefix in ["ipv4:", "ipv6:", "unix:"] where text.hasPrefix(prefix) { text = text.dropFirst(prefix.count) }
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      return String(text[text.index(after: text.startIndex)..<close])
    }
    if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon { return String(text[..<colon]) }
    return String(text)
  }
}

/// The web portal's sign-ins count against the same limit as the gRPC ones.
extension AttemptLimiter: SignInLimiter {
  func admitAttempt(from address: String) async -> String? {
    let admission = await admit(address)
    switch admission {
    case .admitted: return nil
    case .blocked:
      return "too many failed sign-in attempts from \(address): refused for up to "
        + "\(settings.blockFor.components.seconds / 60) minutes"
    case .tooManyInFlight:
      return "too many sign-in attempts from \(address) are being checked at once: try again in a moment"
    }
  }

  func attemptSucceeded(from address: String) { succeeded(address) }

  func attemptFailed(from address: String, reason: String) -> Duration {
    failed(address, rpc: "Portal", reason: reason)
  }
}
