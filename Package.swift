// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "planhat-explorer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "planhat", targets: ["planhat"]),
        .library(name: "PlanhatKit", targets: ["PlanhatKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .target(
            name: "PlanhatKit",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "PlanhatSandbox",
            dependencies: [
                "PlanhatKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        .target(
            name: "PlanhatMCP",
            dependencies: [
                "PlanhatKit",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CSupport"),
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW", providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "TerminalUI",
            dependencies: ["CNCursesW", "CSupport", "PlanhatKit", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Explorer", dependencies: ["TerminalUI", "PlanhatKit", "CSupport"]),
        .executableTarget(
            name: "planhat",
            dependencies: [
                "PlanhatKit",
                "PlanhatSandbox",
                "PlanhatMCP",
                "Explorer",
                "TerminalUI",
                "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "PlanhatMCPFuzz",
            dependencies: ["PlanhatMCP", "PlanhatKit", "PlanhatSandbox", .product(name: "MCP", package: "swift-sdk")],
            path: "fuzz/MCP"
        ),
        .executableTarget(
            name: "PlanhatBench",
            dependencies: ["Explorer", "TerminalUI", "PlanhatKit", "PlanhatSandbox"]
        ),
        .target(name: "PlanhatTestSupport", path: "Tests/Support"),
        .testTarget(name: "PlanhatKitTests", dependencies: ["PlanhatKit", "PlanhatTestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(
            name: "PlanhatSandboxTests",
            dependencies: ["PlanhatSandbox", "PlanhatKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "PlanhatCLITests", dependencies: ["planhat", "PlanhatKit", "PlanhatSandbox", "PlanhatTestSupport"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "TerminalUI", "PlanhatKit", "PlanhatSandbox", "PlanhatTestSupport"]),
        .testTarget(name: "PlanhatRemoteTests", dependencies: ["PlanhatKit", "PlanhatTestSupport"]),
        .testTarget(
            name: "PlanhatMCPTests",
            dependencies: [
                "PlanhatMCP", "PlanhatKit", "PlanhatSandbox", "PlanhatTestSupport",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            exclude: ["python_client_check.py"]
        ),
    ]
)
