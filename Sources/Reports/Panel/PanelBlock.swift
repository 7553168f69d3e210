import Model

/// A block of the Panel report, before it is written as Markdown or HTML. Text is plain and
/// escaped by the writer.
enum PanelBlock: Hashable, Sendable {
  /// A section heading: level 2 for the report's parts, 3 for topics within them.
  case heading(String, level: Int)
  /// A numbered paragraph (numbers run through the document), with optional bullet points
  /// under it.
  case numbered(Int, String, items: [String])
  /// An unnumbered line, such as the period the report covers.
  case plain(String)
  /// A small table, e.g. correspondence by subject.
  case table(caption: String, columns: [String], rows: [[String]], numeric: Set<Int>)
  /// A chart of a flagged indicator (HTML only; Markdown lists the values in the paragraph).
  case chart(PanelChart)
}

/// A line chart of one indicator's values, with its target and comparator.
struct PanelChart: Hashable, Sendable {
  /// Its number in the document, from 1: names the chart's title element.
  var number: Int
  var title: String
  var unit: IndicatorUnit
  /// Label and value of each point, oldest first.
  var points: [(label: String, value: Double)]
  var target: Double?
  var comparator: Double?
  var comparatorLabel: String

  static func == (lhs: PanelChart, rhs: PanelChart) -> Bool {
    lhs.number == rhs.number && lhs.title == rhs.title && lhs.points.map(\.label) == rhs.points.map(\.label)
      && lhs.points.map(\.value) == rhs.points.map(\.value) && lhs.target == rhs.target && lhs.comparator == rhs.comparator
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(title)
    hasher.combine(points.map(\.value))
  }
}
