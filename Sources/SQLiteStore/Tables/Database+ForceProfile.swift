import Foundation
public import GRDB
public import Model
import Stores

/// The force's profile: one row on the server.
extension Database {
  /// The stored profile, or ``ForceProfile/standard`` when none is stored.
  public func forceProfile() throws -> ForceProfile {
    guard let text = try String.fetchOne(self, sql: "SELECT profile FROM force_profile WHERE id = 1") else {
      return .standard
    }
    return try JSONDecoder().decode(ForceProfile.self, from: Data(text.utf8))
  }

  /// Whether a profile is stored at all.
  public func hasForceProfile() throws -> Bool {
    try Bool.fetchOne(self, sql: "SELECT EXISTS (SELECT 1 FROM force_profile)") ?? false
  }

  public func saveForceProfile(_ profile: ForceProfile) throws {
    try execute(
      sql:
        "INSERT INTO force_profile (id, profile) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET profile = excluded.profile",
      arguments: [try JSONText.encode(profile)])
  }
}
