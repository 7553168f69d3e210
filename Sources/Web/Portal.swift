public import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
public import Logging
import Model
import NIOCore
import NIOSSL

/// The web portal: the plan, the monthly review, the Panel report and the engagement figures
/// in a browser, rendered on the server, for the people who read most and use no terminal.
///
/// It runs inside `assure-server` as one more service of its service group, on its own port,
/// over the server's store and under the server's permission table (`PortalServices.allows`).
///
/// ```swift
/// let portal = try Portal.application(settings: settings, services: services, logger: logger)
/// let group = ServiceGroup(services: [grpcServer, portal], logger: logger)
/// ```
public enum Portal {
  /// The gRPC calls whose permission rules the portal's pages follow (each must be in the table).
  public static var methods: [String] { Page.methods }

  /// The portal as a service: a Hummingbird application that listens on `settings`' address.
  /// `onListening` gets the address it listens on once it does.
  public static func application(
    settings: PortalSettings, services: PortalServices, logger: Logger,
    onListening: @escaping @Sendable (String) async -> Void = { _ in }
  ) throws -> some ApplicationProtocol {
    let router = try router(settings: settings, services: services, logger: logger)
    let server: HTTPServerBuilder
    if let certificate = settings.tlsCertificatePath, let key = settings.tlsKeyPath {
      var tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
      tls.minimumTLSVersion = .tlsv12
      server = try .http2Upgrade(tlsConfiguration: tls)
    } else {
      server = .http1()
    }
    let scheme = settings.usesTLS ? "https" : "http"
    return Application(
      router: router, server: server,
      configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? settings.port
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        await onListening("\(scheme)://\(host):\(port)")
      },
      logger: logger)
  }

  /// Every route, behind the security headers, the session check and the error pages.
  static func router(settings: PortalSettings, services: PortalServices, logger: Logger) throws -> Router<PortalContext>
  {
    let renderer = try Renderer(allows: services.allows, publicPage: settings.publicPage)
    let pages = PortalPages(services: services, renderer: renderer, settings: settings)
    let router = Router(context: PortalContext.self)
    router.add(middleware: SecurityHeadersMiddleware(tls: settings.usesTLS))
    router.add(middleware: SessionMiddleware(services: services, tls: settings.usesTLS))
    router.add(middleware: ErrorPageMiddleware(renderer: renderer, site: { await pages.site() }, logger: logger))

    router.get("/assets/assure.css") { _, _ in
      var headers = HTTPFields()
      headers[.contentType] = "text/css; charset=utf-8"
      headers[.cacheControl] = "public, max-age=3600"
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: PortalStyle.css)))
    }
    router.get("/") { request, context in try await pages.home(request, context) }
    router.get("/sign-in") { request, context in try await pages.signInForm(request, context) }
    router.post("/sign-in") { request, context in try await pages.signIn(request, context) }
    router.post("/sign-out") { request, context in try await pages.signOut(request, context) }
    router.get("/plan") { request, context in try await pages.plan(request, context) }
    router.get("/plan/elements/:id") { request, context in try await pages.element(request, context) }
    router.get("/review") { request, context in try await pages.review(request, context) }
    router.get("/review/:month") { request, context in try await pages.review(request, context) }
    router.get("/reports/panel") { request, context in try await pages.panelReport(request, context) }
    router.get("/reports/panel/download") { request, context in try await pages.panelDownload(request, context) }
    router.get("/engagements/summary") { request, context in try await pages.summary(request, context) }
    router.get("/engagements") { request, context in try await pages.engagements(request, context) }
    router.get("/engagements/:id") { request, context in try await pages.engagement(request, context) }
    router.get("/actions") { request, context in try await pages.actions(request, context) }
    if settings.publicPage {
      router.get("/public") { request, context in try await pages.publicFigures(request, context) }
    }
    return router
  }
}
