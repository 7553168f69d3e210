import ArgumentParser
import Foundation
import Model
import RPC
import SQLiteStore
import Stores
import Sync

/// `assure login`: exchanges a one-time sign-in code for this device's token.
struct LoginCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "login",
    abstract: "Sign this device in with a one-time code from an administrator.",
    discussion: """
      The code is exchanged for a device token, kept in the data folder (credentials.json, \
      readable by you only). The server becomes this device's default. The connection uses \
      TLS, verified against --ca or the system's trust store, for every server that is not on \
      this machine; --insecure allows plaintext to such a server (never do this across a \
      network you do not control).
      """)

  @OptionGroup var options: ClientOptions
  @Option(help: "The one-time code (dashes and case do not matter).") var code: String
  @Flag(help: "Use TLS even to a server on this machine (verified against --ca or the system's trust store).")
  var tls = false
  @Flag(help: "Plaintext to a server that is not on this machine.") var insecure = false
  @Option(help: "What this device is called in the server's device list (default: its host name).") var label: String?
  @Flag(help: "Sign in as another user even though changes recorded by the current one are pending.") var force = false

  func validate() throws {
    if insecure && (tls || options.resolvedCA != nil) {
      throw ValidationError("--insecure cannot go with --tls or --ca")
    }
    if let ca = options.resolvedCA, !FileManager.default.isReadableFile(atPath: ca) {
      throw ValidationError("--ca: cannot read \(ca)")
    }
  }

  func run() async throws {
    try await reportingErrors {
      let database = try options.openDatabase()
      let (deviceID, pending) = try await database.write { db in (try db.syncState().deviceID, try db.pendingCount()) }
      let previous = try Credentials.load(from: options.resolvedDataDir)
      let address = try ServerAddress(options.resolvedServer)
      let caFile = options.resolvedCA.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
      let security = ConnectionSecurity.choose(for: address, caFile: caFile, tls: tls, insecure: insecure)
      let label = self.label ?? ProcessInfo.processInfo.hostName
      let issued: IssuedSignIn
      do {
        issued = try await ServerSession.connect(to: address, security: security, timeout: .seconds(20)) { server in
          // Device ids are unique among the server's active sign-ins: signing this device in
          // as another account, it proves it holds the current sign-in, which the server then
          // revokes. Not while the current user's changes are pending (unless --force), and
          // never to another server than the one it was issued by.
          var previousToken: String?
          if pending == 0 || force { previousToken = try? previous?.token(for: address) }
          return try await server.enrol(
            code: code, deviceID: deviceID, label: String(label.prefix(DeviceToken.maxLabelLength)),
            previousToken: previousToken)
        }
      } catch let error as StorageError where error.code == .alreadyExists {
        if let previous, pending > 0, !force {
          throw AccessError(
            .permissionDenied,
            "\(pending) change\(pending == 1 ? "" : "s") recorded by \(previous.account) \(pending == 1 ? "is" : "are") not yet on the server: sync them first, or give --force (they will be sent as the new user)"
          )
        }
        throw error
      }
      if let previous, previous.account != issued.account.name, pending > 0, !force {
        throw AccessError(
          .permissionDenied,
          "\(pending) change\(pending == 1 ? "" : "s") recorded by \(previous.account) \(pending == 1 ? "is" : "are") not yet on the server: sync them first, or give --force (they will be sent as \(issued.account.name))"
        )
      }
      let credentials = Credentials(
        server: address.description, token: issued.token, account: issued.account.name,
        displayName: issued.account.displayName, role: issued.account.role,
        signInID: issued.signIn.id.uuidString.lowercased(), deviceID: deviceID, issuedAt: issued.signIn.createdAt,
        expiresAt: issued.signIn.expiresAt, caFile: caFile, tls: tls, insecure: insecure)
      try credentials.save(to: options.resolvedDataDir)
      let scheme = security == .plaintext ? "plaintext" : "TLS"
      print(
        "signed in as \(credentials.account) (\(credentials.role.rawValue)) to \(address) over \(scheme); the sign-in lasts until \(credentials.expiresAt.formatted(.iso8601)) and renews itself when used"
      )
      // The force's areas and plan come with the sign-in, so that what is recorded next,
      // offline too, is checked against this force's lists. Changes already queued stay
      // queued for `assure sync`; a failed pull leaves the sign-in in place.
      do {
        let pulled = try await ServerSession.connectSignedIn(options) { server in
          let report = try await SyncClient(database: database, transport: server.syncTransport(timeout: .seconds(60)))
            .pullOnly()
          await ForceProfileCache.refresh(server: server, into: database)
          return report
        }
        let (areas, objectives) = try await database.read { (try $0.areas().count, try $0.objectives().count) }
        print(
          "received the force's \(areas) area\(areas == 1 ? "" : "s") and \(objectives) objective\(objectives == 1 ? "" : "s") (\(pulled.pulled) change\(pulled.pulled == 1 ? "" : "s") pulled)"
        )
      } catch {
        printError("warning: could not fetch the force's areas and plan now (\(error)); assure sync fetches them")
      }
    }
  }
}

/// `assure logout`: forgets this device's sign-in, and with `--wipe` its data.
struct LogoutCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logout",
    abstract: "Sign this device out (the server revokes its token when it can be reached).",
    discussion: """
      Refuses while changes recorded here are not yet on the server (pending or refused), \
      unless --force. --wipe also deletes this device's local database.
      """)

  @OptionGroup var options: ClientOptions
  @Flag(help: "Sign out even though changes are not yet on the server.") var force = false
  @Flag(help: "Also delete this device's local data (engagements, queue, plan copy).") var wipe = false

  func run() async throws {
    try await reportingErrors {
      let dataDir = options.resolvedDataDir
      let databasePath = URL(fileURLWithPath: dataDir).appendingPathComponent("assure.sqlite").path
      var unsynced = 0
      if FileManager.default.fileExists(atPath: databasePath) {
        let database = try options.openDatabase()
        unsynced = try await database.read { db in try db.pendingCount() + db.rejectedMutations().count }
      }
      if unsynced > 0 && !force {
        throw AccessError(
          .permissionDenied,
          "\(unsynced) change\(unsynced == 1 ? " is" : "s are") not yet on the server: run assure sync first (see assure status), or give --force\(wipe ? " to lose \(unsynced == 1 ? "it" : "them")" : "")"
        )
      }
      if let credentials = try? Credentials.load(from: dataDir) {
        // Revoke on the server if it answers quickly; the local copy goes either way. The
        // token goes only to the server signed in to.
        let address = try ServerAddress(options.resolvedServer)
        let otherServer = (try? credentials.token(for: address)) == nil
        let revoked: Bool = await {
          if otherServer { return false }
          do {
            return try await ServerSession.connectSignedIn(options, timeout: .seconds(5)) { server in
              try await server.signOut()
              return true
            }
          } catch {
            return false
          }
        }()
        try Credentials.remove(from: dataDir)
        print(
          "signed out \(credentials.account)"
            + (revoked
              ? "; the server revoked this device's token"
              : otherServer
                ? "; the token was not sent to \(address), which is not the server signed in to (\(credentials.server)): ask an administrator to revoke sign-in \(credentials.signInID.prefix(8))"
                : "; the server could not be reached: ask an administrator to revoke sign-in \(credentials.signInID.prefix(8))")
        )
      } else {
        print("this device was not signed in")
      }
      if wipe {
        let failed = DeviceWipe.deleteDatabase(in: dataDir)
        guard failed.isEmpty else {
          throw StorageError(.unavailable, "could not delete \(failed.joined(separator: ", "))")
        }
        print("deleted this device's data in \(dataDir)")
      }
    }
  }
}

/// `assure whoami`: the signed-in account, as the server sees it when it can be reached.
struct WhoAmICommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "whoami", abstract: "Show who this device is signed in as.")

  @OptionGroup var options: ClientOptions
  @Option(help: "table or json.") var format: OutputFormat = .table

  struct Summary: Encodable {
    let account: String
    let displayName: String
    let role: String
    let server: String
    let deviceId: String
    let signIn: String
    let expiresAt: Date
    let checkedWithServer: Bool
  }

  func run() async throws {
    try await reportingErrors {
      var credentials = try options.requireCredentials()
      var checked = false
      do {
        let current = try await ServerSession.connectSignedIn(options, timeout: .seconds(5)) { server in
          try await server.whoAmI()
        }
        credentials.role = current.account.role
        credentials.expiresAt = current.signIn.expiresAt
        checked = true
      } catch let error as AccessError where error.code != .tooManyAttempts {
        // The server refused the sign-in or the role; or this is another server than the one
        // signed in to, and nothing was sent.
        throw error
      } catch {
        // Offline: what this device knows.
      }
      let summary = Summary(
        account: credentials.account, displayName: credentials.displayName, role: credentials.role.rawValue,
        server: credentials.server, deviceId: credentials.deviceID, signIn: credentials.signInID,
        expiresAt: credentials.expiresAt, checkedWithServer: checked)
      if format == .json {
        try Output.json(summary)
        return
      }
      let text = { (value: String) in DisplayText.escaped(value) }
      print(
        "\(text(summary.account)) (\(text(summary.role))) on \(text(summary.server))\(checked ? "" : " (not checked: server unreachable)")"
      )
      print(
        "device \(text(summary.deviceId)), sign-in \(text(String(summary.signIn.prefix(8)))), until \(summary.expiresAt.formatted(.iso8601))"
      )
    }
  }
}
