import Application
import Foundation
import Hummingbird
import Model
import Reports

/// The portal's pages. Each page that shows records checks the session's role against the
/// permission table first (`require`), then reads through the repositories, as the RPCs do.
struct PortalPages: Sendable {
  let services: PortalServices
  let renderer: Renderer
  let settings: PortalSettings
  /// The published figures as a visitor sees them, rendered at most once a minute.
  let visitorsPublicPage = RenderedPageCache(lifetime: .seconds(60))

  /// The site's name in every page's header: the force's, from its profile.
  func site() async -> String {
    let profile = try? await services.governance.forceProfile()
    return "Assure: \(Self.forceName(profile))"
  }

  /// The force's name as the pages write it: its profile's, or "the office" until one is set.
  static func forceName(_ profile: ForceProfile?) -> String {
    guard let name = profile?.forceName.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return "The office" }
    return name
  }

  /// The session allowed to read `page`: a visitor with none is sent to sign in (and back here
  /// after), a role the permission table does not allow is refused with 403.
  func require(_ page: Page, _ request: Request, _ context: PortalContext) throws -> Session {
    guard let session = context.session else { throw SignInRequired(next: Self.local(request.uri.description)) }
    guard renderer.may(session, page) else {
      throw PortalError(
        .forbidden,
        "your role (\(session.account.role.rawValue)) may not read this page; ask the office's administrator if you need it"
      )
    }
    return session
  }

  /// `path` when it is a path on this site, else `/` (a `next` never leads elsewhere).
  static func local(_ path: String) -> String {
    guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"), !path.contains("\r"),
      !path.contains("\n")
    else { return "/" }
    return path
  }

  /// A page in the layout.
  func page(
    _ title: String, _ template: String, _ object: Any, _ context: PortalContext, current: String?,
    status: HTTPResponse.Status = .ok
  ) async -> Response {
    renderer.page(
      title: title, site: await site(), body: renderer.body(template, object), session: context.session,
      current: current, status: status)
  }

  // MARK: - Home

  func home(_ request: Request, _ context: PortalContext) async throws -> Response {
    guard let session = context.session else {
      return .moved(to: settings.publicPage ? "/public" : "/sign-in", status: .found)
    }
    let about: [Page: String] = [
      .plan: "every plan element's status, RAG rating, lead and due date, this month against last",
      .review: "the monthly governance review of any month",
      .panelReport: "the Police and Crime Panel's report for a period, to read, download or print",
      .summary: "engagements by month, area, officeholder and kind, with charts",
      .engagements: "the engagements themselves, filtered",
      .actions: "the governance meetings' open actions and when they are due",
    ]
    let pages = Page.allCases.filter { renderer.may(session, $0) }.compactMap { page -> [String: Any]? in
      guard let (label, path) = page.navigation else { return nil }
      return ["label": label, "path": path, "about": about[page] ?? ""]
    }
    let object: [String: Any] = [
      "heading": "Welcome, \(session.account.displayName.isEmpty ? session.account.name : session.account.displayName)",
      "roleName": session.account.role.rawValue, "pages": pages, "hasPages": !pages.isEmpty,
      "publicPage": settings.publicPage,
    ]
    return await page("Home", "home", object, context, current: "/")
  }

  // MARK: - Sign-in

  func signInForm(_ request: Request, _ context: PortalContext) async throws -> Response {
    if context.session != nil { return .moved(to: "/", status: .found) }
    return await signInPage(
      next: Self.local(request.uri.queryParameters.get("next") ?? "/"), error: nil,
      context, status: .ok)
  }

  /// The sign-in form with a new form token in its cookie and its hidden field.
  private func signInPage(next: String, error: String?, _ context: PortalContext, status: HTTPResponse.Status) async
    -> Response
  {
    let token = Session.newFormToken()
    var object: [String: Any] = ["csrf": token, "next": next, "publicPage": settings.publicPage]
    if let error { object["error"] = error }
    var response = await page("Sign in", "signIn", object, context, current: "/sign-in", status: status)
    response.setCookie(
      Cookie(
        name: Session.formCookieName, value: token, maxAge: 3600, path: "/sign-in", secure: settings.usesTLS,
        httpOnly: true, sameSite: .strict))
    return response
  }

  /// Exchanges a one-time code for a session: the code is checked like `Enrol`'s, against the
  /// same limit per address, and the session is a device of the account named `browser-…`.
  func signIn(_ request: Request, _ context: PortalContext) async throws -> Response {
    let form = try await Form.read(request, context: context)
    guard let expected = request.cookies[Session.formCookieName]?.value, let sent = form["csrf"],
      Session.same(expected, sent)
    else {
      throw PortalError(
        .forbidden, "the sign-in form has expired or did not come from this site: open the sign-in page again")
    }
    let next = Self.local(form["next"] ?? "/")
    let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces)
    guard !code.isEmpty else {
      return await signInPage(next: next, error: "code: enter the one-time code", context, status: .badRequest)
    }
    let limiter = services.limiter
    if let refusal = await limiter.admitAttempt(from: context.address) { throw PortalError(.tooManyRequests, refusal) }
    let issued: IssuedToken
    do {
      issued = try await services.accounts.enrol(
        code: code, deviceID: "browser-" + Session.newFormToken().prefix(12), label: "browser sign-in",
        rpc: "Portal.SignIn", lifetime: settings.sessionLifetime)
    } catch let error as AccessError where error.code == .unauthenticated {
      let delay = limiter.attemptFailed(from: context.address, reason: "portal sign-in: \(error.message)")
      if delay > .zero { try? await Task.sleep(for: delay) }
      return await signInPage(next: next, error: "code: \(error.message)", context, status: .unauthorized)
    } catch {
      limiter.attemptSucceeded(from: context.address)
      throw error
    }
    limiter.attemptSucceeded(from: context.address)
    services.signInsChanged()
    var response = Response.moved(to: next)
    response.setCookie(Session.cookie(issued.token, maxAge: Int(settings.sessionLifetime), secure: settings.usesTLS))
    response.setCookie(
      Cookie(
        name: Session.formCookieName, value: "", maxAge: 0, path: "/sign-in", secure: settings.usesTLS, httpOnly: true,
        sameSite: .strict))
    return response
  }

  /// Ends the session: its token is revoked on the server, not only forgotten by the browser.
  func signOut(_ request: Request, _ context: PortalContext) async throws -> Response {
    let form = try await Form.read(request, context: context)
    guard let session = context.session else { return .moved(to: "/sign-in") }
    guard let sent = form["csrf"], Session.same(session.csrf, sent) else {
      throw PortalError(
        .forbidden, "the sign-out form did not come from this page: sign out from the portal's own button")
    }
    _ = try await services.accounts.revokeOwn(session.principal, by: session.caller("Portal.SignOut"))
    services.signInsChanged()
    var response = Response.moved(to: "/sign-in")
    response.setCookie(Session.clearing(Session.cookieName, secure: settings.usesTLS))
    return response
  }
}

/// A page that needs a session, asked for without one: answered by a redirect to sign in.
struct SignInRequired: Error, Sendable {
  let next: String
}
