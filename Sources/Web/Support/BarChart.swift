import Foundation
import Reports

/// A horizontal bar chart as inline SVG, drawn on the server: one bar per row, its label and
/// figure written beside it, so the chart reads without colour and the table under it gives the
/// same figures to a screen reader (the chart itself is one labelled image).
struct BarChart: Sendable {
  struct Bar: Sendable {
    var label: String
    var value: Int
  }

  var title: String
  var bars: [Bar]

  static let labelWidth = 240.0
  static let barArea = 330.0
  static let rowHeight = 26.0

  var svg: String {
    let width = Self.labelWidth + Self.barArea + 60
    let height = max(1, Double(bars.count)) * Self.rowHeight + 8
    let largest = max(1, bars.map(\.value).max() ?? 1)
    let summary = bars.map { "\($0.label) \($0.value)" }.joined(separator: ", ")
    let label = Self.escape("\(title): \(bars.isEmpty ? "none" : summary)")
    var parts = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(label)\" "
        + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" width=\"\(Self.number(width))\" "
        + "height=\"\(Self.number(height))\" focusable=\"false\">",
      "<title>\(label)</title>",
    ]
    for (index, bar) in bars.enumerated() {
      let y = Double(index) * Self.rowHeight + 4
      let length = bar.value == 0 ? 0 : max(2, Self.barArea * Double(bar.value) / Double(largest))
      parts.append(
        "<text class=\"chart-label\" x=\"\(Self.number(Self.labelWidth - 8))\" y=\"\(Self.number(y + 17))\" "
          + "text-anchor=\"end\">\(Self.escape(Self.clip(bar.label)))</text>")
      parts.append(
        "<rect class=\"chart-bar\" x=\"\(Self.number(Self.labelWidth))\" y=\"\(Self.number(y + 3))\" "
          + "width=\"\(Self.number(length))\" height=\"\(Self.number(Self.rowHeight - 8))\"></rect>")
      parts.append(
        "<text class=\"chart-label\" x=\"\(Self.number(Self.labelWidth + length + 6))\" y=\"\(Self.number(y + 17))\">"
          + "\(bar.value)</text>")
    }
    parts.append("</svg>")
    return parts.joined(separator: "\n")
  }

  private static func number(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
  }

  private static func clip(_ label: String) -> String {
    label.count > 32 ? String(label.prefix(31)) + "…" : label
  }

  private static func escape(_ text: String) -> String { DocumentHTML.escape(text) }
}
