import Foundation
import Model
import Stores

extension DeviceTransaction {
  /// Makes the device's copy of an engagement what the server last sent for it with every
  /// change still in the outbox (waiting or refused) made again on top, in order.
  ///
  /// This is the one rule for what a device shows: it is applied after every pulled change
  /// of the engagement, every dropped change and every full pull, so a pulled change never
  /// overwrites an edit that is still waiting and an acknowledged edit gives way to the
  /// server's merged state as soon as it arrives. A caller that has just stored the server's
  /// state passes it as `base` (`.some(nil)`: deleted there), saving a read on the pull path.
  func rebuildEngagement(id: UUID, at time: Date, base known: Engagement?? = nil) throws {
    let base: Engagement?? = try known ?? engagementBase(id: id).map(\.engagement)
    let waiting = try outboxMutations(entityID: id.storageKey)
    guard base != nil || !waiting.isEmpty else {
      // Made here, refused by the server and dropped by the user: the server never had it.
      try removeEngagement(id: id)
      return
    }
    var state = base ?? nil
    for entry in waiting { state = entry.mutation.applied(to: state) }
    if let state {
      try saveEngagement(state)
    } else {
      try tombstoneEngagement(id: id, at: time)
      // Deleted on the server with nothing waiting here: its text is needed nowhere here.
      if waiting.isEmpty, case .some(.none) = base { try forgetDeletedText(id: id) }
    }
  }
}
