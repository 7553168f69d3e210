/// Who attended for the office: the PCC, the Deputy PCC or the Assistant PCC.
public struct Officeholder: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let pcc = Officeholder(rawValue: "pcc")
  public static let dpcc = Officeholder(rawValue: "dpcc")
  public static let apcc = Officeholder(rawValue: "apcc")

  public static let known: [Officeholder] = [.pcc, .dpcc, .apcc]
  public static let fieldName = "who"

  /// Title as the office writes it.
  public var title: String {
    switch self {
    case .pcc: "Police and Crime Commissioner"
    case .dpcc: "Deputy PCC"
    case .apcc: "Assistant PCC"
    default: rawValue
    }
  }
}
