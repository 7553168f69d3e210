import Foundation
import GRDB
import Model
import Storage

extension Database {
  /// Makes the device's copy of an engagement what the server last sent for it with every
  /// change still in the outbox (waiting or refused) made again on top, in order.
  ///
  /// This is the one rule for what a device shows: it is applied after every pulled change
  /// of the engagement, every acknowledgement and every dropped change, so a pulled change
  /// never overwrites an edit that is still waiting and an acknowledged edit gives way to
  /// the server's merged state as soon as it arrives.
  func rebuildEngagement(id: UUID, at time: Date) throws {
    let base = try engagementBase(id: id)
    let waiting = try outboxMutations(entityID: id.storageKey)
    if waiting.isEmpty, let base {
      // Nothing waiting here (the usual case): show the server's state as it is.
      if let engagement = base.engagement { try saveEngagement(engagement) } else { try tombstoneEngagement(id: id, at: time) }
      return
    }
    var state = base?.engagement
    for entry in waiting { state = entry.mutation.applied(to: state) }
    if let state {
      if try engagementIncludingDeleted(id: id)?.engagement != state || engagement(id: id) == nil {
        try saveEngagement(state)
      }
    } else if base != nil || waiting.contains(where: { $0.mutation.operation == .delete }) {
      try tombstoneEngagement(id: id, at: time)
    } else {
      // Made here, refused by the server and dropped by the user: the server never had it.
      try removeEngagement(id: id)
    }
  }
}
