/// A local policing area of the force. Areas are configuration, not code: each force has its own.
public struct Area: Sendable, Hashable, Codable, Identifiable {
  /// Lower-case code, e.g. `telford-and-wrekin`.
  public var code: String
  /// Display name, e.g. "Telford and Wrekin".
  public var name: String

  public var id: String { code }

  public init(code: String, name: String) {
    self.code = code
    self.name = name
  }

  /// West Mercia's four local policing areas: the default configuration.
  public static let westMercia: [Area] = [
    Area(code: "herefordshire", name: "Herefordshire"),
    Area(code: "shropshire", name: "Shropshire"),
    Area(code: "telford-and-wrekin", name: "Telford and Wrekin"),
    Area(code: "worcestershire", name: "Worcestershire"),
  ]

  /// Checks that a code is usable as an area code: lower-case letters, digits and hyphens.
  public static func validate(code: String) throws(ValidationError) {
    let allowed = code.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    guard !code.isEmpty, code.count <= 60, allowed else {
      throw ValidationError(
        field: "area", rule: "must be 1 to 60 lower-case letters, digits or hyphens (got \"\(code)\")")
    }
  }
}
