import ArgumentParser
import Foundation
import HTTPFrontDoor
import Logging
import PlanhatKit
import PlanhatMCP
import PlanhatMCPHTTP
import PlanhatRemote

/// `planhat mcp --http`'s options.
struct HTTPServeOptions: ParsableArguments {
    @Flag(name: .long, help: "Serve MCP Streamable HTTP at /mcp instead of stdin/stdout.")
    var http = false

    @Option(name: .long, help: ArgumentHelp("With --http: the IP address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface).", valueName: "ip"))
    var host = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("With --http: the port (0 picks a free one, printed on stderr).", valueName: "port"))
    var port: UInt16 = 8765

    @Flag(name: .long, help: "With --http: keep no session state (each POST answered as JSON), for replicas behind any load balancer.")
    var stateless = false

    @Option(name: .long, help: ArgumentHelp("With --http: passthrough (each request's Bearer is its Planhat token; the default off loopback), key (--keys-file), or none (loopback only; the default there).", valueName: "mode"))
    var auth: String?

    @Option(name: .customLong("keys-file"), help: ArgumentHelp("With --auth key: a 0600 file of 'name: key' lines, re-read when it changes.", valueName: "file"))
    var keysFile: String?

    @Option(name: .customLong("max-body-mb"), help: ArgumentHelp("With --http: the largest request body in MB (413 past it).", valueName: "n"))
    var maxBodyMB = MCPHTTPConfiguration.standardLimits.maxBodyBytes / 1_048_576

    @Option(name: .customLong("header-timeout"), parsing: .unconditional, help: ArgumentHelp("With --http: seconds a request head may take once started (408, then closed).", valueName: "seconds"))
    var headerTimeout = "10"

    @Option(name: .customLong("idle-timeout"), parsing: .unconditional, help: ArgumentHelp("With --http: seconds a connection may stay silent (mid-body: 408).", valueName: "seconds"))
    var idleTimeout = "60"

    @Option(name: .customLong("session-idle"), parsing: .unconditional, help: ArgumentHelp("With --http: seconds an unused session lives (default 1800).", valueName: "seconds"))
    var sessionIdle = "1800"

    @Option(name: .customLong("allow-origin"), help: ArgumentHelp("With --http: a browser Origin to accept (repeatable); others get 403.", valueName: "origin"))
    var allowOrigin: [String] = []

    @Option(name: .customLong("public-url"), help: ArgumentHelp("With --http: the URL clients use (behind a TLS proxy), e.g. https://mcp.example.com.", valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("log-file"), help: ArgumentHelp("With --http: append the per-request log lines here (default stderr).", valueName: "file"))
    var logFile: String?

    enum Rules {
        static let auth = OptionRule<HTTPAuthMode>.oneOf("--auth")
        static let headerTimeout = OptionRule<Double>.seconds("--header-timeout")
        static let idleTimeout = OptionRule<Double>.seconds("--idle-timeout")
        static let sessionIdle = OptionRule<Double>.seconds("--session-idle")
        static let publicURL = OptionRule<URL>(option: "--public-url", expected: "an http or https URL such as https://mcp.example.com") { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else { return nil }
            return url
        }
    }

    func validate() throws {
        let given = auth != nil || keysFile != nil || stateless || !allowOrigin.isEmpty || publicURL != nil || logFile != nil
        if !http && given { throw ValidationError("--auth, --keys-file, --stateless, --allow-origin, --public-url and --log-file need --http") }
        _ = try Rules.auth.value(of: auth)
        _ = try Rules.headerTimeout.value(of: headerTimeout)
        _ = try Rules.idleTimeout.value(of: idleTimeout)
        _ = try Rules.sessionIdle.value(of: sessionIdle)
        _ = try Rules.publicURL.value(of: publicURL)
        guard ServeLimits.bodyMegabytesRange.contains(maxBodyMB) else {
            let range = ServeLimits.bodyMegabytesRange
            throw ValidationError("--max-body-mb must be from \(range.lowerBound) to \(range.upperBound), got \(maxBodyMB)")
        }
        if keysFile != nil, let mode = try Rules.auth.value(of: auth), mode != .key {
            throw ValidationError("--keys-file is for --auth key, not --auth \(mode.rawValue)")
        }
    }
}


/// Starts `planhat mcp --http` on the backend and tool set the shared options select.
struct MCPHTTPServe {
    let scope: ScopeOptions
    let backend: BackendOptions
    let options: HTTPServeOptions
    /// The tool set and answer budget, as the stdio server takes them.
    var tools = MCPToolOptions()

    func run() async throws {
        let catalog = try scope.catalog()
        let settings = try backend.settings()
        let serverOptions = try tools.options()
        let address: ListenAddress
        do {
            address = try ListenAddress(host: options.host)
        } catch {
            throw PlanhatError.configuration("--host: \(error.description)")
        }
        let mode = try HTTPServeOptions.Rules.auth.value(of: options.auth) ?? MCPHTTPConfiguration.defaultAuth(loopback: address.isLoopback)
        let logger = Logger(label: "planhat.mcp")
        let readOnly = settings.isReadOnly(requested: scope.readOnly)
        let tools: MCPHTTPTools
        if mode == .passthrough {
            guard !backend.sandbox else {
                throw PlanhatError.configuration(
                    "--auth passthrough passes each user's Planhat token on: the embedded sandbox (--sandbox) has no users",
                    details: ["Use --auth key or --auth none with --sandbox, or point --api-url at Planhat (or sandbox serve)."])
            }
            let shared = URLSessionTransport(timeout: try BackendOptions.Rules.timeout.value(of: backend.timeout))
            // Each request builds its backend, but the requests of one token share its quota.
            let limiters = TokenLimiters(limits: try backend.limits())
            let backend = self.backend
            let toolOptions = self.tools
            tools = .perToken { token in
                guard let apiToken = APIToken(token) else { throw PlanhatError(.unauthorized, message: "an empty Bearer token") }
                var own = settings
                own.token = apiToken
                own.oauth = nil
                own.tokenSource = "the request's Authorization header"
                let source = try backend.makeBackend(own, announceSandbox: false, transport: shared, limiter: limiters.limiter(for: apiToken))
                let service = BackendOptions.service(catalog: catalog, backend: source, readOnly: readOnly, unknownFields: backend.unknownFields)
                    .journaling(JournalSetup.recorder(face: .mcp, settings: own))
                let upstream = try toolOptions.upstream(backend: source, baseURL: own.baseURL, token: own.token, logger: logger)
                return MCPServe.planhatServer(service: service, options: serverOptions, logger: logger, upstream: upstream)
            }
        } else {
            guard backend.sandbox || settings.hasToken else {
                throw PlanhatError(
                    status: 401, message: "no Planhat API token configured for the MCP server",
                    details: [
                        "With --auth \(mode.rawValue) the server uses its own token: set PLANHAT_API_TOKEN (or a profile in \(settings.configPath)),",
                        "or start it with --sandbox to serve the offline demo workspace, or use --auth passthrough.",
                    ])
            }
            let source = try backend.makeBackend(settings, announceSandbox: false)
            let service = BackendOptions.service(catalog: catalog, backend: source, readOnly: readOnly, unknownFields: backend.unknownFields)
                .journaling(JournalSetup.recorder(face: .mcp, settings: settings))
            let upstream = try self.tools.upstream(backend: source, baseURL: settings.baseURL, token: settings.token, logger: logger)
            tools = .shared(MCPServe.planhatServer(service: service, options: serverOptions, logger: logger, upstream: upstream))
        }
        var limits = MCPHTTPConfiguration.standardLimits
        limits.maxBodyBytes = options.maxBodyMB * 1_048_576
        limits.headerTimeout = .milliseconds(Int(try HTTPServeOptions.Rules.headerTimeout.value(of: options.headerTimeout) * 1_000))
        limits.idleTimeout = .milliseconds(Int(try HTTPServeOptions.Rules.idleTimeout.value(of: options.idleTimeout) * 1_000))
        let configuration = MCPHTTPConfiguration(
            host: options.host, port: options.port, stateless: options.stateless, auth: mode,
            keys: try options.keysFile.map { try KeysFile(path: $0) }, limits: limits,
            sessionIdleTimeout: .milliseconds(Int(try HTTPServeOptions.Rules.sessionIdle.value(of: options.sessionIdle) * 1_000)),
            allowedOrigins: options.allowOrigin, publicURL: try HTTPServeOptions.Rules.publicURL.value(of: options.publicURL))
        let log = try options.logFile.map { path in
            do {
                return try RequestLog.file(path)
            } catch {
                throw PlanhatError.file("cannot open the log file \(path) for appending")
            }
        } ?? RequestLog.standardError()
        let server = try MCPHTTPServer(configuration: configuration, tools: tools, log: log, logger: logger)
        let where_ = mode == .passthrough ? "each request's own Planhat token" : "\(settings.hasToken && !backend.sandbox ? "its configured Planhat token" : "the offline sandbox")"
        let summary = "\(options.stateless ? "stateless" : "stateful"), --auth \(mode.rawValue), \(catalog.models.count) models on \(where_)\(readOnly ? ", read-only" : "")"
        try await server.run { bound in
            if !address.isLoopback {
                for line in Self.exposureWarning(host: options.host, port: bound, mode: mode) { Console.err("WARNING: \(line)") }
            }
            Console.err("planhat mcp: serving MCP at http://\(address.urlHost):\(bound)/mcp (\(summary))")
        }
    }

    /// What binding beyond loopback without TLS means, said loudly.
    static func exposureWarning(host: String, port: UInt16, mode: HTTPAuthMode) -> [String] {
        [
            "planhat mcp is listening on \(host):\(port), beyond this machine, over plain HTTP (no TLS).",
            mode == .passthrough
                ? "Every client's Planhat token crosses the network in clear text unless a TLS proxy sits in front."
                : "Every client's key crosses the network in clear text unless a TLS proxy sits in front.",
            "Put a TLS-terminating proxy or load balancer before it (see README: Run it for your team), and pass --public-url.",
        ]
    }
}
