import Foundation
import Logging
import MCP
import PlanhatKit
import PlanhatMCP

/// The stateful sessions: one SDK `Server` and `StatefulHTTPServerTransport` per `Mcp-Session-Id`
/// (the SDK's transport holds exactly one session). A session belongs to the credential that opened
/// it: the same id with another credential is an unknown session. Idle sessions are ended by ``reap()``.
actor SessionRouter {
    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        /// The credential that opened it (a Planhat token in passthrough, a key's name otherwise).
        let owner: String
        var lastSeen: ContinuousClock.Instant
    }

    private var sessions: [String: Session] = [:]
    private let idleTimeout: Duration
    private let maxSessions: Int
    private let logger: Logger

    init(idleTimeout: Duration, maxSessions: Int, logger: Logger) {
        self.idleTimeout = idleTimeout
        self.maxSessions = maxSessions
        self.logger = logger
    }

    var count: Int { sessions.count }

    /// The transport's validators, without its Origin check: ``OriginPolicy`` has checked already,
    /// with this server's own rules (the SDK's accepts only localhost hosts).
    static let pipeline = StandardValidationPipeline(validators: [
        AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator(),
    ])

    /// Answers one request of a session, or opens a session for an `initialize`.
    func handle(_ request: MCP.HTTPRequest, owner: String, isInitialize: Bool, make: @Sendable () async throws -> ToolServer) async -> MCP.HTTPResponse {
        if let id = request.header(HTTPHeaderName.sessionID) {
            guard var session = sessions[id], AccessGate.same(session.owner, owner) else {
                return .error(statusCode: 404, .invalidRequest("Not Found: unknown or expired session; initialize a new one"))
            }
            session.lastSeen = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                await end(id)
            }
            return response
        }
        guard request.method.uppercased() == "POST", isInitialize else {
            return .error(statusCode: 400, .invalidRequest("Bad Request: Mcp-Session-Id header is required (initialize first)"))
        }
        guard sessions.count < maxSessions else {
            return .error(statusCode: 503, .internalError("too many open sessions (\(maxSessions)); try again later"), extraHeaders: ["Retry-After": "5"])
        }
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id), validationPipeline: Self.pipeline)
        let server: Server
        do {
            let tools = try await make()
            try await tools.start(on: transport)
            server = tools.server
        } catch {
            return .error(statusCode: 500, .internalError("the session could not start: \((error as? PlanhatError)?.message ?? "\(error)")"))
        }
        let response = await transport.handleRequest(request)
        if case .error = response {
            await server.stop()
        } else {
            sessions[id] = Session(server: server, transport: transport, owner: owner, lastSeen: .now)
            logger.debug("session \(id) opened; \(sessions.count) open")
        }
        return response
    }

    /// Ends every session unused for the idle timeout.
    func reap() async {
        let cutoff = ContinuousClock.now - idleTimeout
        for (id, session) in sessions where session.lastSeen < cutoff {
            logger.info("session \(id) ended after \(idleTimeout) unused")
            await end(id)
        }
    }

    /// Ends every session (shutdown).
    func endAll() async {
        for id in sessions.keys { await end(id) }
    }

    private func end(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.transport.disconnect()
        await session.server.stop()
    }
}

/// The session id chosen before the transport exists, so the router can file the session under it.
struct FixedSessionID: SessionIDGenerator {
    let id: String
    func generateSessionID() -> String { id }
}
