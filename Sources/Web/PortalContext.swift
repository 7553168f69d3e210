public import Hummingbird
import Model
import NIOCore

/// One request's context: the router's storage, the client's address (for the sign-in limiter)
/// and, once the session middleware has checked the cookie, who is signed in.
public struct PortalContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// The client's IP address as this server sees it.
  let address: String
  /// The signed-in session, when the request carried a valid cookie.
  var session: Session?

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    address = source.channel.remoteAddress?.ipAddress ?? "unknown"
    session = nil
  }
}
