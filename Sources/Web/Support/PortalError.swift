import Hummingbird

/// A request the portal refuses: the status and a sentence saying what to do, shown on an
/// error page (never a stack trace or a store's message).
struct PortalError: Error, Sendable {
  let status: HTTPResponse.Status
  let message: String

  init(_ status: HTTPResponse.Status, _ message: String) {
    self.status = status
    self.message = message
  }

  static func notFound(_ what: String) -> PortalError { PortalError(.notFound, "\(what) was not found") }

  /// The page's heading for the status.
  var heading: String {
    switch status {
    case .forbidden: "Not allowed"
    case .notFound: "Page not found"
    case .badRequest: "Check what you asked for"
    case .tooManyRequests: "Too many attempts"
    case .serviceUnavailable: "Try again shortly"
    case .unauthorized: "Sign in again"
    default: "Something went wrong"
    }
  }
}
