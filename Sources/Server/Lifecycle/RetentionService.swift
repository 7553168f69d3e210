import Application
import Foundation
import Logging
import ServiceLifecycle

/// Applies the office's retention schedule: at start, then once a day, until the server shuts
/// down. Personal text past its period is removed on the server and, at their next sync, on
/// every device (`RedactionRepository.runRetention`).
struct RetentionService: Service {
  let repository: RedactionRepository
  let schedule: RetentionSchedule
  let logger: Logger

  func run() async throws {
    do {
      try await cancelWhenGracefulShutdown {
        while true {
          do {
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
          } catch is CancellationError {
            throw CancellationError()
          } catch {
            logger.error("retention run failed; will try again", metadata: ["error": "\(error)"])
          }
          try await Task.sleep(for: .seconds(24 * 3600))
        }
      }
    } catch is CancellationError {
      // Shutting down.
    }
  }
}
