import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat mcp-config`: the block to paste into an MCP client's configuration.
struct MCPConfigCommand: ParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "mcp-config",
        abstract: "Print the configuration block that adds this MCP server to Claude Desktop or another client.")

    enum Client: String, CaseIterable, Sendable {
        case claudeDesktop = "claude-desktop"
        case generic
    }

    @Option(name: .long, help: ArgumentHelp("claude-desktop (default) or generic.", valueName: "client"))
    var client = Client.claudeDesktop.rawValue

    @Flag(name: .long, help: "Serve the offline sandbox instead of a workspace (no token needed).")
    var sandbox = false

    @Flag(name: .long, help: "Add --read-only to the server's arguments.")
    var readOnly = false

    @Flag(name: .long, help: SharedHelp.json)
    var json = false

    @OptionGroup var logging: LogLevelOption

    @OptionGroup var tools: MCPToolOptions

    /// What `--client` accepts.
    static let clientRule = OptionRule<Client>.oneOf("--client")

    var logLevel: Logger.Level? { logging.level }

    func validate() throws {
        _ = try Self.clientRule.value(of: client)
    }

    func run() throws {
        let client = try Self.clientRule.value(of: self.client)
        let binary = Self.executablePath()
        var arguments: [JSONValue] = ["--stdio"]
        if sandbox { arguments.append("--sandbox") }
        if readOnly { arguments.append("--read-only") }
        arguments += tools.arguments.map { .string($0) }
        var server: [String: JSONValue] = ["command": .string(binary), "args": .array(arguments)]
        if !sandbox { server["env"] = ["PLANHAT_API_TOKEN": "<your Planhat API token>"] }
        let block: JSONValue = ["mcpServers": ["planhat": .object(server)]]
        Console.out(block.prettyText())
        Console.err("""

            Paste the block into \(client == .claudeDesktop ? "claude_desktop_config.json" : "your MCP client's configuration") and replace the token placeholder:
              macOS:   ~/Library/Application Support/Claude/claude_desktop_config.json
              Windows: %APPDATA%\\Claude\\claude_desktop_config.json
              Linux:   ~/.config/Claude/claude_desktop_config.json
            Then restart the client. To try it first: npx @modelcontextprotocol/inspector \(binary) --stdio --sandbox
            """)
    }

    /// This binary's absolute path.
    static func executablePath() -> String {
        let path = CommandLine.arguments[0]
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        if path.contains("/") {
            return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path).standardizedFileURL.path
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in searchPath.split(separator: ":") {
            let candidate = "\(folder)/\(path)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return path
    }
}
