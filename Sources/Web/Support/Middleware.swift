import Application
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Model

/// Headers on every answer: a strict Content-Security-Policy (the portal's own style sheet, no
/// script, no frames, forms only to itself), no referrer, no sniffing, no caching of what a
/// signed-in reader saw; HSTS under TLS.
struct SecurityHeadersMiddleware: RouterMiddleware {
  typealias Context = PortalContext
  let tls: Bool

  static let contentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    + "base-uri 'none'"

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    var response = try await next(request, context)
    response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
    response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
    response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
    response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
    if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
    return response
  }
}

/// Checks the session cookie: a valid one puts the session in the context; an unknown, revoked
/// or expired one counts as a failed sign-in for the address (as a bad token does over gRPC)
/// and is removed from the browser.
struct SessionMiddleware: RouterMiddleware {
  typealias Context = PortalContext
  let services: PortalServices
  let tls: Bool

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    guard let token = request.cookies[Session.cookieName]?.value, !token.isEmpty else {
      return try await next(request, context)
    }
    let limiter = services.limiter
    if let refusal = await limiter.admitAttempt(from: context.address) { throw PortalError(.tooManyRequests, refusal) }
    let result: Result<Principal, AccessError>
    do {
      result = try await services.accounts.authenticate(token: token)
    } catch {
      limiter.attemptSucceeded(from: context.address)
      throw error
    }
    switch result {
    case .success(let principal):
      limiter.attemptSucceeded(from: context.address)
      try? await services.accounts.noteUse(of: principal.token)
      var context = context
      context.session = Session(principal: principal, token: token)
      return try await next(request, context)
    case .failure(let error):
      let delay = limiter.attemptFailed(from: context.address, reason: "portal session: \(error.message)")
      if delay > .zero { try? await Task.sleep(for: delay) }
      var response = try await next(request, context)
      response.setCookie(Session.clearing(Session.cookieName, secure: tls))
      return response
    }
  }
}

/// Turns what a page throws into an error page in the layout: the portal's own refusals with
/// their status, a bad value with the field and the rule (400), a store that cannot be reached
/// (503); anything else is logged and shown as a 500 without its text.
struct ErrorPageMiddleware: RouterMiddleware {
  typealias Context = PortalContext
  let renderer: Renderer
  let site: @Sendable () async -> String
  let logger: Logger

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
    -> Response
  {
    let failure: PortalError
    do {
      return try await next(request, context)
    } catch let required as SignInRequired {
      let next =
        required.next.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_.~")))
        ?? "/"
      return .moved(to: required.next == "/" ? "/sign-in" : "/sign-in?next=\(next)")
    } catch let refused as PortalError {
      failure = refused
    } catch let invalid as ValidationError {
      failure = PortalError(.badRequest, invalid.description)
    } catch let denied as AccessError {
      failure = PortalError(.forbidden, denied.message)
    } catch let http as HTTPError {
      failure = PortalError(
        http.status, http.status == .notFound ? "there is no page at \(request.uri.path)" : http.status.reasonPhrase)
    } catch let storage as StorageError where storage.code == .notFound {
      failure = PortalError(.notFound, storage.message)
    } catch let storage as StorageError where storage.code == .unavailable {
      logger.warning("portal: store unavailable", metadata: ["path": "\(request.uri.path)"])
      failure = PortalError(
        .serviceUnavailable, "the office's records cannot be reached just now; try again in a minute")
    } catch {
      logger.error("portal: page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
      failure = PortalError(.internalServerError, "the page could not be made; the error is in the server's log")
    }
    let body = renderer.body("message", ["heading": failure.heading, "lines": [failure.message]] as [String: Any])
    return renderer.page(
      title: failure.heading, site: await site(), body: body, session: context.session, current: nil,
      status: failure.status)
  }
}
