// swift-tools-version:6.1
import PackageDescription

// Planhat Explorer builds on Linux (glibc): ncursesw, the glibc shims in CSupport, and
// FoundationNetworking's URLSession. It declares no Apple platform because none is built or tested.
//
// Modules by role, arrows one way (see ARCHITECTURE.md):
//   planhat (executable) → Explorer → TerminalUI;  TerminalCurses (ncurses, linked by the executable only)
//   planhat → PlanhatMCPHTTP → PlanhatMCP;  PlanhatMCPHTTP, PlanhatSandbox → HTTPFrontDoor (FlyingFox)
//   planhat → PlanhatMCP, PlanhatSandbox, PlanhatRemote, PlanhatJournal → PlanhatKit (the dependency-free core)
let package = Package(
    name: "planhat-explorer",
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
        // SHA-256 for PKCE (`planhat login`): the SDK's PKCE needs CryptoKit, absent on Linux.
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        // The core: JSON, catalog, schemas, validation, errors, the service, support. No dependencies.
        .target(name: "PlanhatKit"),
        // Planhat's REST API over URLSession, and the configuration (environment, YAML config file).
        .target(
            name: "PlanhatRemote",
            dependencies: [
                "PlanhatKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                // SHA-256 of a token: the key of its request limiter (`mcp --http --auth passthrough`).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The checking front door before FlyingFox (malformed, oversized, slow requests), shared by
        // `sandbox serve` and `mcp --http`.
        .target(name: "HTTPFrontDoor", dependencies: ["PlanhatKit", .product(name: "FlyingFox", package: "FlyingFox")]),
        .target(
            name: "PlanhatSandbox",
            dependencies: [
                "PlanhatKit",
                "HTTPFrontDoor",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        // The write journal in SQLite (the core's WriteJournal): every write of every face, for history and undo.
        .target(
            name: "PlanhatJournal",
            dependencies: ["PlanhatKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "PlanhatMCP",
            dependencies: [
                "PlanhatKit",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // MCP Streamable HTTP (`planhat mcp --http`): sessions, auth modes, Origin checks, behind the front door.
        .target(
            name: "PlanhatMCPHTTP",
            dependencies: [
                "PlanhatMCP", "PlanhatKit", "HTTPFrontDoor",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `planhat login`: OAuth authorization code + PKCE S256 with a loopback redirect (tokens are kept and
        // refreshed by PlanhatRemote, which every face uses).
        .target(
            name: "PlanhatLogin",
            dependencies: [
                "PlanhatRemote", "PlanhatKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]
        ),
        // glibc facilities the Glibc module does not export (strcasestr, mallopt) and the crash-time writer.
        .target(name: "CSupport"),
        // A terminal toolkit that knows no Planhat: cell buffer, display width, widgets, themes, keys.
        .target(name: "TerminalUI", dependencies: ["CSupport", .product(name: "Yams", package: "Yams")]),
        // The only code that touches ncurses; only the executable links it.
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW", providers: [.apt(["libncurses-dev"])]),
        .target(name: "TerminalCurses", dependencies: ["TerminalUI", "CNCursesW", "CSupport"]),
        .target(name: "Explorer", dependencies: ["TerminalUI", "PlanhatKit", "CSupport"]),
        // Records the git commit for `planhat --version` (a prebuild command running git).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(
            name: "planhat",
            dependencies: [
                "PlanhatKit",
                "PlanhatRemote",
                "PlanhatSandbox",
                "PlanhatJournal",
                "PlanhatMCP",
                "PlanhatMCPHTTP",
                "HTTPFrontDoor",
                "PlanhatLogin",
                "Explorer",
                "TerminalUI",
                "TerminalCurses",
                "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["BuildInfo"]
        ),
        // libFuzzer harnesses (-DFUZZING), replay tools otherwise: `make fuzz`, `make fuzz-mcp`, `make test`.
        .target(name: "FuzzSupport", path: "fuzz/Support"),
        .executableTarget(name: "PlanhatCoreFuzz", dependencies: ["PlanhatKit", "FuzzSupport"], path: "fuzz/Core"),
        .executableTarget(
            name: "PlanhatMCPFuzz",
            dependencies: ["PlanhatMCP", "PlanhatKit", "PlanhatSandbox", "FuzzSupport", .product(name: "MCP", package: "swift-sdk")],
            path: "fuzz/MCP"
        ),
        .executableTarget(
            name: "PlanhatBench",
            dependencies: ["Explorer", "TerminalUI", "PlanhatKit", "PlanhatSandbox", "PlanhatJournal", "PlanhatTestSupport"]
        ),
        // A Swift Testing trait for the suites that wait synchronously (kept apart from the support the bench links).
        .target(name: "PlanhatTestTraits", path: "Tests/Traits"),
        .target(name: "PlanhatTestSupport", dependencies: ["PlanhatKit", "PlanhatRemote", "PlanhatSandbox", "HTTPFrontDoor"], path: "Tests/Support"),
        .testTarget(name: "PlanhatKitTests", dependencies: ["PlanhatTestTraits", "PlanhatKit", "PlanhatRemote", "PlanhatTestSupport"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(
            name: "PlanhatSandboxTests",
            dependencies: ["PlanhatSandbox", "PlanhatKit", "PlanhatTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "PlanhatCLITests",
            dependencies: ["PlanhatTestTraits", "planhat", "PlanhatKit", "PlanhatRemote", "PlanhatSandbox", "HTTPFrontDoor", "PlanhatTestSupport"],
            exclude: ["fake_oauth_server.py"]
        ),
        .testTarget(
            name: "PlanhatJournalTests",
            dependencies: [
                "PlanhatTestTraits", "PlanhatJournal", "PlanhatKit", "PlanhatRemote", "PlanhatSandbox", "PlanhatTestSupport", "Explorer", "TerminalUI",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "ExplorerTests", dependencies: ["PlanhatTestTraits", "Explorer", "TerminalUI", "PlanhatKit", "PlanhatSandbox", "PlanhatTestSupport"]),
        .testTarget(name: "PlanhatRemoteTests", dependencies: ["PlanhatTestTraits", "PlanhatRemote", "PlanhatKit", "PlanhatSandbox", "PlanhatTestSupport"]),
        .testTarget(
            name: "PlanhatMCPTests",
            dependencies: [
                "PlanhatTestTraits",
                "PlanhatMCP", "PlanhatKit", "PlanhatSandbox", "PlanhatTestSupport",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            exclude: ["python_client_check.py", "python_http_check.py", "python_hosted_check.py", "python_views_check.py", "upstream_standin.py"]
        ),
    ]
)
