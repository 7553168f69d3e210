import Foundation
import Model
import RPC
import SQLiteStore
import Stores

/// Keeps the device's copy of the force's profile: fetched at sign-in and after every sync,
/// so that the force's own kinds of engagement are checked offline.
enum ForceProfileCache {
  /// Fetches the profile over an open connection and stores it; a failure leaves the copy
  /// the device had (a server too old to have profiles, a dropped link).
  static func refresh(server: ServerClient, into database: ClientDatabase) async {
    do {
      let profile = try await server.withTimeout(.seconds(20)).forceProfile()
      try await database.write { try $0.saveForceProfile(profile) }
    } catch {
      return
    }
  }
}
