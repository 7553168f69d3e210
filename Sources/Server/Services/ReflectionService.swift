import Foundation
import GRPCCore
import RPC
import SwiftProtobuf

/// What server reflection answers from: the descriptors of every .proto file the server was
/// built from (`ProtoDescriptors`, made by Scripts/generate-protos.sh) and the services it
/// serves.
struct ReflectionIndex: Sendable {
  /// Serialized FileDescriptorProto by file name.
  let files: [String: Data]
  /// Each file's imports.
  let imports: [String: [String]]
  /// The file declaring each fully qualified symbol (services, methods, messages, enums).
  let symbols: [String: String]
  /// Fully qualified names of the services served, sorted.
  let services: [String]

  init(services: [String]) throws {
    guard let data = Data(base64Encoded: ProtoDescriptors.fileDescriptorSetBase64) else {
      throw RPCError(code: .internalError, message: "the built-in descriptor set is not base64")
    }
    let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
    var files: [String: Data] = [:]
    var imports: [String: [String]] = [:]
    var symbols: [String: String] = [:]
    for file in set.file {
      files[file.name] = try file.serializedBytes()
      imports[file.name] = file.dependency
      let prefix = file.package.isEmpty ? "" : file.package + "."
      func add(_ message: Google_Protobuf_DescriptorProto, in scope: String) {
        let name = scope + message.name
        symbols[name] = file.name
        for nested in message.nestedType { add(nested, in: name + ".") }
        for nestedEnum in message.enumType { symbols[name + "." + nestedEnum.name] = file.name }
      }
      for message in file.messageType { add(message, in: prefix) }
      for enumType in file.enumType { symbols[prefix + enumType.name] = file.name }
      for service in file.service {
        symbols[prefix + service.name] = file.name
        for method in service.method { symbols[prefix + service.name + "." + method.name] = file.name }
      }
    }
    self.files = files
    self.imports = imports
    self.symbols = symbols
    self.services = services.sorted()
  }

  /// A file and everything it imports, the file first, each once.
  func withImports(_ name: String) -> [Data] {
    var seen: Set<String> = []
    var order: [String] = []
    func visit(_ file: String) {
      guard !seen.contains(file), files[file] != nil else { return }
      seen.insert(file)
      order.append(file)
      for dependency in imports[file] ?? [] { visit(dependency) }
    }
    visit(name)
    return order.compactMap { files[$0] }
  }

  /// The answer to one reflection request.
  func answer(_ request: Grpc_Reflection_V1_ServerReflectionRequest) -> Grpc_Reflection_V1_ServerReflectionResponse {
    var response = Grpc_Reflection_V1_ServerReflectionResponse()
    response.validHost = request.host
    response.originalRequest = request
    func notFound(_ text: String) {
      response.errorResponse = .with {
        $0.errorCode = Int32(RPCError.Code.notFound.rawValue)
        $0.errorMessage = text
      }
    }
    switch request.messageRequest {
    case .listServices:
      response.listServicesResponse = .with { $0.service = services.map { name in .with { $0.name = name } } }
    case .fileByFilename(let name):
      if files[name] != nil {
        response.fileDescriptorResponse = .with { $0.fileDescriptorProto = withImports(name) }
      } else {
        notFound("no file \(name)")
      }
    case .fileContainingSymbol(let symbol):
      let name = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
      if let file = symbols[name] {
        response.fileDescriptorResponse = .with { $0.fileDescriptorProto = withImports(file) }
      } else {
        notFound("no symbol \(name)")
      }
    case .fileContainingExtension(let request):
      notFound("no extension \(request.extensionNumber) of \(request.containingType): Assure's protos declare none")
    case .allExtensionNumbersOfType(let type):
      if symbols[type] != nil {
        response.allExtensionNumbersResponse = .with { $0.baseTypeName = type }
      } else {
        notFound("no type \(type)")
      }
    case nil:
      response.errorResponse = .with {
        $0.errorCode = Int32(RPCError.Code.invalidArgument.rawValue)
        $0.errorMessage = "message_request: one of its fields must be set"
      }
    }
    return response
  }
}

/// `grpc.reflection.v1.ServerReflection`, so that grpcurl and other tools can list and call
/// the services without the .proto files.
struct ReflectionService: Grpc_Reflection_V1_ServerReflection.SimpleServiceProtocol {
  let index: ReflectionIndex

  func serverReflectionInfo(
    request: RPCAsyncSequence<Grpc_Reflection_V1_ServerReflectionRequest, any Error>,
    response: RPCWriter<Grpc_Reflection_V1_ServerReflectionResponse>,
    context: ServerContext
  ) async throws {
    for try await message in request { try await response.write(index.answer(message)) }
  }
}

/// The same service under its earlier name `grpc.reflection.v1alpha`, which Python's
/// grpcio-reflection still calls. The messages are identical on the wire, so each is carried
/// across by its bytes.
struct ReflectionServiceV1Alpha: Grpc_Reflection_V1alpha_ServerReflection.SimpleServiceProtocol {
  let index: ReflectionIndex

  func serverReflectionInfo(
    request: RPCAsyncSequence<Grpc_Reflection_V1alpha_ServerReflectionRequest, any Error>,
    response: RPCWriter<Grpc_Reflection_V1alpha_ServerReflectionResponse>,
    context: ServerContext
  ) async throws {
    for try await message in request {
      let asked = try Grpc_Reflection_V1_ServerReflectionRequest(
        serializedBytes: try message.serializedBytes() as [UInt8])
      let answer: [UInt8] = try index.answer(asked).serializedBytes()
      try await response.write(try Grpc_Reflection_V1alpha_ServerReflectionResponse(serializedBytes: answer))
    }
  }
}
