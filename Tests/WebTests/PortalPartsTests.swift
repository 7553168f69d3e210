import Model
import Testing

@testable import Web

/// The portal's small parts, without a server: the form reader, the chart, where `next` may
/// lead, the CSRF tokens and the templates.
@Suite struct PortalPartsTests {
  @Test("a form body decodes +, percent escapes and repeated names (the first wins)")
  func formDecoding() {
    let form = Form("code=7V2H+ATKX%2DM1EE&csrf=a%26b%3Dc&code=second&empty=&bare")
    #expect(form["code"] == "7V2H ATKX-M1EE")
    #expect(form["csrf"] == "a&b=c")
    #expect(form["empty"] == "")
    #expect(form["bare"] == "")
    #expect(form["missing"] == nil)
  }

  @Test(
    "`next` after sign-in stays on this site",
    arguments: [
      ("/plan", "/plan"), ("/review/2022-10?x=1", "/review/2022-10?x=1"), ("//evil.example/", "/"),
      ("/\\evil.example", "/"), ("https://evil.example/", "/"), ("plan", "/"), ("/plan\r\nSet-Cookie: x=y", "/"),
      ("", "/"),
    ])
  func nextIsLocal(given: String, expected: String) {
    #expect(PortalPages.local(given) == expected)
  }

  @Test("CSRF tokens: derived from the session, not its stored hash, compared whole")
  func csrf() {
    let a = Session.derive("assure_token-one", purpose: "csrf")
    #expect(a.count == 64)
    #expect(a != Session.derive("assure_token-two", purpose: "csrf"))
    #expect(a != Session.derive("assure_token-one", purpose: "other"))
    #expect(Session.same(a, a))
    #expect(!Session.same(a, String(a.dropLast()) + "0") || a.last == "0")
    #expect(!Session.same(a, String(a.prefix(63))))
    #expect(!Session.same("", ""))
  }

  @Test("the chart is one labelled image whose labels are escaped, with a bar per row scaled to the largest")
  func chart() {
    let chart = BarChart(
      title: "Engagements by area",
      bars: [.init(label: "<Shropshire & Co>", value: 10), .init(label: "Herefordshire", value: 5)])
    let svg = chart.svg
    #expect(
      svg.hasPrefix(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Engagements by area: &lt;Shropshire &amp; Co&gt; 10, Herefordshire 5\""
      ))
    #expect(!svg.contains("<Shropshire"))
    #expect(svg.contains("width=\"330\" height=\"18\""))
    #expect(svg.contains("width=\"165\" height=\"18\""))
    #expect(BarChart(title: "None", bars: []).svg.contains("aria-label=\"None: none\""))
  }

  @Test("every template compiles, and the layout escapes what the data says")
  func templates() throws {
    let renderer = try Renderer(allows: { _, role in role == .governance }, publicPage: true)
    let body = renderer.body("message", ["heading": "<i>Heading</i>", "lines": ["a & b"]] as [String: Any])
    #expect(body.contains("<h1>&lt;i&gt;Heading&lt;/i&gt;</h1>"))
    #expect(body.contains("<p>a &amp; b</p>"))
    #expect(Templates.sources.keys.allSatisfy { !renderer.body($0, [String: Any]()).isEmpty })
  }
}
