import Foundation
import HTTPFrontDoor
import PlanhatKit
import PlanhatMCP

/// What `planhat mcp --http` serves and how.
public struct MCPHTTPConfiguration: Sendable {
    /// The IP address to listen on (`127.0.0.1`, `0.0.0.0`, `::1`…).
    public var host: String
    /// 0 picks a free port, handed to `onListening`.
    public var port: UInt16
    /// No session state: a fresh MCP server answers each POST (as JSON), so replicas need no affinity.
    public var stateless: Bool
    public var auth: HTTPAuthMode
    /// The keys of `--auth key`.
    public var keys: KeysFile?
    /// Body and head sizes and timeouts, enforced by the front door before FlyingFox.
    public var limits: ServeLimits
    /// How long a stateful session may stay unused before it is ended.
    public var sessionIdleTimeout: Duration
    /// The most stateful sessions at once (503 past it).
    public var maxSessions: Int
    /// Browser origins allowed besides loopback ones (on loopback) and the public URL's.
    public var allowedOrigins: [String]
    /// The URL clients reach this server at, behind a proxy (`https://mcp.example.com`); it names the
    /// resource in the protected-resource metadata. nil: derived from each request's `Host`.
    public var publicURL: URL?
    /// How often an idle event stream gets a `: ping` comment.
    public var heartbeat: Duration
    /// The authorization servers the protected-resource metadata names in passthrough mode.
    public var authorizationServers: [String]

    public init(
        host: String = "127.0.0.1", port: UInt16 = 8765, stateless: Bool = false, auth: HTTPAuthMode = .none, keys: KeysFile? = nil,
        limits: ServeLimits = MCPHTTPConfiguration.standardLimits, sessionIdleTimeout: Duration = .seconds(1_800), maxSessions: Int = 1_000,
        allowedOrigins: [String] = [], publicURL: URL? = nil, heartbeat: Duration = .seconds(15),
        authorizationServers: [String] = ["https://api.planhat.com"]
    ) {
        self.host = host
        self.port = port
        self.stateless = stateless
        self.auth = auth
        self.keys = keys
        self.limits = limits
        self.sessionIdleTimeout = sessionIdleTimeout
        self.maxSessions = maxSessions
        self.allowedOrigins = allowedOrigins
        self.publicURL = publicURL
        self.heartbeat = heartbeat
        self.authorizationServers = authorizationServers
    }

    /// The front door's defaults, with a handler timeout long enough for the slowest tool (a large
    /// bulk upsert): FlyingFox's timeout answers 500 and loses the result (stateless mode).
    public static let standardLimits: ServeLimits = {
        var limits = ServeLimits.standard
        limits.handlerTimeout = .seconds(900)
        return limits
    }()

    /// The auth mode used when none is asked for: none on loopback, passthrough anywhere else.
    public static func defaultAuth(loopback: Bool) -> HTTPAuthMode {
        loopback ? .none : .passthrough
    }
}

/// The tools each request is served with.
public enum MCPHTTPTools: Sendable {
    /// One server's tools for every request (`--auth key|none`: the server's own Planhat token).
    case shared(PlanhatMCPServer)
    /// Tools over a backend made for each request's own Planhat token (`--auth passthrough`).
    case perToken(@Sendable (String) throws -> PlanhatMCPServer)
}
