import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body.
struct Form: Sendable {
  /// The largest form body read: a sign-in or sign-out form is well under it.
  static let maxBytes = 16 * 1024

  private var fields: [String: String] = [:]

  init(_ text: String) {
    for pair in text.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = Self.decode(parts[0])
      if fields[name] == nil { fields[name] = parts.count > 1 ? Self.decode(parts[1]) : "" }
    }
  }

  /// Reads `request`'s body, refusing a body over `maxBytes` or of another type.
  static func read(_ request: Request, context: PortalContext) async throws -> Form {
    let type = request.headers[.contentType] ?? ""
    guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
      throw PortalError(.unsupportedMediaType, "the form must be sent as application/x-www-form-urlencoded")
    }
    let buffer: ByteBuffer
    do {
      buffer = try await request.body.collect(upTo: maxBytes)
    } catch {
      throw PortalError(.contentTooLarge, "the form is larger than \(maxBytes) bytes")
    }
    return Form(String(buffer: buffer))
  }

  subscript(_ name: String) -> String? { fields[name] }

  private static func decode(_ text: Substring) -> String {
    let spaced = text.replacingOccurrences(of: "+", with: " ")
    return spaced.removingPercentEncoding ?? spaced
  }
}
