import Foundation
import GRPCCore
import GRPCInProcessTransport
import RPC
import SwiftProtobuf
import Testing

@testable import Server

@Suite struct ReflectionTests {
  func ask(
    _ client: GRPCClient<InProcessTransport.Client>, _ requests: [Grpc_Reflection_V1_ServerReflectionRequest]
  ) async throws -> [Grpc_Reflection_V1_ServerReflectionResponse] {
    try await Grpc_Reflection_V1_ServerReflection.Client(wrapping: client).serverReflectionInfo(
      request: StreamingClientRequest { writer in try await writer.write(contentsOf: requests) }
    ) { response in try await response.messages.reduce(into: []) { $0.append($1) } }
  }

  @Test("reflection lists every service and gives each symbol's file with its imports, with no token")
  func reflection() async throws {
    try await withDemoServerParts { _, client, _ in
      let answers = try await ask(
        client,
        [
          .with { $0.listServices = "" },
          .with { $0.fileContainingSymbol = "assure.v1.SyncService.Push" },
          .with { $0.fileContainingSymbol = "assure.v1.Conflict.Side" },
          .with { $0.fileByFilename = "assure/v1/governance.proto" },
          .with { $0.fileContainingSymbol = "assure.v1.Nothing" },
        ])
      #expect(answers.count == 5)
      #expect(answers[0].listServicesResponse.service.map(\.name) == ServerApplication.reflectedServices.sorted())
      let push = try answers[1].fileDescriptorResponse.fileDescriptorProto.map {
        try Google_Protobuf_FileDescriptorProto(serializedBytes: $0)
      }
      #expect(push.first?.name == "assure/v1/sync.proto")
      #expect(push.map(\.name).contains("google/protobuf/timestamp.proto"), "imports come with the file")
      #expect(Set(push.map(\.name)).count == push.count, "each file once")
      #expect(!answers[2].fileDescriptorResponse.fileDescriptorProto.isEmpty, "nested types are found")
      let governance = try answers[3].fileDescriptorResponse.fileDescriptorProto.map {
        try Google_Protobuf_FileDescriptorProto(serializedBytes: $0)
      }
      #expect(governance.first?.service.first?.name == "GovernanceService")
      #expect(governance.map(\.name).contains("assure/v1/plan.proto"))
      #expect(answers[4].errorResponse.errorCode == Int32(RPCError.Code.notFound.rawValue))
    }
  }
}
