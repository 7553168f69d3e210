import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Model
import RPC
import SQLiteStore
import Stores

/// Keeps the device's copy of the force's profile: fetched at sign-in and after every sync,
/// so that the force's own kinds of engagement are checked offline.
enum ForceProfileCache {
  /// Fetches the profile over an open connection and stores it; a failure leaves the copy
  /// the device had (a server too old to have profiles, a dropped link).
  static func refresh(client: GRPCClient<HTTP2ClientTransport.Posix>, into database: ClientDatabase) async {
    do {
      var options = CallOptions.defaults
      options.timeout = .seconds(20)
      let response = try await Assure_V1_GovernanceService.Client(wrapping: client).getForceProfile(
        .init(), options: options)
      let profile = ForceProfile(proto: response.profile)
      try await database.write { try $0.saveForceProfile(profile) }
    } catch {
      return
    }
  }
}
