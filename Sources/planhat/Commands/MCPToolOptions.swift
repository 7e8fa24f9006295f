import ArgumentParser
import Foundation
import PlanhatMCP

/// The options every MCP server command builds its server with, whatever the transport:
/// `--toolset` and `--max-result-bytes`.
struct MCPToolOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("classic (default: get_model_actions, get_model_action_parameters, perform_model_action), hosted (Planhat's ten hosted tools) or all.", valueName: "set"))
    var toolset = Toolset.classic.rawValue

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The most bytes of text an answer carries; a longer list is cut at a whole record and says where to continue.", valueName: "bytes"))
    var maxResultBytes = String(MCPServerOptions.defaultMaxResultBytes)

    static let toolsetRule = OptionRule<Toolset>.oneOf("--toolset")

    func validate() throws {
        _ = try options()
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
        return list
    }
}
