import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Stores

struct StatusCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Show what is waiting to sync, what the server refused, and when this device last synced.")

  @OptionGroup var options: ClientOptions
  @Option(help: "table or json.") var format: OutputFormat = .table

  struct Status: Encodable {
    let server: String
    let dataDir: String
    let deviceId: String
    /// The signed-in account and role, `nil` when the device is not signed in.
    let signedInAs: String?
    let role: String?
    let signInExpiresAt: Date?
    let pending: Int
    let quarantined: [Quarantined]
    let conflicts: Int
    let lastSyncAt: Date?
    let lastAttemptAt: Date?
    let lastError: String?
    let cursor: Int64
    let engagements: Int
    let objectives: Int
    let elements: Int
    struct Quarantined: Encodable {
      let mutationId: String
      let entityId: String
      let operation: String
      let error: String
    }

    private enum CodingKeys: String, CodingKey {
      case server, dataDir, deviceId, signedInAs, role, signInExpiresAt, pending, quarantined, conflicts, lastSyncAt,
        lastAttemptAt, lastError, cursor
      case engagements, objectives, elements
    }

    /// Absent values are written as `null`, so scripts can rely on every key being there.
    func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(server, forKey: .server)
      try c.encode(dataDir, forKey: .dataDir)
      try c.encode(deviceId, forKey: .deviceId)
      try c.encode(signedInAs, forKey: .signedInAs)
      try c.encode(role, forKey: .role)
      try c.encode(signInExpiresAt, forKey: .signInExpiresAt)
      try c.encode(pending, forKey: .pending)
      try c.encode(quarantined, forKey: .quarantined)
      try c.encode(conflicts, forKey: .conflicts)
      try c.encode(lastSyncAt, forKey: .lastSyncAt)
      try c.encode(lastAttemptAt, forKey: .lastAttemptAt)
      try c.encode(lastError, forKey: .lastError)
      try c.encode(cursor, forKey: .cursor)
      try c.encode(engagements, forKey: .engagements)
      try c.encode(objectives, forKey: .objectives)
      try c.encode(elements, forKey: .elements)
    }
  }

  func run() async throws {
    try await reportingErrors {
      let database = try options.openDatabase()
      let credentials = try? Credentials.load(from: options.resolvedDataDir)
      let status = try await database.write { db in
        let state = try db.syncState()
        return Status(
          server: options.resolvedServer, dataDir: options.resolvedDataDir, deviceId: state.deviceID,
          signedInAs: credentials?.account, role: credentials?.role.rawValue, signInExpiresAt: credentials?.expiresAt,
          pending: try db.pendingCount(),
          quarantined: try db.rejectedMutations().map {
            .init(
              mutationId: $0.mutation.id.storageKey, entityId: $0.mutation.entityID,
              operation: $0.mutation.operation.rawValue, error: $0.error ?? "")
          },
          conflicts: try db.unresolvedConflictCount(),
          lastSyncAt: state.lastSyncAt, lastAttemptAt: state.lastAttemptAt, lastError: state.lastError,
          cursor: state.cursor, engagements: try db.engagementCount(matching: EngagementQuery()),
          objectives: try db.objectives().count, elements: try db.elements().count)
      }
      if format == .json {
        try Output.json(status)
        return
      }
      func when(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "never" }
      // Stored text (a device id, a server's error message) is escaped as in a table.
      let text = { (value: String) in DisplayText.escaped(value) }
      print("server:        \(text(status.server))")
      print("data:          \(text(status.dataDir))")
      print("device:        \(text(status.deviceId))")
      print(
        "signed in:     "
          + (status.signedInAs.map { "\(text($0)) (\(text(status.role ?? "?"))) until \(when(status.signInExpiresAt))" }
            ?? "no (assure login --server HOST:PORT --code CODE)"))
      print("pending:       \(status.pending) change\(status.pending == 1 ? "" : "s") waiting to sync")
      print(
        "quarantined:   \(status.quarantined.count)"
          + (status.quarantined.isEmpty
            ? "" : " refused by the server, kept aside (`assure sync --retry ID` or `--drop ID`)"))
      for q in status.quarantined {
        print("  \(q.mutationId.prefix(8))  \(q.operation) \(text(q.entityId)): \(text(q.error))")
      }
      print(
        "conflicts:     \(status.conflicts) unresolved" + (status.conflicts == 0 ? "" : " (`assure conflicts list`)"))
      print("last sync:     \(when(status.lastSyncAt))")
      if let error = status.lastError { print("last error:    \(text(error)) (at \(when(status.lastAttemptAt)))") }
      print("engagements:   \(status.engagements) on this device")
      print("plan:          \(status.objectives) objectives, \(status.elements) elements cached")
    }
  }
}
