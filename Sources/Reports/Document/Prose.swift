/// Wording both documents share.
enum Prose {
  /// Items in an English list: "A", "A and B", "A, B and C".
  static func list(_ items: [String]) -> String {
    switch items.count {
    case 0: ""
    case 1: items[0]
    default: items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
    }
  }
}
