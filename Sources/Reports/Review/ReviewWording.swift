import Model

/// The words the review uses for its values, shared by both forms so that the Markdown and
/// the HTML say the same thing.
enum ReviewWording {
  /// The "from" of an element added to the plan during the month.
  static let newToPlan = "new to the plan"
  /// Marks a progress update chosen for the quarterly Police and Crime Panel report.
  static let forPanel = "[for Panel report]"
  /// What a quiet objective says.
  static let quiet = "No activity recorded this month."

  /// Where an open action stands against its due date, in words.
  static func dueState(_ state: ActionDueState) -> String {
    switch state {
    case .overdue: "overdue"
    case .dueSoon: "due soon"
    case .notYetDue: "not yet due"
    case .noDueDate: "no due date"
    case .closed: "closed"
    }
  }

  /// A count with its noun, e.g. "1 element", "3 elements"; "No elements" for none when
  /// `sentenceStart` (the summary's lines begin with their count).
  static func count(_ n: Int, _ singular: String, _ plural: String? = nil, sentenceStart: Bool = false) -> String {
    let noun = n == 1 ? singular : plural ?? singular + "s"
    return n == 0 && sentenceStart ? "No \(noun)" : "\(n) \(noun)"
  }

  /// The notes recorded with an element's changes as one line, oldest first: a note ending
  /// a sentence is followed by a space, any other by a semicolon.
  static func notes(_ notes: [String]) -> String {
    let notes = notes.map(oneLine).filter { !$0.isEmpty }
    var line = ""
    for (index, note) in notes.enumerated() {
      line += note
      if index < notes.count - 1 { line += note.last.map { ".!?".contains($0) } == true ? " " : "; " }
    }
    return line
  }

  /// Text on one line: every run of white space, line breaks included, becomes one space.
  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }
}
