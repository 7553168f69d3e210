import Logging
import ServiceLifecycle
import Stores

/// On a store several servers share, drops what this server holds in memory when another
/// one changes it: the plan's copy when the plan changes, the sign-in cache when an account or
/// a device token does (a revocation on one server then holds on every server at once, not
/// after the cache's 30 seconds). Sign-ins another server refused count towards this one's
/// limits, so that spreading attempts over the servers gains an attacker nothing.
struct StoreNoticeService: Service {
  let store: any SharedStore
  let plan: PlanSnapshot
  let cache: TokenCache
  let limiter: AttemptLimiter
  let logger: Logger

  func run() async throws {
    limiter.share { [store] peer in Task { await store.announceFailedSignIn(peer: peer) } }
    for await notice in store.notices().cancelOnGracefulShutdown() {
      switch notice {
      case .plan: plan.invalidate()
      case .accounts: cache.removeAll()
      case .failedSignIn(let peer): limiter.failedElsewhere(peer)
      }
      logger.debug("another server changed or saw something", metadata: ["notice": "\(notice)"])
    }
  }
}
