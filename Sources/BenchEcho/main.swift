import GRPCCore
import GRPCNIOTransportHTTP2
// A bare grpc-swift-2 server for Scripts/bench-rpc.sh: answers bench.Echo/Get with a fixed
// message of the given size, doing no other work, on the same transport and transport
// configuration as assure-server (HTTP/2 over SwiftNIO, the same message and stream limits,
// idle, age and keepalive times) but with no interceptor, no store and no protobuf decoding:
// the request's bytes are taken as they come and the answer's bytes are made once. What
// assure-server's read costs beyond this is Assure's; what this costs beyond the C++ server is
// the library's.
//
// Usage: assure-bench-echo PORT PAYLOAD_BYTES
import Glibc

/// A message as its bytes on the wire: nothing to encode or decode.
struct RawBytes: MessageSerializer, MessageDeserializer {
  func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
  func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] {
    bytes.withUnsafeBytes { Array($0) }
  }
}

/// `bench.Echo/Get`, unary, as the generated code of a unary method registers it.
struct EchoService: RegistrableRPCService {
  /// `bench.Reply { payload = 1 (bytes) }` with `size` bytes of payload, encoded once.
  let reply: [UInt8]

  init(payloadBytes size: Int) {
    var length: [UInt8] = []
    var rest = size
    repeat {
      let low = UInt8(rest & 0x7f)
      rest >>= 7
      length.append(rest == 0 ? low : low | 0x80)
    } while rest != 0
    reply = [0x0a] + length + [UInt8](repeating: UInt8(ascii: "x"), count: size)
  }

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    let reply = self.reply
    router.registerHandler(
      forMethod: MethodDescriptor(fullyQualifiedService: "bench.Echo", method: "Get"),
      deserializer: RawBytes(), serializer: RawBytes()
    ) { request, context in
      _ = try await ServerRequest(stream: request)
      return StreamingServerResponse(single: ServerResponse(message: reply))
    }
  }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let size = Int(arguments[2]), size >= 0 else {
  print("usage: assure-bench-echo PORT PAYLOAD_BYTES")
  exit(64)
}
// assure-server's transport settings (ServerApplication.run, ConnectionLimits' defaults).
var config = HTTP2ServerTransport.Posix.Config.defaults
config.rpc.maxRequestPayloadSize = 2 * 4 * 1024 * 1024
config.http2.maxConcurrentStreams = 4096
config.connection.maxIdleTime = .seconds(300)
config.connection.maxAge = .seconds(3600)
config.connection.maxGraceTime = .seconds(20)
config.connection.keepalive.time = .seconds(120)
config.connection.keepalive.timeout = .seconds(20)
let server = GRPCServer(
  transport: .http2NIOPosix(
    address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext, config: config),
  services: [EchoService(payloadBytes: size)])
try await withThrowingDiscardingTaskGroup { group in
  group.addTask { try await server.serve() }
  if let address = try await server.listeningAddress {
    let line = Array("assure-bench-echo listening on \(address)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
  }
}
