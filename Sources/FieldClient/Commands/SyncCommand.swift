import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Model
import RPC
import Storage
import Sync

struct SyncCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Push this device's queued changes to the server, then pull everything new.",
    discussion: """
      Safe to interrupt and to repeat: a change the server already has is acknowledged, not \
      applied twice. Exits 75 with "offline: N changes pending" when the server cannot be reached.
      """)

  @OptionGroup var options: ClientOptions
  @Flag(help: "Print nothing on success.") var quiet = false
  @Option(help: "table (text) or json.") var format: OutputFormat = .table
  @Option(help: "Seconds to wait for the server before reporting offline.") var timeout: Int = 10

  struct Summary: Encodable {
    let status: String
    let server: String
    let pushed: Int
    let duplicates: Int
    let rejected: [Rejected]
    let pulled: Int
    let pending: Int
    let cursor: Int64
    let error: String?
    struct Rejected: Encodable { let mutationId: String; let entityId: String; let error: String }
  }

  func run() async throws {
    try await reportingErrors {
      let database = try options.openDatabase()
      let address = try ServerAddress(options.resolvedServer)
      let showProgress = !quiet && format == .table && isatty(STDERR_FILENO) == 1
      let timeout = Duration.seconds(max(1, self.timeout))
      let outcome: Result<SyncReport, any Error>
      switch address.resolve() {
      case .failure(let error):
        outcome = .failure(error)
      case .success(let target):
        let client = GRPCClient(
          transport: try HTTP2ClientTransport.Posix(target: target, transportSecurity: .plaintext))
        // The connection runs in a child task that is cancelled once the sync is over: a
        // graceful shutdown would wait for ever on a peer that accepted TCP but never spoke
        // HTTP/2 (a captive portal, a half-open link).
        outcome = try await withThrowingTaskGroup(of: Void.self) { group in
          group.addTask { try await client.runConnections() }
          defer { group.cancelAll() }
          let sync = SyncClient(database: database, transport: GRPCSyncTransport(client: client, timeout: timeout))
          do {
            return .success(
              try await sync.sync { progress in
                guard showProgress else { return }
                switch progress {
                case .pushed(let done, let total): printError("\rpushed \(done)/\(total)\u{1B}[K")
                case .pulled(let count): printError("\rpulled \(count)\u{1B}[K")
                }
              })
          } catch {
            return .failure(error)
          }
        }
      }
      let now = Date()
      switch outcome {
      case .success(let report):
        try await database.write { try $0.recordSyncAttempt(server: address.description, at: now, error: nil) }
        try show(report, server: address.description)
      case .failure(let error):
        let message = (error as? SyncError)?.message ?? "\(error)"
        try await database.write { try $0.recordSyncAttempt(server: address.description, at: now, error: message) }
        let pending = try await database.read { try $0.pendingCount() }
        if let syncError = error as? SyncError, syncError.code == .offline {
          if format == .json {
            try Output.json(
              Summary(status: "offline", server: address.description, pushed: 0, duplicates: 0, rejected: [],
                      pulled: 0, pending: pending, cursor: 0, error: message))
          }
          printError("offline: \(pending) change\(pending == 1 ? "" : "s") pending (\(address) unreachable)")
          throw Exit.offline
        }
        throw error
      }
    }
  }

  private func show(_ report: SyncReport, server: String) throws {
    if format == .json {
      try Output.json(
        Summary(
          status: "synced", server: server, pushed: report.pushed, duplicates: report.duplicates,
          rejected: report.rejected.map {
            .init(mutationId: $0.mutationID.uuidString.lowercased(), entityId: $0.entityID, error: $0.error)
          }, pulled: report.pulled, pending: report.pending, cursor: report.cursor, error: nil))
      return
    }
    for rejected in report.rejected {
      printError("warning: the server refused a change to \(rejected.entityID): \(rejected.error) (kept aside; see `assure status`)")
    }
    if !quiet {
      if isatty(STDERR_FILENO) == 1 { printError("\r\u{1B}[K", terminator: "") }
      Swift.print(
        "synced with \(server): pushed \(report.pushed), pulled \(report.pulled), \(report.pending) pending"
          + (report.rejected.isEmpty ? "" : ", \(report.rejected.count) refused"))
    }
  }
}

private func printError(_ text: String, terminator: String) {
  FileHandle.standardError.write(Data((text + terminator).utf8))
}
