/// What a user of Assure is allowed to do; every account has exactly one role.
///
/// The permission of each server call is decided by the role alone (see `Docs/Security.md`);
/// record-level rules (a field user changes only the engagements of their own office) are
/// decided by `mayRecord(for:)`.
public struct Role: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  /// The Police and Crime Commissioner.
  public static let commissioner = Role(rawValue: "commissioner")
  /// The Deputy PCC.
  public static let deputy = Role(rawValue: "deputy")
  /// The Assistant PCC.
  public static let assistant = Role(rawValue: "assistant")
  /// The OPCC's governance team: keeps the plan, meetings and actions; reads everything.
  public static let governance = Role(rawValue: "governance")
  /// Records performance indicators.
  public static let analyst = Role(rawValue: "analyst")
  /// A member of the Police and Crime Panel: reads reviews and reports only.
  public static let panelReader = Role(rawValue: "panel-reader")
  /// Manages users and devices; reads no casework.
  public static let admin = Role(rawValue: "admin")

  public static let known: [Role] = [.commissioner, .deputy, .assistant, .governance, .analyst, .panelReader, .admin]
  public static let fieldName = "role"

  /// The roles that record engagements in the field.
  public static let field: Set<Role> = [.commissioner, .deputy, .assistant]

  /// The office whose engagements this role records and edits, for the field roles.
  public var officeholder: Officeholder? {
    switch self {
    case .commissioner: .pcc
    case .deputy: .dpcc
    case .assistant: .apcc
    default: nil
    }
  }

  /// Whether this role may record, change or delete an engagement attended by `who`.
  public func mayRecord(for who: Officeholder) -> Bool { officeholder == who }

  /// Checks that the role is one this version knows.
  public static func validate(_ text: String) throws(ValidationError) -> Role {
    let role = Role(rawValue: text)
    guard role.isKnown else {
      throw ValidationError(field: fieldName, rule: "must be one of \(knownList) (got \"\(text)\")")
    }
    return role
  }
}
