import Application
import Model
import Sync

/// The demo's people: one account per role, so that every part of Assure can be tried.
enum DemoUsers {
  static let accounts: [(name: String, displayName: String, role: Role)] = [
    ("pcc", "John Campion (PCC)", .commissioner),
    ("dpcc", "Deputy PCC", .deputy),
    ("apcc", "Assistant PCC", .assistant),
    ("governance", "Governance Officer", .governance),
    ("analyst", "Performance Analyst", .analyst),
    ("panel", "Panel Member", .panelReader),
  ]

  /// Creates the demo accounts that do not exist yet and returns their enrolment codes.
  static func seed(into accounts: AccountRepository) async throws -> [IssuedCode] {
    let existing = Set(try await accounts.users().map(\.name))
    var codes: [IssuedCode] = []
    for user in Self.accounts where !existing.contains(user.name) {
      codes.append(
        try await accounts.addUser(
          name: user.name, displayName: user.displayName, role: user.role, by: DemoGovernance.caller))
    }
    return codes
  }
}
