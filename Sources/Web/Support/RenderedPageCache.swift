/// A rendered page kept for `lifetime`: the first request after it expires renders it again,
/// and requests that arrive meanwhile wait for that one rendering rather than start their own.
actor RenderedPageCache {
  private let lifetime: Duration
  private var cached: (html: String, at: ContinuousClock.Instant)?
  private var rendering: Task<String, any Error>?

  init(lifetime: Duration) {
    self.lifetime = lifetime
  }

  func html(_ render: @escaping @Sendable () async throws -> String) async throws -> String {
    if let cached, ContinuousClock.now - cached.at < lifetime { return cached.html }
    if let rendering { return try await rendering.value }
    let task = Task { try await render() }
    rendering = task
    defer { rendering = nil }
    let html = try await task.value
    cached = (html, ContinuousClock.now)
    return html
  }
}
