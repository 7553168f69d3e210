import Application
import Foundation
import Logging
import ServiceLifecycle

/// Server maintenance that repeats: `work` runs at start, then every `interval`, until the
/// server shuts down. A failed run is logged and tried again at the next turn.
struct MaintenanceService: Service {
  /// What the log calls the work, e.g. "purging tombstones".
  let name: String
  let interval: Duration
  let logger: Logger
  let work: @Sendable () async throws -> Void

  func run() async throws {
    do {
      try await cancelWhenGracefulShutdown {
        while true {
          do {
            try await work()
          } catch is CancellationError {
            throw CancellationError()
          } catch {
            logger.error("\(name) failed; will try again", metadata: ["error": "\(error)"])
          }
          try await Task.sleep(for: interval)
        }
      }
    } catch is CancellationError {
      // Shutting down.
    }
  }

  /// Removes engagement tombstones older than `days`: at start, then every six hours.
  static func tombstones(_ repository: ServerRepository, days: Int, logger: Logger) -> MaintenanceService {
    MaintenanceService(name: "purging tombstones", interval: .seconds(6 * 3600), logger: logger) {
      let purged = try await repository.purgeTombstones(olderThanDays: days)
      if !purged.isEmpty {
        logger.info("purged tombstones", metadata: ["count": "\(purged.count)", "older_than_days": "\(days)"])
      }
    }
  }

  /// Applies the office's retention schedule: at start, then once a day. Personal text past its
  /// period is removed on the server and, at their next sync, on every device
  /// (`RedactionRepository.runRetention`).
  static func retention(_ repository: RedactionRepository, schedule: RetentionSchedule, logger: Logger)
    -> MaintenanceService
  {
    MaintenanceService(name: "retention run", interval: .seconds(24 * 3600), logger: logger) {
      let report = try await repository.runRetention(
        schedule, dryRun: false, by: .server("retention", rpc: "retention schedule"))
      if report.total > 0 || !report.heldBack.isEmpty {
        logger.notice(
          "retention: expired personal text removed",
          metadata: [
            "engagements": "\(report.total)", "versions": "\(report.versions)",
            "conflict_records": "\(report.conflicts)", "held_back": "\(report.heldBack.count)",
          ])
      }
    }
  }
}
