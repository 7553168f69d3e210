// swift-tools-version:6.1
// Builds the two protoc plugins that Scripts/generate-protos.sh uses, pinned to the exact
// versions the main package depends on, so generated code matches the runtime.
import PackageDescription

let package = Package(
  name: "protoc-plugins",
  dependencies: [
    .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0", traits: []),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "2.4.1"),
  ],
  targets: []
)
