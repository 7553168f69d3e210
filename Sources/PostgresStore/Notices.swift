import Logging
import PostgresNIO
public import Stores
import Synchronization

/// Those waiting for notices, and the task that listens for them on one connection of its own.
final class NoticeListeners: Sendable {
  private struct State {
    var continuations: [Int: AsyncStream<StoreNotice>.Continuation] = [:]
    var next = 0
    var listening: Task<Void, Never>?
    var finished = false
  }
  private let state = Mutex(State())

  func add(_ continuation: AsyncStream<StoreNotice>.Continuation, start: () -> Task<Void, Never>) {
    let id: Int? = state.withLock { state in
      guard !state.finished else { return nil }
      let id = state.next
      state.next += 1
      state.continuations[id] = continuation
      if state.listening == nil { state.listening = start() }
      return id
    }
    guard let id else {
      continuation.finish()
      return
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.continuations.removeValue(forKey: id) }
    }
  }

  func send(_ notice: StoreNotice) {
    for continuation in state.withLock({ Array($0.continuations.values) }) { continuation.yield(notice) }
  }

  func finish() {
    let (continuations, task) = state.withLock { state in
      state.finished = true
      defer { state.continuations = [:] }
      return (Array(state.continuations.values), state.listening)
    }
    task?.cancel()
    for continuation in continuations { continuation.finish() }
  }
}

extension PostgresServerDatabase: SharedStore {
  /// Notices from every server on the database, read on one connection held for the purpose
  /// (LISTEN/NOTIFY). The connection is opened again after a failure, every kind of notice
  /// sent then since some may have been missed.
  public func notices() -> AsyncStream<StoreNotice> {
    let (stream, continuation) = AsyncStream.makeStream(of: StoreNotice.self)
    listeners.add(continuation) {
      Task { [client, listeners, logger, instance] in
        var failed = false
        while !Task.isCancelled {
          do {
            try await client.withConnection { connection in
              try await connection.listen(on: Self.noticeChannel) { notifications in
                if failed {
                  for notice in StoreNotice.invalidations { listeners.send(notice) }
                  failed = false
                }
                for try await notification in notifications {
                  // A server's own refusals are counted where they happen.
                  if let notice = NoticePayload.notice(notification.payload, ignoringFrom: instance) {
                    listeners.send(notice)
                  }
                }
              }
            }
          } catch {
            if Task.isCancelled { break }
            failed = true
            logger.warning(
              "lost the connection that hears other servers' changes; retrying",
              metadata: ["error": "\(Self.describeConnection(error))"])
            try? await Task.sleep(for: .seconds(1))
          }
        }
      }
    }
    return stream
  }
}

extension PostgresServerDatabase {
  public func announceFailedSignIn(peer: String) async {
    let payload = NoticePayload.text(.failedSignIn(peer: peer), from: instance)
    do {
      _ = try await Self.run(client: client, threads: threads, logger: logger) { session in
        try session.execute("SELECT pg_notify(\(Self.noticeChannel), \(payload))")
      }
    } catch {
      logger.warning(
        "could not tell the other servers of a failed sign-in", metadata: ["error": "\(Self.describeConnection(error))"]
      )
    }
  }
}

/// A notice as the channel carries it: `plan`, `accounts`, or `signin-failed INSTANCE PEER`.
enum NoticePayload {
  static func text(_ notice: StoreNotice, from instance: String) -> String {
    switch notice {
    case .plan: "plan"
    case .accounts: "accounts"
    case .failedSignIn(let peer): "signin-failed \(instance) \(peer)"
    }
  }

  /// The notice in `text`, unless it is a refusal this instance announced itself.
  static func notice(_ text: String, ignoringFrom instance: String) -> StoreNotice? {
    switch text {
    case "plan": return .plan
    case "accounts": return .accounts
    default:
      let parts = text.split(separator: " ", maxSplits: 2).map(String.init)
      guard parts.count == 3, parts[0] == "signin-failed", parts[1] != instance, !parts[2].isEmpty else { return nil }
      return .failedSignIn(peer: parts[2])
    }
  }
}
