import ArgumentParser
import Foundation
import PlanhatMCP

/// The options every MCP server command builds its server with, whatever the transport:
/// `--toolset`, `--max-result-bytes`, `--upstream-mcp` and `--no-upstream`.
struct MCPToolOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("classic (default: get_model_actions, get_model_action_parameters, perform_model_action), hosted (Planhat's ten hosted tools) or all.", valueName: "set"))
    var toolset = Toolset.classic.rawValue

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The most bytes of text an answer carries; a longer list is cut at a whole record and says where to continue.", valueName: "bytes"))
    var maxResultBytes = String(MCPServerOptions.defaultMaxResultBytes)

    @Option(name: .long, help: ArgumentHelp("Planhat's hosted MCP endpoint search and documents are forwarded to on a workspace (default: the configured host's /v1/mcp).", valueName: "url"))
    var upstreamMCP: String?

    @Flag(name: .long, help: "Do not forward search_records and the document tools to Planhat's hosted MCP server.")
    var noUpstream = false

    static let toolsetRule = OptionRule<Toolset>.oneOf("--toolset")

    func validate() throws {
        _ = try options(apiURL: nil)
    }

    /// The server options; the upstream defaults to `<api host>/v1/mcp`.
    ///
    /// - Throws: a usage error naming the option, the value and what is expected.
    func options(apiURL: String?) throws -> MCPServerOptions {
        let set = try Self.toolsetRule.value(of: toolset)
        guard let bytes = Int(maxResultBytes.trimmingCharacters(in: .whitespaces)), bytes >= MCPServerOptions.minimumMaxResultBytes else {
            throw OptionRefusal(option: "--max-result-bytes", value: maxResultBytes, expected: "a whole number of bytes, at least \(MCPServerOptions.minimumMaxResultBytes)").error
        }
        var upstream: URL?
        if !noUpstream {
            let text = upstreamMCP ?? apiURL.map { $0.hasSuffix("/") ? $0 + "v1/mcp" : $0 + "/v1/mcp" }
            if let text {
                guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                    throw OptionRefusal(option: "--upstream-mcp", value: text, expected: "an http or https URL such as https://api.planhat.com/v1/mcp").error
                }
                upstream = url
            }
        }
        return MCPServerOptions(toolset: set, maxResultBytes: bytes, upstreamMCP: upstream)
    }

    /// The arguments that ask for these options again (for `mcp-config`): only what differs from the default.
    var arguments: [String] {
        var list: [String] = []
        if toolset != Toolset.classic.rawValue { list += ["--toolset", toolset] }
        if maxResultBytes != String(MCPServerOptions.defaultMaxResultBytes) { list += ["--max-result-bytes", maxResultBytes] }
        if let upstreamMCP { list += ["--upstream-mcp", upstreamMCP] }
        if noUpstream { list.append("--no-upstream") }
        return list
    }
}
