import Foundation
import Logging
import MCP
import PlanhatKit

/// Where `search_records` and the document tools go when the backend has neither (Planhat's REST API).
public enum Upstream: Sendable {
    /// Forwarded to Planhat's hosted MCP server.
    case hosted(UpstreamMCP)
    /// Turned off (`--no-upstream`): the tools say why they are unavailable and what to do.
    case off
}

/// Planhat's hosted MCP server, for the tools its REST API has no equivalent of (`search_records`,
/// `create_document`, `get_document`, `search_documents`): on the remote backend they are forwarded
/// there with the workspace's own token, through the SDK's client over Streamable HTTP.
///
/// The connection is made at the first forwarded call and made again after a failure. The token
/// goes only into the `Authorization` header: it is never logged, and any text that could echo it
/// has it masked.
public actor UpstreamMCP {
    /// The hosted server's address (`https://api.planhat.com/v1/mcp`).
    public nonisolated let endpoint: URL
    private let token: String
    private let version: String
    private let logger: Logger
    private var client: Task<Client, any Error>?

    /// The tools forwarded.
    public static let forwardedTools: Set<String> = [PlanhatTools.searchName, PlanhatTools.createDocumentName, PlanhatTools.getDocumentName, PlanhatTools.searchDocumentsName]

    public init(endpoint: URL, token: String, version: String, logger: Logger = Logger(label: "planhat.mcp.upstream")) {
        self.endpoint = endpoint
        self.token = token
        self.version = version
        self.logger = logger
    }

    /// The hosted MCP server of the API host `baseURL`: `https://api.planhat.com` → `https://api.planhat.com/v1/mcp`
    /// (the demo host and regional clusters alike).
    public static func defaultEndpoint(forAPI baseURL: String) -> URL? {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/v1/mcp")
    }

    /// Calls `name` on the hosted server and answers its result as it gave it, with a last text
    /// block saying where it came from.
    ///
    /// - Throws: ``PlanhatError`` with the hosted server's HTTP status (401, 403, 429, 5xx …) and what
    ///   to do, or a network error when it cannot be reached; `CancellationError` when cancelled.
    public func call(_ name: String, arguments: [String: Value]) async throws -> CallTool.Result {
        let started = ContinuousClock.now
        do {
            let client = try await connected()
            let result = try await client.send(CallTool.request(.init(name: name, arguments: arguments))).value
            logger.debug("forwarded \(name) to \(endpoint.absoluteString) → \(result.isError == true ? "tool error" : "ok") in \(ContinuousClock.now - started)")
            let source = Tool.Content.text(text: "answered by Planhat's hosted MCP server (\(endpoint.absoluteString))", annotations: nil, _meta: nil)
            return CallTool.Result(content: result.content + [source], structuredContent: result.structuredContent, isError: result.isError, _meta: result._meta)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            await reset()
            let refusal = refusal(error, tool: name)
            logger.notice("forwarding \(name) to \(endpoint.absoluteString) failed: \(refusal.headline)")
            throw refusal
        }
    }

    private func connected() async throws -> Client {
        if let client { return try await client.value }
        let endpoint = self.endpoint
        let header = "Bearer " + token
        let version = self.version
        let task = Task<Client, any Error> {
            let transport = HTTPClientTransport(endpoint: endpoint, streaming: false, requestModifier: { request in
                var request = request
                request.setValue(header, forHTTPHeaderField: "Authorization")
                return request
            })
            let client = Client(name: "planhat-explorer", version: version)
            _ = try await client.connect(transport: transport)
            return client
        }
        client = task
        return try await task.value
    }

    private func reset() async {
        let previous = client
        client = nil
        if let connected = try? await previous?.value { await connected.disconnect() }
    }

    /// The failure as Planhat's: the status the hosted server answered (the SDK's transport names
    /// it), or a network error, with what to do next.
    func refusal(_ error: any Error, tool: String) -> PlanhatError {
        let text = mask("\(error)")
        let place = "Planhat's hosted MCP server (\(endpoint.absoluteString))"
        let off = "Or start the server with --no-upstream to turn forwarding off (\(tool) then says it is unavailable)."
        if let status = Self.status(of: error) {
            var details: [String] = []
            switch status {
            case 401: details.append("The hosted server takes the same token as the REST API (PLANHAT_API_TOKEN or the profile's): check that it is valid and has MCP access.")
            case 403: details.append("The token lacks the permission for \(tool) on the hosted server: ask a Planhat admin, or use list_model_records with a [contains] FILTER.")
            case 404: details.append("Nothing answers MCP there: check --upstream-mcp (the default is the API host's /v1/mcp).")
            case 429: details.append("Planhat's rate limit: wait a minute, then retry.")
            default: details.append(status >= 500 ? "A fault on Planhat's side: retry in a moment." : "Check the arguments of \(tool).")
            }
            details.append(off)
            return PlanhatError(status: status, message: "\(place) refused \(tool) with HTTP \(status) (\(HTTPStatus.reasonPhrase(status))): \(text)", details: details)
        }
        if let mcp = error as? MCPError, case .serverError = mcp {
            return PlanhatError(status: 502, message: "\(place) refused \(tool): \(text)", details: [off])
        }
        if let mcp = error as? MCPError, [-32600, -32601, -32602].contains(mcp.code) {
            return PlanhatError(status: 502, message: "\(place) refused \(tool) (JSON-RPC \(mcp.code)): \(text)", details: [off])
        }
        return PlanhatError(.network, message: "\(place) could not be reached for \(tool): \(text)", details: ["Check the network and --upstream-mcp, then retry. " + off])
    }

    /// The HTTP status behind an error of the SDK's HTTP transport, which names it in words.
    static func status(of error: any Error) -> Int? {
        guard let mcp = error as? MCPError, case .internalError(let detail?) = mcp else { return nil }
        let words: [String: Int] = [
            "Bad request": 400, "Authentication required": 401, "Access forbidden": 403, "Endpoint not found": 404,
            "Session expired": 404, "Method not allowed": 405, "Request timeout": 408, "Too many requests": 429,
        ]
        if let status = words[detail] { return status }
        for prefix in ["Server error: ", "HTTP authorization error: ", "Unexpected HTTP response: "] where detail.hasPrefix(prefix) {
            return Int(detail.dropFirst(prefix.count).prefix { $0.isNumber })
        }
        return nil
    }

    private func mask(_ text: String) -> String {
        token.isEmpty ? text : text.replacingOccurrences(of: token, with: "****")
    }
}
