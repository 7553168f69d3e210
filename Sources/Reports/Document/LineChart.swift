/// A line chart of one series of values, with a target and a comparator line if it has them:
/// a figure that repeats, as a picture, what the text before it says in words.
struct LineChart: Sendable {
  /// A point of the series: its label on the horizontal axis ("Sep 22") and its value.
  typealias Point = (label: String, value: Double)

  /// Its number in the document, from 1: names the chart's title element.
  var number: Int
  var title: String
  /// The values, oldest first.
  var points: [Point]
  var target: Double?
  var comparator: Double?
  /// What the comparator is, e.g. "national average".
  var comparatorLabel: String
  /// Values the vertical axis never passes, e.g. 0...100 for a percentage.
  var limits: ClosedRange<Double>?
  /// A value as the document writes it in its text ("87%", "17,630"), for the chart's labels.
  var valueText: @Sendable (Double) -> String
}
