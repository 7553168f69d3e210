import Logging
import ServiceLifecycle
import Stores

/// On a store several servers share, drops what this server holds in memory when another
/// one changes it: the plan's copy when the plan changes, the sign-in cache when an account or
/// a device token does (a revocation on one server then holds on every server at once, not
/// after the cache's 30 seconds).
struct StoreNoticeService: Service {
  let store: any SharedStore
  let plan: PlanSnapshot
  let cache: TokenCache
  let logger: Logger

  func run() async throws {
    for await notice in store.notices().cancelOnGracefulShutdown() {
      switch notice {
      case .plan: plan.invalidate()
      case .accounts: cache.removeAll()
      }
      logger.debug("a server changed what this one holds in memory", metadata: ["notice": "\(notice.rawValue)"])
    }
  }
}
