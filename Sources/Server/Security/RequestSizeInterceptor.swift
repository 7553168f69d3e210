import GRPCCore
import SwiftProtobuf

/// Refuses request messages over the configured size with `INVALID_ARGUMENT` naming the
/// limit. The transport itself accepts messages up to twice the limit (past that it resets
/// the stream without reading it, which clients see as `CANCELLED`), so a request somewhat
/// over the limit gets a clear answer rather than a dropped stream.
struct RequestSizeInterceptor: ServerInterceptor {
  let limit: Int

  func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let limit = self.limit
    var request = request
    let checked = request.messages.map { message -> Input in
      if let message = message as? any SwiftProtobuf.Message {
        let bytes: [UInt8] = try message.serializedBytes()
        if bytes.count > limit {
          throw RPCError(
            code: .invalidArgument,
            message:
              "request: a message may be at most \(limit) bytes (got \(bytes.count)); send fewer records per call")
        }
      }
      return message
    }
    request.messages = RPCAsyncSequence(wrapping: checked)
    return try await next(request, context)
  }
}
