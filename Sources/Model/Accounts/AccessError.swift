/// A call refused because of who is making it.
public struct AccessError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Code: Sendable, Hashable {
    /// No credentials, or credentials that are unknown, expired, revoked or of a disabled
    /// account (gRPC `UNAUTHENTICATED`).
    case unauthenticated
    /// Known caller, but the role or the record does not allow it (gRPC `PERMISSION_DENIED`).
    case permissionDenied
    /// Too many failed attempts from one address: refused for a while (gRPC `RESOURCE_EXHAUSTED`).
    case tooManyAttempts
  }

  public let code: Code
  public let message: String

  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
