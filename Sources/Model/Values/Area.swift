import Foundation

/// A local policing area of the force. Areas are data, not code: each force has its own, kept
/// in the server's database and changed only by an administrator (`assure-server area`).
///
/// An area is never deleted once stored: engagements and correspondence recorded in it keep
/// pointing at it. An area the force no longer uses is retired: refused for new engagements,
/// still valid for those already recorded, and still named in reports.
public struct Area: Sendable, Hashable, Codable, Identifiable {
  /// Lower-case code, e.g. `telford-and-wrekin`.
  public var code: String
  /// Display name, e.g. "Telford and Wrekin".
  public var name: String
  /// Retired: no new engagement may be recorded in it.
  public var retired: Bool

  public var id: String { code }

  public init(code: String, name: String, retired: Bool = false) {
    self.code = code
    self.name = name
    self.retired = retired
  }

  private enum CodingKeys: String, CodingKey { case code, name, retired }

  /// Reads an area logged before areas could be retired (no `retired` key) as active.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    code = try container.decode(String.self, forKey: .code)
    name = try container.decode(String.self, forKey: .name)
    retired = try container.decodeIfPresent(Bool.self, forKey: .retired) ?? false
  }

  /// West Mercia's four local policing areas: the demo data set's, never a default.
  public static let westMercia: [Area] = [
    Area(code: "herefordshire", name: "Herefordshire"),
    Area(code: "shropshire", name: "Shropshire"),
    Area(code: "telford-and-wrekin", name: "Telford and Wrekin"),
    Area(code: "worcestershire", name: "Worcestershire"),
  ]

  /// Longest area name accepted.
  public static let maxNameLength = 100

  /// Checks that a code is usable as an area code: lower-case letters, digits and hyphens.
  public static func validate(code: String) throws(ValidationError) {
    let allowed = code.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    guard !code.isEmpty, code.count <= 60, allowed else {
      throw ValidationError(
        field: "area", rule: "must be 1 to 60 lower-case letters, digits or hyphens (got \"\(code)\")")
    }
  }

  /// Checks an area's code and its name (1 to 100 characters, no control characters).
  public func validate() throws(ValidationError) {
    try Self.validate(code: code)
    let trimmed = name.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty, name.count <= Self.maxNameLength,
      !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw ValidationError(
        field: "name",
        rule: "must be 1 to \(Self.maxNameLength) characters with no control characters (got \"\(name)\")")
    }
  }

  /// A name made from a code: `telford-and-wrekin` gives "Telford And Wrekin".
  public static func name(fromCode code: String) -> String {
    code.split(separator: "-").map(\.capitalized).joined(separator: " ")
  }
}
