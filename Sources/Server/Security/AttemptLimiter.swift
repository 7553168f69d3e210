import Foundation
import Synchronization

/// Failed sign-in attempts (bad enrolment codes, unknown or revoked tokens) by network
/// address: after `slowAfter` failures in `window`, each further answer is delayed; after
/// `blockAfter`, the address is refused everything for `blockFor`.
final class AttemptLimiter: Sendable {
  struct Settings: Sendable, Hashable {
    var window: Duration = .seconds(15 * 60)
    var slowAfter = 5
    var blockAfter = 20
    var blockFor: Duration = .seconds(15 * 60)
    /// Added per failure past `slowAfter`, up to `maxDelay`.
    var delayStep: Duration = .milliseconds(500)
    var maxDelay: Duration = .seconds(5)
  }

  private struct Record {
    var failures: [ContinuousClock.Instant] = []
    var blockedUntil: ContinuousClock.Instant?
  }

  let settings: Settings
  private let records = Mutex<[String: Record]>([:])
  /// Addresses refused until some time; read on every call without taking the lock.
  private let blocked = Atomic<Int>(0)

  /// Whether any address is (or was recently) refused: when not, no call needs its address
  /// looked up.
  var isBlocking: Bool { blocked.load(ordering: .relaxed) > 0 }

  init(settings: Settings = .init()) {
    self.settings = settings
  }

  /// When `peer` is refused until, if it is.
  func blockedUntil(_ peer: String, now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant? {
    records.withLock { records in
      guard let until = records[peer]?.blockedUntil else { return nil }
      if until <= now {
        records[peer] = nil
        blocked.subtract(1, ordering: .relaxed)
        return nil
      }
      return until
    }
  }

  /// Counts a failure from `peer` and returns how long to wait before answering.
  func recordFailure(_ peer: String, now: ContinuousClock.Instant = .now) -> Duration {
    records.withLock { records in
      var record = records[peer] ?? Record()
      record.failures.removeAll { now - $0 > settings.window }
      record.failures.append(now)
      let count = record.failures.count
      if count >= settings.blockAfter {
        if record.blockedUntil == nil { blocked.add(1, ordering: .relaxed) }
        record.blockedUntil = now + settings.blockFor
      }
      if records.count > 100_000 {
        records.removeAll()
        blocked.store(0, ordering: .relaxed)
      }
      records[peer] = record
      guard count > settings.slowAfter else { return .zero }
      return min(settings.delayStep * (count - settings.slowAfter), settings.maxDelay)
    }
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
