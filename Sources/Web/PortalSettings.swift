public import Foundation

/// Where the portal listens and how it behaves.
public struct PortalSettings: Sendable, Hashable {
  public var host: String
  public var port: Int
  /// PEM certificate chain and private key: with both, the portal speaks TLS only (HTTP/2 and
  /// HTTP/1.1 by ALPN) and its cookies are `Secure`; without, HTTP/1.1 in plaintext.
  public var tlsCertificatePath: String?
  public var tlsKeyPath: String?
  /// Serves `/public`: aggregates anyone may read with no sign-in.
  public var publicPage: Bool
  /// How long a browser sign-in lasts; the session cookie and its token expire together.
  public var sessionLifetime: TimeInterval

  public static let defaultSessionLifetime: TimeInterval = 8 * 3600

  public init(
    host: String, port: Int, tlsCertificatePath: String? = nil, tlsKeyPath: String? = nil, publicPage: Bool = false,
    sessionLifetime: TimeInterval = PortalSettings.defaultSessionLifetime
  ) {
    self.host = host
    self.port = port
    self.tlsCertificatePath = tlsCertificatePath
    self.tlsKeyPath = tlsKeyPath
    self.publicPage = publicPage
    self.sessionLifetime = sessionLifetime
  }

  /// Whether the portal speaks TLS.
  public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }
}
