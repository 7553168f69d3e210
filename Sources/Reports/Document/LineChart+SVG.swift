import Foundation

extension LineChart {
  /// How to read the chart, in words, for its caption: which line is which.
  var key: String {
    var key = ["solid line and squares: value by period"]
    if target != nil { key.append("dashed line: target") }
    if comparator != nil { key.append("dotted line: \(comparatorLabel)") }
    return key.joined(separator: "; ")
  }

  /// The chart as inline SVG: black lines and text only, so that it reads in black and white;
  /// values as a solid line with square markers, the target dashed, the comparator dotted,
  /// each labelled in words. It scales to its container's width (A4 or a phone).
  var svg: String {
    let width = 560.0
    let height = 190.0
    let left = 52.0
    let right = 130.0
    let top = 14.0
    let bottom = 30.0
    let values = points.map(\.value) + [target, comparator].compactMap { $0 }
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    if high == low {
      low -= 1
      high += 1
    }
    let pad = (high - low) * 0.15
    low -= pad
    high += pad
    if let limits {
      low = max(limits.lowerBound, low)
      high = min(limits.upperBound, high)
    }
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    func x(_ index: Int) -> Double {
      points.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(points.count - 1)
    }
    func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    func label(_ value: Double) -> String { HTMLEscaping.escape(valueText(value)) }

    let name = HTMLEscaping.escape(title)
    var parts: [String] = [
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"chart-\(number)\" xmlns=\"http://www.w3.org/2000/svg\">",
      "<title id=\"chart-\(number)\">\(name): \(HTMLEscaping.escape(points.map { "\($0.label) \(valueText($0.value))" }.joined(separator: ", ")))</title>",
      "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"#000\" stroke-width=\"1\"/>",
      "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"#000\" stroke-width=\"1\"/>",
      "<text x=\"\(f(left - 6))\" y=\"\(f(top + 4))\" text-anchor=\"end\" font-size=\"11\">\(label(high))</text>",
      "<text x=\"\(f(left - 6))\" y=\"\(f(top + plotHeight))\" text-anchor=\"end\" font-size=\"11\">\(label(low))</text>",
    ]
    if let target {
      parts.append(
        "<line x1=\"\(f(left))\" y1=\"\(f(y(target)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(target)))\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"8 4\"/>"
      )
      parts.append(
        "<text x=\"\(f(left + plotWidth + 6))\" y=\"\(f(y(target) + 4))\" font-size=\"11\">target \(label(target))</text>"
      )
    }
    if let comparator {
      parts.append(
        "<line x1=\"\(f(left))\" y1=\"\(f(y(comparator)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(comparator)))\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>"
      )
      parts.append(
        "<text x=\"\(f(left + plotWidth + 6))\" y=\"\(f(y(comparator) + 16))\" font-size=\"11\">\(HTMLEscaping.escape(comparatorLabel)) \(label(comparator))</text>"
      )
    }
    let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f(x($0.offset))) \(f(y($0.element.value)))" }
    parts.append("<path d=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"/>")
    for (index, point) in points.enumerated() {
      parts.append(
        "<rect x=\"\(f(x(index) - 3.5))\" y=\"\(f(y(point.value) - 3.5))\" width=\"7\" height=\"7\" fill=\"#000\"/>")
      parts.append(
        "<text x=\"\(f(x(index)))\" y=\"\(f(height - 10))\" text-anchor=\"middle\" font-size=\"10\">\(HTMLEscaping.escape(point.label))</text>"
      )
    }
    if let last = points.last {
      parts.append(
        "<text x=\"\(f(x(points.count - 1)))\" y=\"\(f(y(last.value) - 8))\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\">\(label(last.value))</text>"
      )
    }
    parts.append("</svg>")
    return parts.joined(separator: "\n")
  }
}
