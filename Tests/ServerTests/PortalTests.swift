import Application
import Foundation
import Logging
import Model
import Reports
import StoreTestSupport
import Synchronization
import Testing

@testable import Server
@testable import Web

/// Runs the real portal on 127.0.0.1 (a free port) over the demo data, with the server's
/// permission table, limiter and token cache, and hands `body` the server's parts and a client.
func withDemoPortal(
  publicPage: Bool = true, configure: (inout ServerConfiguration) -> Void = { _ in },
  _ body: @Sendable (ServerParts, HTTPProbe) async throws -> Void
) async throws {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assure-portal-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: folder) }
  var configuration = ServerConfiguration(
    store: try await TestEngine.current.storeAddress(in: folder), host: "127.0.0.1", port: 0, demo: true,
    areas: Area.westMercia)
  configuration.attempts.slowAfter = 1000
  configuration.attempts.blockAfter = 1000
  configure(&configuration)
  let repository = try await ServerApplication.prepare(configuration, logger: .init(label: "test"))
  // Cancelling the portal at the end logs an error from the HTTP server: tests log only worse.
  let quiet = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
  }()
  let parts = try ServerApplication.parts(repository, configuration, logger: quiet)
  _ = try await ServerApplication.firstStartCodes(parts, demo: configuration.demo)
  let (addresses, listening) = AsyncStream.makeStream(of: String.self)
  let settings = PortalSettings(host: "127.0.0.1", port: 0, publicPage: publicPage)
  try await withThrowingTaskGroup { group in
    group.addTask {
      try await ServerApplication.servePortal(settings, parts, logger: quiet) { address in
        listening.yield(address)
        listening.finish()
      }
    }
    var port: Int?
    for await address in addresses {
      if let colon = address.lastIndex(of: ":") { port = Int(address[address.index(after: colon)...]) }
    }
    let probe = HTTPProbe(port: try #require(port, "the portal did not start listening"))
    do {
      try await body(parts, probe)
    } catch {
      group.cancelAll()
      throw error
    }
    group.cancelAll()
  }
}

/// A new one-time code for a demo user (or a new user of `role`).
func portalCode(_ parts: ServerParts, user: String, role: Role? = nil) async throws -> String {
  let server = Caller.server("test", rpc: "test")
  if let role { return try await parts.accounts.addUser(name: user, role: role, by: server).code }
  return try await parts.accounts.issueCode(forUser: user, by: server).code
}

/// Signs in through the sign-in form as a browser does; the session cookie's value.
func browserSignIn(_ probe: HTTPProbe, code: String) async throws -> String {
  let form = try await probe.get("/sign-in")
  let formCookie = try #require(form.cookie(Session.formCookieName))
  let answer = try await probe.send(
    "POST", "/sign-in", cookies: [Session.formCookieName: formCookie],
    form: ["csrf": try #require(form.hidden("csrf")), "next": "/", "code": code])
  #expect(answer.status == 303, "sign-in answered \(answer.status): \(answer.body.prefix(300))")
  return try #require(answer.cookie(Session.cookieName))
}

@Suite struct PortalTests {
  /// Each page the portal has and the call whose rule it follows (a wrong pairing in the
  /// portal shows here as a page allowed to the wrong roles).
  static let pages: [(path: String, method: String)] = [
    ("/plan", "assure.v1.DeliveryPlanService/ListElements"),
    ("/plan/elements/1.1", "assure.v1.DeliveryPlanService/GetElementHistory"),
    ("/review/2022-10", "assure.v1.GovernanceService/GetMonthlyReview"),
    ("/reports/panel?from=2022-09-01&to=2022-10-31", "assure.v1.ReportService/GeneratePanelReport"),
    ("/reports/panel/download?from=2022-09-01&to=2022-10-31", "assure.v1.ReportService/GeneratePanelReport"),
    ("/engagements/summary?from=2022-07-01&to=2022-09-30", "assure.v1.EngagementService/SummarizeEngagements"),
    ("/engagements?from=2022-07-01&to=2022-09-30", "assure.v1.EngagementService/ListEngagements"),
    ("/actions", "assure.v1.GovernanceService/ListActions"),
  ]

  @Test("another force, with no profile set: every page answers in its own areas and words, none of West Mercia's")
  func secondForce() async throws {
    let areas = [Area(code: "gwynedd", name: "Gwynedd"), Area(code: "conwy", name: "Conwy")]
    try await withDemoPortal(configure: {
      $0.demo = false
      $0.areas = areas
    }) { parts, probe in
      let session = try await browserSignIn(
        probe, code: try await portalCode(parts, user: "gov-north", role: .governance))
      for path in [
        "/", "/plan", "/review/2026-11", "/reports/panel", "/engagements/summary", "/engagements", "/actions",
        "/public",
      ] {
        let page = try await probe.get(path, cookies: [Session.cookieName: session])
        #expect(page.status == 200, "\(path): \(page.status)")
        for word in ["West Mercia", "Herefordshire", "Shropshire", "Worcestershire", "Telford"] {
          #expect(!page.body.contains(word), "\(path) names \(word)")
        }
        // A force with no name set is "the office", never an empty name before a colon.
        #expect(!page.body.contains("<h1>:") && !page.body.contains("Assure: <"), "\(path) has an empty force name")
      }
      let summary = try await probe.get("/engagements/summary", cookies: [Session.cookieName: session])
      #expect(summary.body.contains("Gwynedd") && summary.body.contains("Conwy"))
      let published = try await probe.get("/public")
      #expect(published.body.contains("<h1>The office: how the plan is going</h1>"))
    }
  }

  @Test("every method the portal applies is in the permission table (none falls to 'refused to all' by a typo)")
  func methodsAreInTheTable() {
    for method in Portal.methods { #expect(PermissionTable.rules[method] != nil, "\(method) is not in the table") }
  }

  @Test("sign in with a one-time code, read, sign out: the cookie is HttpOnly and SameSite=Strict, and dead after")
  func signInAndOut() async throws {
    try await withDemoPortal { parts, probe in
      // Given a new code for the governance officer
      let code = try await portalCode(parts, user: "governance")
      // When the browser signs in
      let form = try await probe.get("/sign-in")
      #expect(form.status == 200)
      #expect(form.body.contains("<label for=\"code\">One-time code</label>"))
      let answer = try await probe.send(
        "POST", "/sign-in", cookies: [Session.formCookieName: try #require(form.cookie(Session.formCookieName))],
        form: ["csrf": try #require(form.hidden("csrf")), "next": "/plan", "code": code.lowercased()])
      // Then it is sent where it was going, with a session cookie a script cannot read
      #expect(answer.status == 303)
      #expect(answer.headers["location"] == "/plan")
      let line = try #require(answer.setCookies[Session.cookieName])
      #expect(line.contains("HttpOnly") && line.contains("SameSite=Strict") && line.contains("Max-Age=28800"))
      #expect(!line.contains("Secure"), "Secure only under TLS")
      let session = try #require(answer.cookie(Session.cookieName))
      let home = try await probe.get("/", cookies: [Session.cookieName: session])
      #expect(home.status == 200)
      #expect(home.body.contains("<span id=\"signed-in-as\">governance (governance)</span>"))
      // And the session is a device of the account, listed and revocable like any other
      let devices = try await parts.accounts.devices(accountName: "governance")
      #expect(devices.contains { $0.deviceID.hasPrefix("browser-") && $0.label == "browser sign-in" })
      // The code was used up
      let again = try await browserSignInAnswer(probe, code: code)
      #expect(again.status == 401)

      // When it signs out with a form that did not come from its page, nothing happens
      let forged = try await probe.send(
        "POST", "/sign-out", cookies: [Session.cookieName: session], form: ["csrf": "0123456789abcdef"])
      #expect(forged.status == 403)
      #expect(try await probe.get("/plan", cookies: [Session.cookieName: session]).status == 200)
      // When it signs out from its own form
      let out = try await probe.send(
        "POST", "/sign-out", cookies: [Session.cookieName: session], form: ["csrf": try #require(home.hidden("csrf"))])
      #expect(out.status == 303)
      #expect(out.setCookies[Session.cookieName]?.contains("Max-Age=0") == true)
      // Then the old cookie opens nothing: the token is revoked on the server
      let after = try await probe.get("/plan", cookies: [Session.cookieName: session])
      #expect(after.status == 303)
      #expect(after.headers["location"] == "/sign-in?next=/plan")
      #expect(try await parts.accounts.authenticate(token: session).isFailure)
    }
  }

  /// The answer to a sign-in with `code` through a fresh form.
  func browserSignInAnswer(_ probe: HTTPProbe, code: String) async throws -> HTTPProbe.Answer {
    let form = try await probe.get("/sign-in")
    return try await probe.send(
      "POST", "/sign-in", cookies: [Session.formCookieName: try #require(form.cookie(Session.formCookieName))],
      form: ["csrf": try #require(form.hidden("csrf")), "code": code])
  }

  @Test("a sign-in form without its CSRF token is refused and leaves the code unused")
  func signInNeedsItsToken() async throws {
    try await withDemoPortal { parts, probe in
      let code = try await portalCode(parts, user: "analyst")
      let form = try await probe.get("/sign-in")
      let cookie = try #require(form.cookie(Session.formCookieName))
      for (cookies, csrf) in [([:], try #require(form.hidden("csrf"))), ([Session.formCookieName: cookie], "forged")] {
        let answer = try await probe.send("POST", "/sign-in", cookies: cookies, form: ["csrf": csrf, "code": code])
        #expect(answer.status == 403)
        #expect(answer.setCookies[Session.cookieName] == nil)
      }
      // The code still works
      _ = try await browserSignIn(probe, code: code)
    }
  }

  @Test("a wrong code is refused with 401 naming the field, and repeated failures shut the address out")
  func wrongCodesAreLimited() async throws {
    try await withDemoPortal(configure: {
      $0.attempts.slowAfter = 100
      $0.attempts.blockAfter = 3
    }) { parts, probe in
      for _ in 0..<3 {
        let answer = try await browserSignInAnswer(probe, code: "AAAA-BBBB-CCCC-DDDD")
        #expect(answer.status == 401)
        #expect(
          answer.body.contains("<p id=\"error\" class=\"error\" role=\"alert\">code: the enrolment code is not valid"))
      }
      // The fourth attempt is not even checked, even with a good code (which stays unused)
      let code = try await portalCode(parts, user: "analyst")
      let blocked = try await browserSignInAnswer(probe, code: code)
      #expect(blocked.status == 429)
      #expect(blocked.body.contains("too many failed sign-in attempts from 127.0.0.1"))
    }
  }

  @Test("every page, every role: a page opens exactly for the roles the permission table allows its call")
  func walkThePages() async throws {
    try await withDemoPortal { parts, probe in
      var checked = 0
      for role in Role.known {
        let session = try await browserSignIn(
          probe, code: try await portalCode(parts, user: "walk-\(role)", role: role))
        for (path, method) in Self.pages {
          let allowed = PermissionTable.rules[method]?.allows(role) ?? false
          let answer = try await probe.get(path, cookies: [Session.cookieName: session])
          #expect(answer.status == (allowed ? 200 : 403), "\(role) → \(path): \(answer.status)")
          if !allowed { #expect(answer.body.contains("<h1>Not allowed</h1>")) }
          // The navigation offers exactly the pages the role may open
          let home = try await probe.get("/", cookies: [Session.cookieName: session])
          let linked = home.body.contains("href=\"\(path.split(separator: "?")[0])\"")
          if ["/plan", "/actions"].contains(path) {
            #expect(linked == allowed, "\(role) home links \(path): \(linked)")
          }
          checked += 1
        }
        // Signed out, each page sends the browser to sign in and back
        let anonymous = try await probe.get("/actions")
        #expect(anonymous.status == 303 && anonymous.headers["location"] == "/sign-in?next=/actions")
      }
      #expect(checked == Role.known.count * Self.pages.count)
    }
  }

  @Test("a panel reader reads the October 2022 review and the Sep-Oct 2022 Panel report, and no engagement's notes")
  func panelReader() async throws {
    try await withDemoPortal { parts, probe in
      let session = try await browserSignIn(probe, code: try await portalCode(parts, user: "panel"))
      let cookies = [Session.cookieName: session]
      let governance = GovernanceRepository(database: parts.repository.database, now: parts.repository.now)
      let oversight = OversightRepository(database: parts.repository.database, now: parts.repository.now)

      let review = try await probe.get("/review/2022-10", cookies: cookies)
      #expect(review.status == 200)
      #expect(review.body.contains(DocumentHTML.review(try await governance.monthlyReview(YearMonth("2022-10")!))))

      let report = try await probe.get("/reports/panel?from=2022-09-01&to=2022-10-31", cookies: cookies)
      #expect(report.status == 200)
      let inputs = try await oversight.panelInputs(from: LocalDate("2022-09-01")!, to: LocalDate("2022-10-31")!)
      #expect(report.body.contains(DocumentHTML.panelReport(inputs)))
      #expect(
        report.body.contains("<a id=\"download\" href=\"/reports/panel/download?from=2022-09-01&amp;to=2022-10-31\""))
      let download = try await probe.get("/reports/panel/download?from=2022-09-01&to=2022-10-31", cookies: cookies)
      #expect(download.status == 200)
      #expect(
        download.headers["content-disposition"] == "attachment; filename=\"panel-report-2022-09-01-to-2022-10-31.html\""
      )
      #expect(download.body == PanelDocument.html(inputs))

      let engagement = try #require(
        try await parts.repository.engagements(matching: .init(), after: nil, limit: 1).page.first)
      #expect(!engagement.notes.isEmpty)
      let refused = try await probe.get("/engagements/\(engagement.id.uuidString.lowercased())", cookies: cookies)
      #expect(refused.status == 403)
      #expect(!refused.body.contains(engagement.notes))
      #expect(try await probe.get("/engagements", cookies: cookies).status == 403)
    }
  }

  @Test("visitors share one copy of the published figures for a minute; a signed-in reader sees them as they are now")
  func publicCopyForVisitors() async throws {
    try await withDemoPortal { parts, probe in
      func shropshire(_ page: HTTPProbe.Answer) -> Int? {
        let marker = "<tr data-key=\"shropshire\"><th scope=\"row\">Shropshire</th><td class=\"num count\">"
        guard let start = page.body.range(of: marker) else { return nil }
        return Int(page.body[start.upperBound...].prefix { $0.isNumber })
      }
      let first = try await probe.get("/public")
      #expect(first.status == 200)
      #expect(first.headers["cache-control"] == "public, max-age=60")
      let before = try #require(shropshire(first), "no Shropshire row on the published figures")
      // A new engagement in the period the page shows
      _ = try await parts.repository.record(
        Engagement(
          date: LocalDate("2022-10-20")!, who: .pcc, kind: .school, organisation: "Clun School", place: "Clun",
          area: "shropshire", createdBy: "pcc"), by: Caller.server("test", rpc: "test"))
      // A visitor gets the same copy (at most a minute old) ...
      let again = try await probe.get("/public")
      #expect(again.body == first.body)
      // ... and a signed-in reader the figures as they are now, never cached by the browser.
      let session = try await browserSignIn(
        probe, code: try await portalCode(parts, user: "gov-public", role: .governance))
      let now = try await probe.get("/public", cookies: [Session.cookieName: session])
      #expect(shropshire(now) == before + 1)
      #expect(now.headers["cache-control"] == "no-store")
    }
  }

  @Test("the published figures carry counts only: no note, organisation, place, person or topic of any engagement")
  func publicFiguresHoldNothingPersonal() async throws {
    try await withDemoPortal { parts, probe in
      // Given an engagement whose every text field is distinctive
      let caller = Caller.server("test", rpc: "test")
      _ = try await parts.repository.record(
        Engagement(
          date: LocalDate("2022-09-14")!, who: .dpcc, kind: .communityGroup, organisation: "Zephyrine Residents Group",
          place: "Quillon Hall", area: "shropshire", attendees: 12, topics: ["Xanthic parking"],
          followUpActions: ["Write to Mrs Yardley-Ovenden"], notes: "Mrs Yardley-Ovenden raised her neighbour's case.",
          createdBy: "dpcc"), by: caller)
      let everything = try await parts.repository.engagements(matching: .init(), after: nil, limit: 10_000).page
      // When anyone reads the published figures
      let page = try await probe.get("/public")
      #expect(page.status == 200)
      #expect(page.headers["cache-control"] == "public, max-age=60")
      // Then no text of any engagement is there (a place named like its area, "Telford", is the
      // area's name, which the page shows)
      let areaNames = try await parts.repository.areas().map(\.name)
      for engagement in everything {
        for text in [engagement.organisation, engagement.place, engagement.notes, engagement.createdBy]
          + engagement.topics + engagement.followUpActions
        where text.count >= 6 && !areaNames.contains(where: { $0.contains(text) }) {
          #expect(!page.body.contains(DocumentHTML.escape(text)), "\(text) reached the public page")
        }
      }
      for word in ["Yardley", "Zephyrine", "Quillon", "Xanthic"] { #expect(!page.body.contains(word)) }
      // And the counts are there: Shropshire's September count includes the new one
      let september = try await parts.repository.engagementSummary(
        matching: .init(from: LocalDate("2022-09-01")!, to: LocalDate("2022-09-30")!))
      #expect(
        page.body.contains(
          "<tr data-key=\"2022-09\"><th scope=\"row\">September 2022</th><td class=\"num count\">\(september.total)</td></tr>"
        ))
    }
  }

  @Test("without --public there is no public page, and a visitor is sent to sign in")
  func noPublicPage() async throws {
    try await withDemoPortal(publicPage: false) { _, probe in
      #expect(try await probe.get("/public").status == 404)
      let home = try await probe.get("/")
      #expect(home.status == 302 && home.headers["location"] == "/sign-in")
    }
  }

  @Test("disabling the account or revoking its devices ends its browser sessions at once")
  func revocationEndsSessions() async throws {
    try await withDemoPortal { parts, probe in
      let server = Caller.server("test", rpc: "test")
      let first = try await browserSignIn(probe, code: try await portalCode(parts, user: "reader-a", role: .analyst))
      #expect(try await probe.get("/plan", cookies: [Session.cookieName: first]).status == 200)
      for device in try await parts.accounts.devices(accountName: "reader-a") {
        _ = try await parts.accounts.revokeDevice(device.deviceID, by: server)
      }
      #expect(try await probe.get("/plan", cookies: [Session.cookieName: first]).status == 303)

      let second = try await browserSignIn(probe, code: try await portalCode(parts, user: "governance"))
      #expect(try await probe.get("/plan", cookies: [Session.cookieName: second]).status == 200)
      _ = try await parts.accounts.disableUser(name: "governance", by: server)
      let refused = try await probe.get("/plan", cookies: [Session.cookieName: second])
      #expect(refused.status == 303)
      #expect(refused.setCookies[Session.cookieName]?.contains("Max-Age=0") == true, "the dead cookie is removed")
    }
  }

  @Test(
    "bad input gets a 400 that names the field and the rule",
    arguments: [
      ("/review/2022-13", "month: must be a month written YYYY-MM"),
      ("/review?month=last", "month: must be a month written YYYY-MM"),
      ("/engagements/summary?from=2022-02-30", "from: must be a real day written YYYY-MM-DD"),
      ("/reports/panel?from=2022-10-01&to=2022-09-01", "to: must be on or after from (2022-10-01), got 2022-09-01"),
      ("/reports/panel?from=0001-01-01&to=9999-12-31", "to: must be within 100 years of from"),
      ("/engagements/not-a-uuid", "id: must be an engagement&#39;s id, a UUID"),
      ("/engagements?after=xyz", "after: must be a position from this page&#39;s own link"),
      ("/engagements?officeholder=mayor", "officeholder: must be one of"),
      ("/review/2999-01", "month: must not be after the current month"),
    ])
  func badInput(path: String, message: String) async throws {
    try await withDemoPortal { parts, probe in
      let session = try await browserSignIn(probe, code: try await portalCode(parts, user: "governance"))
      let answer = try await probe.get(path, cookies: [Session.cookieName: session])
      #expect(answer.status == 400, "\(path): \(answer.status)")
      #expect(answer.body.contains(message), "\(path): \(answer.body.prefix(2000))")
    }
  }

  @Test("every answer carries the security headers; a form over 16 KB is refused with 413")
  func headersAndLimits() async throws {
    try await withDemoPortal { _, probe in
      for path in ["/", "/sign-in", "/public", "/assets/assure.css", "/nowhere"] {
        let answer = try await probe.get(path)
        let policy = answer.headers["content-security-policy"] ?? ""
        #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), "\(path)")
        #expect(!policy.contains("unsafe-inline") && !policy.contains("script-src"), "\(path)")
        #expect(answer.headers["referrer-policy"] == "no-referrer", "\(path)")
        #expect(answer.headers["x-content-type-options"] == "nosniff", "\(path)")
      }
      #expect(try await probe.get("/nowhere").status == 404)
      let big = String(repeating: "a", count: 20_000)
      let answer = try await probe.send("POST", "/sign-in", form: ["csrf": "x", "code": big])
      #expect(answer.status == 413)
      let wrongType = try await probe.send("POST", "/sign-in", body: "{}", contentType: "application/json")
      #expect(wrongType.status == 415)
    }
  }

  @Test("text from the records is escaped: an organisation written as HTML shows as text")
  func recordsAreEscaped() async throws {
    try await withDemoPortal { parts, probe in
      _ = try await parts.repository.record(
        Engagement(
          date: LocalDate("2022-09-20")!, who: .pcc, kind: .communityGroup, organisation: "<b>Bold & Co</b>",
          place: "Hall", area: "worcestershire", notes: "<script>alert(1)</script>", createdBy: "pcc"),
        by: .server("test", rpc: "test"))
      let session = try await browserSignIn(probe, code: try await portalCode(parts, user: "governance"))
      let list = try await probe.get(
        "/engagements?from=2022-09-20&to=2022-09-20", cookies: [Session.cookieName: session])
      #expect(list.body.contains("&lt;b&gt;Bold &amp; Co&lt;/b&gt;"))
      #expect(!list.body.contains("<b>Bold"))
    }
  }
}

extension Result {
  var isFailure: Bool {
    if case .failure = self { return true }
    return false
  }
}
