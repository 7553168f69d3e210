import ArgumentParser
import Foundation
import Model
import SQLiteStore
import Sync
import Synchronization

/// Documented exit codes (sysexits.h where one fits).
enum Exit {
  static let failure = ExitCode(1)
  /// Bad data: nothing was stored.
  static let invalidData = ExitCode(65)
  /// The server could not be reached; everything stays queued.
  static let offline = ExitCode(75)
  /// Not signed in, or the server refused the sign-in or the role (EX_NOPERM).
  static let noPermission = ExitCode(77)
}

/// Prints a line to standard error.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs a command body, turning domain errors into messages and documented exit codes.
func reportingErrors(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as Model.ValidationError {
    printError("error: invalid data, nothing was stored:")
    for violation in error.violations { printError("  \(shown(violation.field)): \(shown(violation.rule))") }
    throw Exit.invalidData
  } catch let error as StorageError {
    printError("error: \(shown(error.message))")
    throw error.code == .ambiguous ? Exit.invalidData : Exit.failure
  } catch let error as AccessError where error.code == .wipeRequested {
    printError("error: \(shown(error.message))")
    printError(DeviceWipe.perform())
    throw Exit.noPermission
  } catch let error as AccessError {
    printError("error: \(shown(error.message))")
    throw Exit.noPermission
  } catch let error as SyncError where error.code == .deviceCloned {
    // The copy has its own device id now and must sign in as itself.
    printError("error: \(shown(error.message))")
    throw Exit.noPermission
  } catch let error as SyncError where error.code == .offline {
    printError("offline: \(shown(error.message))")
    throw Exit.offline
  } catch let error as SyncError {
    printError("error: \(shown(error.message))")
    throw Exit.failure
  }
}

/// Text of an error as shown: it may quote what a server or a file sent, so control and
/// bidirectional characters are shown as codes (line breaks of a message of several lines stay).
func shown(_ text: String) -> String { DisplayText.escaped(text, keepingLineBreaks: true) }

/// What a device does when the office revoked its sign-in with `--wipe` (a lost or stolen
/// laptop): it deletes its local data, as `assure logout --wipe` does, whatever is unsent.
enum DeviceWipe {
  /// The data folder the command works on (set when it is resolved).
  static let folderInUse = Mutex<String?>(nil)

  /// Deletes the database (with its journal files) and the sign-in of the folder in use; says
  /// what was done.
  static func perform() -> String {
    guard let folder = folderInUse.withLock({ $0 }) else { return "no data folder was opened: nothing to erase" }
    var failed = deleteDatabase(in: folder)
    do { try Credentials.remove(from: folder) } catch { failed.append("the sign-in in \(folder)") }
    guard failed.isEmpty else {
      return "the office asked this device to erase its data, but these could not be deleted: "
        + failed.map(shown).joined(separator: ", ")
    }
    return
      "the office asked this device to erase its data: its engagements, queued changes, plan copy and sign-in in \(shown(folder)) were deleted"
  }

  /// Deletes the device's database in `folder` with its WAL, shared-memory and lock files
  /// (`assure logout --wipe` and the office's wipe); returns the paths that could not be deleted.
  static func deleteDatabase(in folder: String) -> [String] {
    let database = URL(fileURLWithPath: folder).appendingPathComponent("assure.sqlite").path
    var failed: [String] = []
    for suffix in ["", "-wal", "-shm", ".lock", ".sync"] where FileManager.default.fileExists(atPath: database + suffix)
    {
      do { try FileManager.default.removeItem(atPath: database + suffix) } catch { failed.append(database + suffix) }
    }
    return failed
  }
}
