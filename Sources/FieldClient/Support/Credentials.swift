import Foundation
import Model
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// This device's sign-in, kept in the data folder as `credentials.json`, readable by its
/// owner only (0600). It holds the device token: the one secret on the device.
struct Credentials: Codable, Sendable {
  /// The server signed in to, `HOST:PORT`: the default server of later commands.
  var server: String
  var token: String
  var account: String
  var displayName: String
  var role: Role
  /// The sign-in's id on the server (for `assure-server device revoke`).
  var signInID: String
  var deviceID: String
  var issuedAt: Date
  var expiresAt: Date
  /// How to reach the server: a CA file to verify it against, TLS with the system's trust
  /// store, or (loopback or `--insecure` only) plaintext.
  var caFile: String?
  var tls: Bool
  var insecure: Bool

  static let fileName = "credentials.json"

  static func url(in dataDir: String) -> URL {
    URL(fileURLWithPath: dataDir).appendingPathComponent(fileName)
  }

  /// What this process read or wrote, by file: a command asks several times (the user name,
  /// the default server, the role check) and reads the file once.
  private static let known = Mutex<[String: Credentials?]>([:])

  /// The stored sign-in, or `nil` when the device is not signed in.
  static func load(from dataDir: String) throws -> Credentials? {
    let url = url(in: dataDir)
    if let cached = known.withLock({ $0[url.path] }) { return cached }
    try DataFolder.check(dataDir)
    var loaded: Credentials?
    if FileManager.default.fileExists(atPath: url.path) {
      do {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        loaded = try decoder.decode(Credentials.self, from: Data(contentsOf: url))
      } catch {
        throw AccessError(.unauthenticated, "cannot read \(url.path) (\(error)); sign in again with assure login")
      }
    }
    known.withLock { $0[url.path] = .some(loaded) }
    return loaded
  }

  /// Writes the file owner-only, replacing any earlier one in one step (a crash leaves the
  /// old file or the new one, never half of one).
  ///
  /// The temporary file is new (`O_EXCL`) and never a symbolic link (`O_NOFOLLOW`), with a
  /// name nobody can guess: a file or link planted in its place makes the save fail rather
  /// than write the token somewhere else. The folder must be this user's alone
  /// (`DataFolder.check`).
  func save(to dataDir: String) throws {
    let folder = URL(fileURLWithPath: dataDir)
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try DataFolder.check(dataDir)
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(self)
    let suffix = String(UInt64.random(in: .min ... .max), radix: 36)
    let temporary = folder.appendingPathComponent(".\(Self.fileName).\(getpid()).\(suffix)")
    let descriptor = Self.createNew(temporary.path)
    guard descriptor >= 0 else {
      throw AccessError(.unauthenticated, "cannot write \(temporary.path): \(String(cString: strerror(errno)))")
    }
    let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let synced = fsync(descriptor)
    close(descriptor)
    guard written == data.count, synced == 0, rename(temporary.path, Self.url(in: dataDir).path) == 0 else {
      unlink(temporary.path)
      throw AccessError(.unauthenticated, "cannot save the sign-in in \(dataDir): \(String(cString: strerror(errno)))")
    }
    // The rename is durable once the folder's entry is on disk.
    let folderDescriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
    Self.known.withLock { $0[Self.url(in: dataDir).path] = .some(self) }
  }

  /// Opens a new file for writing, owner-only: fails if anything (a file, a symbolic link) is
  /// already at `path`.
  static func createNew(_ path: String) -> Int32 {
    open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
  }

  static func remove(from dataDir: String) throws {
    let url = url(in: dataDir)
    if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
    known.withLock { $0[url.path] = .some(nil) }
  }

  /// The token, to be sent to `address` only if that is the server signed in to: a token
  /// sent anywhere else (a mistyped `--server`, an `ASSURE_SERVER` left over from another
  /// setup, a host that is not the force's) would hand that host this device's sign-in.
  ///
  /// Addresses are compared normalised (`ServerAddress`). Every command that attaches the token
  /// takes it from here; `assure login` sends a previous token only when this gives it.
  func token(for address: ServerAddress) throws -> String {
    guard let signedIn = try? ServerAddress(server), signedIn == address else {
      throw AccessError(
        .unauthenticated,
        "signed in to \(server); \(address) is another server: sign in to it first (assure login --server \(address))")
    }
    return token
  }

  /// Whether the token has passed half its life and should be exchanged for a new one.
  func refreshDue(at now: Date) -> Bool {
    now >= issuedAt.addingTimeInterval(expiresAt.timeIntervalSince(issuedAt) / 2)
  }
}

/// The device's data folder holds its token and its database: another user who can write to
/// it could replace or redirect those files. A folder writable by anyone but its owner, or
/// owned by another user, is refused.
enum DataFolder {
  /// Folders already checked by this process.
  private static let checked = Mutex<Set<String>>([])

  /// Refuses an existing data folder that is not a folder, is owned by another user, or is
  /// writable by its group or by others; a missing one is fine (it is created owner-only).
  static func check(_ path: String) throws {
    if checked.withLock({ $0.contains(path) }) { return }
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    guard FileManager.default.fileExists(atPath: resolved) else { return }
    let attributes: [FileAttributeKey: Any]
    do {
      attributes = try FileManager.default.attributesOfItem(atPath: resolved)
    } catch {
      throw AccessError(.permissionDenied, "cannot check the data folder \(path): \(error.localizedDescription)")
    }
    guard attributes[.type] as? FileAttributeType == .typeDirectory else {
      throw AccessError(.permissionDenied, "the data folder \(path) is not a folder")
    }
    let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
    guard owner == geteuid() else {
      throw AccessError(
        .permissionDenied,
        "the data folder \(path) is owned by another user (uid \(owner.map(String.init) ?? "unknown"), not \(geteuid())): "
          + "a data folder must be the user's own; use a folder of your own (--data-dir or ASSURE_HOME)")
    }
    let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
    guard mode & 0o022 == 0 else {
      throw AccessError(
        .permissionDenied,
        "the data folder \(path) is writable by other users (mode \(String(mode, radix: 8))): a data folder must be "
          + "writable by its owner only; run chmod go-w \(path) (Assure makes its folders 700)")
    }
    checked.withLock { _ = $0.insert(path) }
  }
}
