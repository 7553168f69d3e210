import Application
import Foundation
import Logging
import ServiceLifecycle
import Sync

/// Removes engagement tombstones older than the configured window: at start, then every six
/// hours, until the server shuts down.
struct TombstoneService: Service {
  let repository: ServerRepository
  let days: Int
  let logger: Logger

  func run() async throws {
    do {
      try await cancelWhenGracefulShutdown {
        while true {
          do {
            let purged = try await repository.purgeTombstones(olderThanDays: days)
            if !purged.isEmpty {
              logger.info("purged tombstones", metadata: ["count": "\(purged.count)", "older_than_days": "\(days)"])
            }
          } catch is CancellationError {
            throw CancellationError()
          } catch {
            logger.error("purging tombstones failed; will try again", metadata: ["error": "\(error)"])
          }
          try await Task.sleep(for: .seconds(6 * 3600))
        }
      }
    } catch is CancellationError {
      // Shutting down.
    }
  }
}
