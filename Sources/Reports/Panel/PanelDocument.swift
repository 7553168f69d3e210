public import Model

/// Renders the quarterly report to the Police and Crime Panel from ``PanelInputs``: as
/// Markdown, or as one self-contained HTML file with small charts of the flagged indicators
/// that prints on A4 in black and white.
///
/// Every figure comes from a record in the inputs; paragraph numbers run through the
/// document. See Docs/PanelReport.md for how each section is built.
///
/// ```swift
/// let inputs = try await oversight.panelInputs(from: from, to: to)
/// try PanelDocument.html(inputs).write(to: url, atomically: true, encoding: .utf8)
/// ```
public enum PanelDocument {
  /// The report as GitHub-flavoured Markdown, every piece of data escaped.
  public static func markdown(_ inputs: PanelInputs) -> String { PanelLayout(inputs).document.markdown }

  /// The report as one self-contained HTML file: no links to styles, scripts, fonts or images.
  public static func html(_ inputs: PanelInputs) -> String { PanelLayout(inputs).document.html }

  /// How many numbered paragraphs the report has.
  public static func paragraphCount(_ inputs: PanelInputs) -> Int { PanelLayout(inputs).paragraphCount }
}
