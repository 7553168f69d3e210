import Foundation
import Hummingbird
import Model
import Mustache

/// Renders the portal's pages: a template's body inside the layout, with the navigation of what
/// the signed-in role may read.
struct Renderer: Sendable {
  let library: MustacheLibrary
  let allows: @Sendable (_ method: String, _ role: Role) -> Bool
  let publicPage: Bool

  init(allows: @escaping @Sendable (_ method: String, _ role: Role) -> Bool, publicPage: Bool) throws {
    var library = MustacheLibrary()
    for (name, source) in Templates.sources { try library.register(source, named: name) }
    self.library = library
    self.allows = allows
    self.publicPage = publicPage
  }

  /// Whether the session's role may read `page` (fails closed for a role the table does not name).
  func may(_ session: Session?, _ page: Page) -> Bool {
    guard let session else { return false }
    return allows(page.method, session.account.role)
  }

  /// The pages in the navigation the session may read.
  func navigation(_ session: Session?, current: String?) -> [[String: Any]] {
    var items: [[String: Any]] = []
    if let session {
      items.append(["label": "Home", "path": "/", "current": current == "/"])
      for page in Page.allCases where may(session, page) {
        guard let (label, path) = page.navigation else { continue }
        items.append(["label": label, "path": path, "current": current == path])
      }
    } else {
      items.append(["label": "Sign in", "path": "/sign-in", "current": current == "/sign-in"])
    }
    if publicPage { items.append(["label": "Published figures", "path": "/public", "current": current == "/public"]) }
    return items
  }

  /// The body of template `name` for `object`.
  func body(_ name: String, _ object: Any) -> String {
    library.render(object, withTemplate: name) ?? ""
  }

  /// A whole page: `body` inside the layout.
  func page(
    title: String, site: String, body: String, session: Session?, current: String?, status: HTTPResponse.Status = .ok
  ) -> Response {
    Response.html(pageHTML(title: title, site: site, body: body, session: session, current: current), status: status)
  }

  /// The HTML of a whole page.
  func pageHTML(title: String, site: String, body: String, session: Session?, current: String?) -> String {
    var layout: [String: Any] = [
      "title": title, "site": site, "body": body, "nav": navigation(session, current: current),
    ]
    if let session {
      layout["user"] = [
        "name": session.account.name, "role": session.account.role.rawValue, "csrf": session.csrf,
      ]
    }
    return library.render(layout, withTemplate: "layout") ?? ""
  }
}

extension Response {
  /// An HTML page.
  static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/html; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
  }

  /// A redirect to `location` after a form (303) or for a page moved (302).
  static func moved(to location: String, status: HTTPResponse.Status = .seeOther) -> Response {
    var headers = HTTPFields()
    headers[.location] = location
    return Response(status: status, headers: headers)
  }
}
