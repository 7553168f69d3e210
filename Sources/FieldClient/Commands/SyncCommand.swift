import ArgumentParser
import Foundation
import Model
import RPC
import SQLiteStore
import Stores
import Sync

struct SyncCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Push this device's queued changes to the server, then pull everything new.",
    discussion: """
      Safe to interrupt and to repeat: a change the server already has is acknowledged, not \
      applied twice. Exits 75 with "offline: N changes pending" when the server cannot be reached.

      A change the server refuses is kept aside (quarantined, see `assure status`) and the rest \
      go on. `--retry ID` (or `--retry all`) queues it again, e.g. after the server's areas were \
      fixed; `--drop ID` throws it away after asking (`--yes` to skip the question).
      """)

  @OptionGroup var options: ClientOptions
  @Flag(help: "Print nothing on success.") var quiet = false
  @Option(help: "table (text) or json.") var format: OutputFormat = .table
  @Option(help: "Seconds to wait for the server before reporting offline.") var timeout: Int = 10
  @Option(help: "Queue a refused change again (its id from `assure status`, or `all`), then sync.")
  var retry: String?
  @Option(help: "Throw away a refused change (its id from `assure status`) instead of syncing.")
  var drop: String?
  @Flag(help: "Do not ask before --drop.") var yes = false
  @Option(
    help: "Most changes sent in one push, 1 to \(SyncProtocol.maxBatchSize): fewer suit a slow or unreliable link.")
  var batchSize: Int = SyncProtocol.maxBatchSize

  func validate() throws {
    if retry != nil && drop != nil { throw ValidationError("--retry and --drop cannot be used together") }
    guard (1...SyncProtocol.maxBatchSize).contains(batchSize) else {
      throw ValidationError("--batch-size: must be between 1 and \(SyncProtocol.maxBatchSize) (got \(batchSize))")
    }
  }

  struct Summary: Encodable {
    let status: String
    let server: String
    let pushed: Int
    let duplicates: Int
    let rejected: [Rejected]
    let pulled: Int
    let pending: Int
    let cursor: Int64
    var newConflicts: Int = 0
    var rebaselined = false
    var serverRestored = false
    var resent = 0
    var redacted = 0
    let error: String?
    struct Rejected: Encodable {
      let mutationId: String
      let entityId: String
      let error: String
    }
  }

  func run() async throws {
    try await reportingErrors {
      let database = try options.openDatabase()
      if let drop {
        try await dropQuarantined(drop, repository: try options.repository())
        return
      }
      if let retry {
        let repository = try options.repository()
        let entries = try await quarantined(retry, in: database)
        for entry in entries { try await repository.retry(quarantined: entry.mutation.id) }
        if !quiet { printError("queued again: \(entries.count) refused change\(entries.count == 1 ? "" : "s")") }
      }
      _ = try options.requireCredentials()
      // One sync at a time per device: two would settle the same outbox and could move the
      // cursor back or restart a re-baseline under each other.
      let lock = try FileLock(
        path: database.path + ".sync",
        busy: "another assure sync is running for this device (\(options.resolvedDataDir)); wait for it to finish")
      defer { withExtendedLifetime(lock) {} }
      let address = try ServerAddress(options.resolvedServer)
      let showProgress = !quiet && format == .table && isatty(STDERR_FILENO) == 1
      let timeout = Duration.seconds(max(1, self.timeout))
      var report = SyncReport()
      let failure: (any Error)?
      do {
        // The connection is cancelled once the sync is over: a graceful shutdown would wait
        // for ever on a peer that accepted TCP but never spoke HTTP/2 (a captive portal, a
        // half-open link).
        failure = try await ServerSession.connectSignedIn(options) { server in
          let sync = SyncClient(
            database: database, transport: server.syncTransport(timeout: timeout), batchSize: batchSize)
          do {
            try await sync.sync(into: &report) { progress in
              guard showProgress else { return }
              switch progress {
              case .pushed(let done, let total): printError("\rpushed \(done)/\(total)\u{1B}[K")
              case .pulled(let count): printError("\rpulled \(count)\u{1B}[K")
              }
            }
            await ForceProfileCache.refresh(server: server, into: database)
            return nil
          } catch {
            return error
          }
        }
      } catch {
        failure = error
      }
      let now = Date()
      guard let error = failure else {
        try await database.write { try $0.recordSyncAttempt(server: address.description, at: now, error: nil) }
        try show(report, server: address.description)
        return
      }
      let message = (error as? SyncError)?.message ?? "\(error)"
      if let syncError = error as? SyncError, syncError.code == .deviceCloned {
        // The sign-in was the original device's: this copy signs in again as itself.
        try? Credentials.remove(from: options.resolvedDataDir)
      }
      try await database.write { try $0.recordSyncAttempt(server: address.description, at: now, error: message) }
      let (pending, cursor) = try await database.read { (try $0.pendingCount(), try $0.syncState().cursor) }
      if showProgress { printError("\r\u{1B}[K", terminator: "") }
      if let syncError = error as? SyncError, syncError.code == .offline {
        if format == .json {
          // What was done before the connection went: acknowledged batches stay acknowledged.
          try Output.json(
            Summary(
              status: "offline", server: address.description, pushed: report.pushed, duplicates: report.duplicates,
              rejected: report.rejected.map {
                .init(mutationId: $0.mutationID.uuidString.lowercased(), entityId: $0.entityID, error: $0.error)
              }, pulled: report.pulled, pending: pending, cursor: cursor, newConflicts: report.newConflicts,
              rebaselined: report.rebaselined, serverRestored: report.serverRestored, resent: report.resent,
              redacted: report.redacted, error: message))
        }
        let done =
          report.pushed + report.pulled > 0 ? " after pushing \(report.pushed) and pulling \(report.pulled)" : ""
        let why =
          message.hasPrefix("no answer in time") ? "did not answer in time: unreachable or too busy" : "unreachable"
        printError("offline: \(pending) change\(pending == 1 ? "" : "s") pending (\(address) \(why)\(done))")
        throw Exit.offline
      }
      throw error
    }
  }

  private func show(_ report: SyncReport, server: String) throws {
    if format == .json {
      try Output.json(
        Summary(
          status: "synced", server: server, pushed: report.pushed, duplicates: report.duplicates,
          rejected: report.rejected.map {
            .init(mutationId: $0.mutationID.uuidString.lowercased(), entityId: $0.entityID, error: $0.error)
          }, pulled: report.pulled, pending: report.pending, cursor: report.cursor, newConflicts: report.newConflicts,
          rebaselined: report.rebaselined, serverRestored: report.serverRestored, resent: report.resent,
          redacted: report.redacted, error: nil))
      return
    }
    for rejected in report.rejected {
      printError(
        "warning: the server refused a change to \(shown(rejected.entityID)): \(shown(rejected.error)) (kept aside; see `assure status`)"
      )
    }
    if !quiet {
      if isatty(STDERR_FILENO) == 1 { printError("\r\u{1B}[K", terminator: "") }
      Swift.print(
        "synced with \(server): pushed \(report.pushed), pulled \(report.pulled), \(report.pending) pending"
          + (report.rejected.isEmpty ? "" : ", \(report.rejected.count) refused"))
    }
    if report.serverRestored {
      printError(
        "note: the server was restored from a backup, so this device pulled everything again and sent again the \(report.resent) change\(report.resent == 1 ? "" : "s") it had sent in the last \(SyncJournal.keepDays) days (the server recognised those it still had)"
      )
    } else if report.rebaselined {
      printError(
        "note: this device was offline longer than the server keeps deletes, so it pulled everything again; its own changes were kept"
      )
    }
    if report.redacted > 0 {
      printError(
        "note: the office removed personal text from \(report.redacted) engagement\(report.redacted == 1 ? "" : "s") (an erasure, a retention period or a correction); this device's copies no longer hold it"
      )
    }
    if report.newConflicts > 0 {
      printError(
        "note: \(report.newConflicts) new conflict\(report.newConflicts == 1 ? "" : "s") (an edit met another device's); see `assure conflicts list`"
      )
    }
  }

  /// Refused outbox entries matching `text`: `all`, a full mutation id or a unique prefix.
  private func quarantined(_ text: String, in database: any DeviceStore) async throws -> [OutboxEntry] {
    let refused = try await database.read { try $0.rejectedMutations() }
    if text == "all" {
      guard !refused.isEmpty else { throw StorageError(.notFound, "no refused changes") }
      return refused
    }
    let matches = refused.filter { $0.mutation.id.storageKey.hasPrefix(text.lowercased()) }
    guard text.count >= 4, !matches.isEmpty else {
      throw StorageError(.notFound, "no refused change with an id starting \(text) (see `assure status`)")
    }
    guard matches.count == 1 else {
      throw StorageError(.ambiguous, "more than one refused change has an id starting \(text); give more characters")
    }
    return matches
  }

  private func dropQuarantined(_ text: String, repository: FieldRepository) async throws {
    guard text != "all" else { throw StorageError(.ambiguous, "--drop takes one change at a time") }
    let entry = try await quarantined(text, in: repository.database)[0]
    let m = entry.mutation
    let what =
      m.entityType == .conflict
      ? "the resolution of conflict \(m.entityID)"
      : m.operation == .delete
        ? "the delete of engagement \(m.entityID)"
        : m.isCreation
          ? "the new engagement \(m.entityID) (\(shown(m.engagement?.organisation ?? ""))): it will be removed from this device"
          : "the edit of \(m.changedFields.map(\.label).joined(separator: ", ")) on engagement \(m.entityID)"
    if !yes {
      guard isatty(STDIN_FILENO) == 1 else {
        throw StorageError(.ambiguous, "--drop asks for confirmation: run it on a terminal or add --yes")
      }
      printError("drop \(what)?\nrefused because: \(shown(entry.error ?? "?"))\nType yes to drop it: ", terminator: "")
      guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
        printError("kept; nothing changed")
        return
      }
    }
    _ = try await repository.drop(quarantined: m.id)
    print("dropped \(m.id.storageKey.prefix(8)): \(what)")
  }
}

private func printError(_ text: String, terminator: String) {
  FileHandle.standardError.write(Data((text + terminator).utf8))
}
