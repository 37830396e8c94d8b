// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let kit: [Target.Dependency] = [
    "SharedModels",
    "ServiceKit",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "PostgresNIO", package: "postgres-nio"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "HTTPTypes", package: "swift-http-types"),
]

/// One thin executable per service: the folder under Services/, the binary name scripts start.
func serviceTarget(_ name: String, extra: [Target.Dependency] = [], resources: [Resource] = [.copy("Migrations")]) -> Target {
    .executableTarget(name: name, dependencies: kit + extra, path: "Services/\(name)", resources: resources, swiftSettings: swiftSettings)
}

func testTarget(_ name: String, extra: [Target.Dependency] = []) -> Target {
    .testTarget(
        name: name,
        dependencies: kit + extra + [
            "TestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Configuration", package: "swift-configuration"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        path: "Tests/\(name)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "audience-hub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["Gateway"]),
        .executable(name: "connections-service", targets: ["ConnectionsService"]),
        .executable(name: "sync-service", targets: ["SyncService"]),
        .executable(name: "classifier-service", targets: ["ClassifierService"]),
        .executable(name: "topics-service", targets: ["TopicsService"]),
        .executable(name: "activation-service", targets: ["ActivationService"]),
        .executable(name: "audiencehub", targets: ["CLI"]),
        .executable(name: "classifier-bench", targets: ["ClassifierBench"]),
        .executable(name: "dedup-bench", targets: ["DedupBench"]),
        .executable(name: "sample-source", targets: ["SampleSource"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .target(name: "SharedModels", path: "Shared/Models", swiftSettings: swiftSettings),
        .target(
            name: "Connectors",
            dependencies: [
                "SharedModels",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Connectors",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceKit",
            dependencies: [
                "SharedModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: swiftSettings
        ),
        serviceTarget(
            "Gateway",
            extra: [
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Migrations"), .copy("openapi.json")]
        ),
        serviceTarget("ConnectionsService", extra: ["Connectors", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        serviceTarget("SyncService", extra: ["Connectors", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        // The demo's external segment API: IAB Audience Taxonomy names and variants, with switchable faults.
        .executableTarget(
            name: "SampleSource",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Services/SampleSource",
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ClassifierEngine", dependencies: ["SharedModels"], path: "Shared/ClassifierEngine", resources: [.copy("Taxonomy")],
            swiftSettings: swiftSettings
        ),
        serviceTarget(
            "ClassifierService", extra: ["ClassifierEngine", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .executableTarget(
            name: "ClassifierBench",
            dependencies: [
                "ClassifierEngine", "SharedModels", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/ClassifierBench",
            swiftSettings: swiftSettings
        ),
        // The count of shared keys at the heart of dedup, in C: one build carries an AVX2 and a baseline version.
        .target(name: "DedupScan", path: "Shared/DedupScan"),
        .target(name: "Dedup", dependencies: ["SharedModels", "DedupScan"], path: "Shared/Dedup", swiftSettings: swiftSettings),
        serviceTarget(
            "TopicsService",
            extra: [
                "Dedup", "ClassifierEngine", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "DedupBench", dependencies: ["Dedup", "SharedModels"], path: "Benchmarks/DedupBench", swiftSettings: swiftSettings
        ),
        serviceTarget(
            "ActivationService",
            extra: ["Connectors", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "SharedModels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Services/CLI",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "SharedModels", "ServiceKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        testTarget("ServiceKitTests"),
        testTarget("GatewayTests", extra: ["Gateway"]),
        testTarget("TopicsServiceTests", extra: ["TopicsService", "ClassifierService", "Dedup"]),
        testTarget("DedupTests", extra: ["Dedup", "DedupScan"]),
        testTarget("ConnectionsServiceTests", extra: ["ConnectionsService", "Connectors"]),
        testTarget("SyncServiceTests", extra: ["SyncService", "Connectors", "SampleSource"]),
        testTarget("CLITests", extra: ["CLI"]),
        testTarget("ActivationServiceTests", extra: ["ActivationService", "Connectors"]),
        .testTarget(
            name: "ClassifierServiceTests",
            dependencies: kit + [
                "ClassifierService", "ClassifierEngine", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/ClassifierServiceTests",
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        testTarget("EndToEndTests", extra: [.product(name: "AsyncHTTPClient", package: "async-http-client")]),
    ]
)
