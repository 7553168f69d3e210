import Crypto
import Foundation
import Stores

/// Secrets handed to people and devices: made from the system's cryptographic random source,
/// stored only as their SHA-256.
public enum Secret {
  /// SHA-256 of a secret's text, in hex: what the database keeps.
  public static func hash(_ text: String) -> String {
    AuditEntry.hex(SHA256.hash(data: Data(text.utf8)))
  }

  /// A device token: `assure_` and 256 random bits in base64url (43 characters).
  public static func newToken() -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    let base64 = Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
    return "assure_" + base64
  }

  /// Letters of an enrolment code: Crockford's base 32 (no I, L, O or U, which are misread).
  static let codeAlphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

  /// A one-time enrolment code of 80 random bits, written `XXXX-XXXX-XXXX-XXXX` to be read out
  /// or typed.
  public static func newEnrolmentCode() -> String {
    var generator = SystemRandomNumberGenerator()
    let letters = (0..<16).map { _ in codeAlphabet[Int.random(in: 0..<32, using: &generator)] }
    return stride(from: 0, to: 16, by: 4).map { String(letters[$0..<$0 + 4]) }.joined(separator: "-")
  }

  /// A code as typed, in its canonical form: upper case, no dashes or spaces, with the letters
  /// people confuse read as the digits they look like (O as 0, I and L as 1).
  public static func canonicalCode(_ typed: String) -> String {
    String(
      typed.uppercased().compactMap { character -> Character? in
        switch character {
        case "-", " ": nil
        case "O": "0"
        case "I", "L": "1"
        default: character
        }
      })
  }
}
