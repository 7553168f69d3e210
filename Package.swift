// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target.
let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  // Existential types are spelled `any P`, so their cost is visible where they are used.
  .enableUpcomingFeature("ExistentialAny"),
  // A file sees only the members of the modules it imports itself: the module graph in
  // Docs/Architecture.md is then enforced by the compiler, not by convention.
  .enableUpcomingFeature("MemberImportVisibility"),
  // An import is internal unless written `public import`: a module's public interface says
  // which of its dependencies its users see.
  .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only (Docs/Decisions.md): the server and the field client call Linux's own interfaces
// (flock, O_NOFOLLOW, CLOCK_BOOTTIME and the boot id, malloc_trim) through Glibc, so no Apple
// platform is declared.
let package = Package(
  name: "assure",
  products: [
    .executable(name: "assure-server", targets: ["Server"]),
    .executable(name: "assure", targets: ["FieldClient"]),
    // The bare grpc-swift-2 reference of Scripts/bench-rpc.sh (no Assure code at all).
    .executable(name: "assure-bench-echo", targets: ["BenchEcho"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0", traits: []),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
  ],
  targets: [
    .target(
      name: "Model",
      swiftSettings: swiftSettings
    ),
    // Helpers shared by test targets only (temporary folders, sample values).
    .target(
      name: "TestSupport",
      dependencies: ["Model"],
      path: "Tests/TestSupport",
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ModelTests",
      dependencies: ["Model", .product(name: "PropertyBased", package: "swift-property-based")],
      swiftSettings: swiftSettings
    ),

    // The store protocols, one per bounded context, and the records they pass: no storage
    // engine here (Docs/Architecture.md).
    .target(
      name: "Stores",
      dependencies: [
        "Model",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),

    // The stores on SQLite: schemas, migrations, statements. The only module importing GRDB.
    .target(
      name: "SQLiteStore",
      dependencies: [
        "Model",
        "Stores",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Metrics", package: "swift-metrics"),
      ],
      swiftSettings: swiftSettings
    ),
    // The server's stores on PostgreSQL: schema, migrations, statements. The only module
    // importing PostgresNIO.
    .target(
      name: "PostgresStore",
      dependencies: [
        "Model",
        "Stores",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // The server's store on either engine for tests that run on both: SQLite always, and
    // PostgreSQL when ASSURE_TEST_POSTGRES names a server (.ci/run starts one).
    .target(
      name: "StoreTestSupport",
      dependencies: [
        "PostgresStore",
        "SQLiteStore",
        "Stores",
        "TestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ],
      path: "Tests/StoreTestSupport",
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "PostgresStoreTests",
      dependencies: [
        "Model",
        "PostgresStore",
        "StoreTestSupport",
        "Stores",
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SQLiteStoreTests",
      dependencies: [
        "Model",
        "SQLiteStore",
        "Stores",
        "TestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: swiftSettings
    ),

    .target(
      name: "Sync",
      dependencies: [
        "Model",
        "Stores",
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SyncTests",
      dependencies: [
        "Application",
        "Model",
        "SQLiteStore",
        "StoreTestSupport",
        "Stores",
        "Sync",
        "TestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: swiftSettings
    ),

    // What the server does (sync apply and pull, accounts, governance, oversight), with the
    // caller explicit; the services in Server are thin wrappers over it.
    .target(
      name: "Application",
      dependencies: [
        "Model",
        "Stores",
        "Sync",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ApplicationTests",
      dependencies: [
        "Application",
        "Model",
        "SQLiteStore",
        "StoreTestSupport",
        "Stores",
        "Sync",
        "TestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: swiftSettings
    ),

    .target(
      name: "RPC",
      dependencies: [
        "Model",
        "Sync",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      exclude: ["Generated/README.md"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "RPCTests",
      dependencies: [
        "Model",
        "RPC",
        "Sync",
        .product(name: "PropertyBased", package: "swift-property-based"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),

    // The web portal: pages rendered on the server from Application's reads, behind the same
    // permission table as the RPCs (the server passes it in).
    .target(
      name: "Web",
      dependencies: [
        "Application",
        "Model",
        "Reports",
        "Stores",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "HummingbirdHTTP2", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "WebTests",
      dependencies: ["Model", "Web"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "Server",
      dependencies: [
        "Application",
        "Model",
        "Reports",
        "PostgresStore",
        "RPC",
        "SQLiteStore",
        "Stores",
        "Sync",
        "Web",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Configuration", package: "swift-configuration"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOHTTP2", package: "swift-nio-http2"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ServerTests",
      dependencies: [
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "Application",
        "Model",
        "Reports",
        "RPC",
        "Server",
        "PostgresStore",
        "SQLiteStore",
        "StoreTestSupport",
        "Stores",
        "Sync",
        "TestSupport",
        "Web",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),

    // Governance pack and Panel report: data -> document (Markdown, HTML).
    .target(
      name: "Reports",
      dependencies: ["Model"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ReportsTests",
      dependencies: ["Model", "Reports"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "BenchEcho",
      dependencies: [
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "FieldClient",
      dependencies: [
        "Model",
        "Reports",
        "RPC",
        "SQLiteStore",
        "Stores",
        "Sync",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "FieldClientTests",
      dependencies: [
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "FieldClient",
        "Model",
        "RPC",
        "Server",
        "PostgresStore",
        "SQLiteStore",
        "StoreTestSupport",
        "Stores",
        "Sync",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
      ],
      swiftSettings: swiftSettings
    ),
  ]
)
