import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatMCP
import PlanhatRemote

/// The options every MCP server command builds its server with, whatever the transport:
/// `--toolset`, `--max-result-bytes` and where search and documents go on a workspace
/// (`--upstream-mcp`, `--no-upstream`).
struct MCPToolOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("classic (default: get_model_actions, get_model_action_parameters, perform_model_action), hosted (Planhat's ten hosted tools) or all.", valueName: "set"))
    var toolset = Toolset.classic.rawValue

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The most bytes of text an answer carries; a longer list is cut at a whole record and says where to continue.", valueName: "bytes"))
    var maxResultBytes = String(MCPServerOptions.defaultMaxResultBytes)

    @Option(name: .long, help: ArgumentHelp("Planhat's hosted MCP server, where search_records and the document tools are forwarded on a workspace (Planhat's REST API has neither); default: the API host's /v1/mcp, e.g. https://api.planhat.com/v1/mcp.", valueName: "url"))
    var upstreamMcp: String?

    @Flag(name: .long, help: "Do not forward search_records and the document tools to Planhat's hosted MCP server: on a workspace they then say they are unavailable.")
    var noUpstream = false

    static let toolsetRule = OptionRule<Toolset>.oneOf("--toolset")

    func validate() throws {
        _ = try options()
        _ = try upstreamEndpoint(apiBaseURL: Settings.defaultBaseURL)
    }

    /// The hosted MCP server to forward to: `--upstream-mcp`, else the API host's `/v1/mcp`; nil with `--no-upstream`.
    ///
    /// - Throws: a usage error naming the option when the URL is not http(s) or both options are given.
    func upstreamEndpoint(apiBaseURL: String) throws -> URL? {
        if noUpstream {
            if let upstreamMcp {
                throw OptionRefusal(option: "--upstream-mcp", value: upstreamMcp, expected: "no URL with --no-upstream (choose one)").error
            }
            return nil
        }
        if let upstreamMcp {
            guard let url = URL(string: upstreamMcp), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw OptionRefusal(option: "--upstream-mcp", value: upstreamMcp, expected: "an http or https URL such as https://api.planhat.com/v1/mcp").error
            }
            return url
        }
        return UpstreamMCP.defaultEndpoint(forAPI: apiBaseURL)
    }

    /// Where search and documents go for a service on `backend` with `token`: nowhere on the sandbox
    /// (it has them), off with `--no-upstream`, else the hosted server with the same token.
    func upstream(backend: any PlanhatBackend, baseURL: String, token: APIToken?, logger: Logger) throws -> Upstream? {
        guard !(backend is any SearchingBackend) else { return nil }
        guard let endpoint = try upstreamEndpoint(apiBaseURL: baseURL) else { return .off }
        guard let token else { return nil }
        return .hosted(UpstreamMCP(endpoint: endpoint, token: token.secret, version: PlanhatVersion.current, logger: logger))
    }

    /// The server options.
    ///
    /// - Throws: a usage error naming the option, the value and what is expected.
    func options() throws -> MCPServerOptions {
        let set = try Self.toolsetRule.value(of: toolset)
        guard let bytes = Int(maxResultBytes.trimmingCharacters(in: .whitespaces)), bytes >= MCPServerOptions.minimumMaxResultBytes else {
            throw OptionRefusal(option: "--max-result-bytes", value: maxResultBytes, expected: "a whole number of bytes, at least \(MCPServerOptions.minimumMaxResultBytes)").error
        }
        return MCPServerOptions(toolset: set, maxResultBytes: bytes)
    }

    /// The arguments that ask for these options again (for `mcp-config`): only what differs from the default.
    var arguments: [String] {
        var list: [String] = []
        if toolset != Toolset.classic.rawValue { list += ["--toolset", toolset] }
        if maxResultBytes != String(MCPServerOptions.defaultMaxResultBytes) { list += ["--max-result-bytes", maxResultBytes] }
        if let upstreamMcp { list += ["--upstream-mcp", upstreamMcp] }
        if noUpstream { list.append("--no-upstream") }
        return list
    }
}
