import Application
import Crypto
import Foundation
import Hummingbird
import Model
import Stores

/// A browser's sign-in: a device token of the account, held in an `HttpOnly` cookie.
///
/// A browser signs in like a device (a one-time code exchanged for a token), so everything
/// that ends a device's sign-in ends a browser's too: revoking the account's devices,
/// disabling the account, signing out. The server keeps only the token's hash.
struct Session: Sendable {
  static let cookieName = "assure_session"
  /// The cookie that carries the sign-in form's CSRF token before there is a session.
  static let formCookieName = "assure_sign_in"

  let principal: Principal
  /// The token the cookie holds.
  let token: String

  var account: Account { principal.account }

  /// The CSRF token of this session's forms: derived from the session's secret, so it needs no
  /// storage, differs from the hash the server stores, and dies with the session.
  var csrf: String { Self.derive(token, purpose: "csrf") }

  /// Who the session's reads and writes are recorded as.
  func caller(_ rpc: String) -> Caller {
    Caller(user: account.name, deviceID: principal.token.deviceID, rpc: rpc, role: account.role)
  }

  /// SHA-256 of `purpose` and `secret`, in hex.
  static func derive(_ secret: String, purpose: String) -> String {
    SHA256.hash(data: Data("assure-portal:\(purpose):\(secret)".utf8)).map { String(format: "%02x", $0) }.joined()
  }

  /// Whether two tokens are equal, in time that does not depend on where they differ.
  static func same(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count, !x.isEmpty else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
  }

  /// A new random value for the sign-in form's cookie.
  static func newFormToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
  }

  /// The session cookie for `token`.
  static func cookie(_ token: String, maxAge: Int, secure: Bool) -> Cookie {
    Cookie(
      name: cookieName, value: token, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
  }

  /// A cookie that removes `name` from the browser.
  static func clearing(_ name: String, secure: Bool) -> Cookie {
    Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
  }
}
