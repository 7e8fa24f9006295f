import FlyingFox
import FlyingSocks
import Foundation
import HTTPFrontDoor
import Logging
import MCP
import PlanhatKit
import PlanhatMCP

/// `planhat mcp --http`: MCP Streamable HTTP at `/mcp` (POST answered as SSE, or as JSON when
/// stateless; GET for the server's own stream; DELETE ends a session), `/healthz` for load
/// balancers, and the protected-resource metadata (RFC 9728) at
/// `/.well-known/oauth-protected-resource[/mcp]`.
///
/// The shared ``FrontDoor`` accepts the connections and answers malformed, oversized (413) and slow
/// requests itself; FlyingFox answers behind it on a private socket. Every `/mcp` request is then
/// checked for its `Origin`/`Host` (``OriginPolicy``) and credential (``AccessGate``) before MCP sees it.
/// One log line per request names the client, the caller, the MCP method, tool and model, the status
/// and the duration, never a credential.
public final class MCPHTTPServer: Sendable {
    let configuration: MCPHTTPConfiguration
    let tools: MCPHTTPTools
    let address: ListenAddress
    let gate: AccessGate
    let origins: OriginPolicy
    let sessions: SessionRouter
    let log: RequestLog
    let logger: Logger

    /// The header the front door sets to the client's address.
    static let clientHeader = "X-Planhat-Client-Address"

    /// - Throws: ``PlanhatError`` for a combination that is not served: `--auth none` off loopback,
    ///   `--auth key` without keys, passthrough without per-token tools.
    public init(configuration: MCPHTTPConfiguration, tools: MCPHTTPTools, log: RequestLog, logger: Logger = Logger(label: "planhat.mcp.http")) throws {
        let address: ListenAddress
        do {
            address = try ListenAddress(host: configuration.host)
        } catch {
            throw PlanhatError.configuration("--host: \(error.description)")
        }
        try Self.check(configuration, tools: tools, loopback: address.isLoopback)
        self.configuration = configuration
        self.tools = tools
        self.address = address
        gate = AccessGate(mode: configuration.auth, keys: configuration.keys)
        origins = OriginPolicy(allowed: configuration.allowedOrigins, publicURL: configuration.publicURL, loopback: address.isLoopback)
        sessions = SessionRouter(idleTimeout: configuration.sessionIdleTimeout, maxSessions: configuration.maxSessions, logger: logger)
        self.log = log
        self.logger = logger
    }

    static func check(_ configuration: MCPHTTPConfiguration, tools: MCPHTTPTools, loopback: Bool) throws {
        switch configuration.auth {
        case .none where !loopback:
            throw PlanhatError.configuration(
                "--auth none is allowed on loopback only: off loopback anyone who reaches \(configuration.host) could use your Planhat token",
                details: ["Use --auth passthrough (each user sends their own Planhat token) or --auth key --keys-file FILE."])
        case .key where configuration.keys == nil:
            throw PlanhatError.configuration("--auth key needs --keys-file FILE (one 'name: key' line per client, mode 0600)")
        case .passthrough:
            guard case .perToken = tools else {
                throw PlanhatError.configuration("--auth passthrough needs Planhat's API (or sandbox serve via --api-url): the embedded sandbox has no users")
            }
        default:
            break
        }
    }

    /// Whether only this machine can reach the server.
    public var isLoopback: Bool { address.isLoopback }

    /// Serves until cancelled. `onListening` receives the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (UInt16) -> Void) async throws {
        let sessions = self.sessions
        let reapEvery = min(Duration.seconds(30), configuration.sessionIdleTimeout / 2)
        let server = FrontedServer(
            address: address, host: configuration.host, port: configuration.port, limits: configuration.limits, clientAddressHeader: Self.clientHeader)
        try await server.run(handler: Router(server: self), onListening: onListening) {
            while !Task.isCancelled {
                try await Task.sleep(for: reapEvery)
                await sessions.reap()
            }
        }
        await sessions.endAll()
    }

    // MARK: - Requests

    func handle(_ request: FlyingFox.HTTPRequest) async -> FlyingFox.HTTPResponse {
        let started = ContinuousClock.now
        var entry = RequestLog.Entry(client: request.headers[HTTPHeader(Self.clientHeader)] ?? "unknown", method: request.method.rawValue, path: request.path)
        let response: FlyingFox.HTTPResponse
        switch request.path {
        case "/mcp":
            response = await mcp(request, entry: &entry)
        case "/healthz":
            let count = await sessions.count
            response = HTTPBridge.json(200, ["status": "ok", "mode": configuration.stateless ? "stateless" : "stateful", "sessions": count])
        case "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp":
            response = HTTPBridge.json(200, metadata(for: request))
        default:
            response = HTTPBridge.json(404, ["error": "no route \(request.method.rawValue) \(request.path): MCP is served at /mcp", "status": 404])
        }
        entry.status = response.statusCode.code
        entry.duration = ContinuousClock.now - started
        log.write(entry)
        return response
    }

    private func mcp(_ request: FlyingFox.HTTPRequest, entry: inout RequestLog.Entry) async -> FlyingFox.HTTPResponse {
        let body: Data
        do {
            body = try await request.bodyData
        } catch {
            return HTTPBridge.rpcError(400, "the request body could not be read")
        }
        if let refusal = origins.refusal(origin: request.headers[HTTPHeader("Origin")], host: request.headers[.host]) {
            entry.note = "origin refused"
            return HTTPBridge.rpcError(refusal.status, refusal.message)
        }
        let caller: HTTPCaller
        switch gate.admit(authorization: request.headers[.authorization]) {
        case .success(let admitted):
            caller = admitted
        case .failure(let refusal):
            entry.note = refusal.challengeError ?? "no credential"
            return HTTPBridge.rpcError(refusal.status, refusal.message, headers: ["WWW-Authenticate": challenge(refusal, request: request)])
        }
        entry.caller = caller.name
        let summary = MessageSummary(body)
        entry.rpcMethod = summary.method
        entry.tool = summary.tool
        entry.model = summary.model
        let mcpRequest = HTTPBridge.mcpRequest(request, body: body)
        // Stateful: the session's initialize names the client; stateless: the POST itself.
        let journalCaller = JournalCaller(
            client: configuration.stateless ? summary.clientName ?? request.headers[HTTPHeader("User-Agent")] : nil, key: caller.keyName)
        let make: @Sendable () async throws -> ToolServer = { [tools, logger] in
            let planhat: PlanhatMCPServer
            switch tools {
            case .shared(let server): planhat = server
            case .perToken(let build): planhat = try build(caller.planhatToken ?? "")
            }
            return await ToolServer.make(planhat, caller: journalCaller, logger: logger)
        }
        let answer: MCP.HTTPResponse
        if configuration.stateless {
            answer = await Self.stateless(mcpRequest, make: make)
        } else {
            answer = await sessions.handle(mcpRequest, owner: caller.planhatToken ?? caller.name, isInitialize: summary.method == "initialize", make: make)
        }
        return HTTPBridge.response(answer, heartbeat: configuration.heartbeat)
    }

    /// A fresh server and transport for one POST: a stateless transport serves one client, ever, and
    /// keys its waiters by JSON-RPC id, which concurrent clients share.
    static func stateless(_ request: MCP.HTTPRequest, make: @Sendable () async throws -> ToolServer) async -> MCP.HTTPResponse {
        guard request.method.uppercased() == "POST" else {
            return .error(
                statusCode: 405, .invalidRequest("Method Not Allowed: this server is stateless (POST only; no GET stream, no session to DELETE)"),
                extraHeaders: ["Allow": "POST"])
        }
        let transport = StatelessHTTPServerTransport(validationPipeline: statelessPipeline)
        let server: Server
        do {
            let tools = try await make()
            try await tools.start(on: transport)
            server = tools.server
        } catch {
            return .error(statusCode: 500, .internalError("the server could not start: \((error as? PlanhatError)?.message ?? "\(error)")"))
        }
        let response = await transport.handleRequest(request)
        await server.stop()
        return response
    }

    static let statelessPipeline = StandardValidationPipeline(validators: [
        AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
    ])

    // MARK: - Authorization metadata

    /// `https://mcp.example.com` (the public URL) or `http://<Host>` as the client addressed it.
    func baseURL(for request: FlyingFox.HTTPRequest) -> String {
        if let publicURL = configuration.publicURL {
            var text = publicURL.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        let scheme = request.headers[HTTPHeader("X-Forwarded-Proto")]?.lowercased() == "https" ? "https" : "http"
        return "\(scheme)://\(request.headers[.host] ?? "\(address.urlHost):\(configuration.port)")"
    }

    /// The protected-resource metadata (RFC 9728): the resource, and in passthrough mode Planhat's
    /// authorization server, whose tokens the server passes on.
    func metadata(for request: FlyingFox.HTTPRequest) -> [String: Any] {
        var document: [String: Any] = [
            "resource": baseURL(for: request) + "/mcp",
            "bearer_methods_supported": ["header"],
            "resource_name": "Planhat Explorer MCP server",
        ]
        if configuration.auth == .passthrough {
            document["authorization_servers"] = configuration.authorizationServers
            document["scopes_supported"] = ["inclusive"]
        }
        return document
    }

    /// `WWW-Authenticate` for a 401, per the MCP authorization spec (RFC 6750 + RFC 9728).
    func challenge(_ refusal: AccessRefusal, request: FlyingFox.HTTPRequest) -> String {
        var parts = ["Bearer realm=\"planhat-mcp\"", "resource_metadata=\"\(baseURL(for: request))/.well-known/oauth-protected-resource/mcp\""]
        if let error = refusal.challengeError { parts.append("error=\"\(error)\"") }
        return parts.joined(separator: ", ")
    }
}

/// Routes every request to the server.
struct Router: HTTPHandler {
    let server: MCPHTTPServer

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        await server.handle(request)
    }
}

/// What a POSTed JSON-RPC message asks, for the log: its method, and for `tools/call` the tool and
/// model; for the journal, the client's name when the message carries one.
struct MessageSummary {
    var method: String?
    var tool: String?
    var model: String?
    /// `params.clientInfo.name` of an `initialize`, or the `io.modelcontextprotocol/clientInfo` name
    /// of a request's `params._meta` (per-request client info, MCP's stateless protocol).
    var clientName: String?

    /// The `_meta` key of per-request client info.
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"

    init(_ body: Data) {
        guard body.first == UInt8(ascii: "{"), let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        else { return }
        method = object["method"] as? String
        let params = object["params"] as? [String: Any]
        let info = method == "initialize" ? params?["clientInfo"] : (params?["_meta"] as? [String: Any])?[Self.clientInfoKey]
        clientName = (info as? [String: Any])?["name"] as? String
        guard method == "tools/call", let params else { return }
        tool = params["name"] as? String
        model = (params["arguments"] as? [String: Any])?["MODEL_ROUTE"] as? String
    }
}
