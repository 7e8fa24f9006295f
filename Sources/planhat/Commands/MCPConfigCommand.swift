import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat mcp-config`: the block to paste into an MCP client's configuration — the stdio command for
/// local clients, the URL and header form for a team server (`--url`), and for ChatGPT and Claude.ai
/// (which connect to remote servers only, with OAuth) the steps of Planhat's own guides with that URL.
struct MCPConfigCommand: ParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "mcp-config",
        abstract: "Print the configuration that adds this MCP server to Claude Desktop, Claude Code, Cursor, VS Code, ChatGPT or Claude.ai.",
        discussion: """
            Without --url it prints the local (stdio) form; with --url https://mcp.example.com/mcp the form for a
            team server run with planhat mcp --http. chatgpt and claude-ai need --url: they reach remote servers only.
            """)

    enum Client: String, CaseIterable, Sendable {
        case claudeDesktop = "claude-desktop"
        case claudeCode = "claude-code"
        case cursor
        case vscode
        case chatgpt
        case claudeAI = "claude-ai"
        case generic

        /// Whether the client can only reach a remote server.
        var remoteOnly: Bool { self == .chatgpt || self == .claudeAI }
    }

    @Option(name: .long, help: ArgumentHelp("claude-desktop (default), claude-code, cursor, vscode, chatgpt, claude-ai or generic.", valueName: "client"))
    var client = Client.claudeDesktop.rawValue

    @Option(name: .long, help: ArgumentHelp("A team server's MCP URL (planhat mcp --http), e.g. https://mcp.example.com/mcp.", valueName: "url"))
    var url: String?

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
    /// What `--url` accepts.
    static let urlRule = OptionRule<String>(option: "--url", expected: "an http or https URL such as https://mcp.example.com/mcp") { text in
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else { return nil }
        return text
    }

    var logLevel: Logger.Level? { logging.level }

    func validate() throws {
        let client = try Self.clientRule.value(of: client)
        _ = try Self.urlRule.value(of: url)
        if client.remoteOnly && url == nil {
            throw ValidationError("--client \(self.client) connects to remote servers only: give --url, the https address of your team server's /mcp (see README: Run it for your team)")
        }
        if url != nil && (sandbox || readOnly) {
            throw ValidationError("--sandbox and --read-only are the team server's own switches (planhat mcp --http …): not with --url")
        }
    }

    func run() throws {
        let client: Client = try Self.clientRule.value(of: self.client)
        if let url {
            try remote(client, url: url)
        } else {
            local(client)
        }
    }

    /// The stdio form: the client starts this binary.
    private func local(_ client: Client) {
        let binary = Self.executablePath()
        var arguments: [String] = ["--stdio"]
        if sandbox { arguments.append("--sandbox") }
        if readOnly { arguments.append("--read-only") }
        arguments += tools.arguments
        let env: [String: JSONValue] = sandbox ? [:] : ["PLANHAT_API_TOKEN": "<your Planhat API token>"]
        var server: [String: JSONValue] = ["command": .string(binary), "args": .array(arguments.map { .string($0) })]
        if !env.isEmpty { server["env"] = .object(env) }
        switch client {
        case .claudeCode:
            let envFlag = sandbox ? "" : "--env PLANHAT_API_TOKEN=<your Planhat API token> "
            Console.out("claude mcp add planhat \(envFlag)-- \(([binary] + arguments).joined(separator: " "))")
            Console.err("\nRun it in your project (add --scope user for every project). Then /mcp in Claude Code lists planhat.")
        case .vscode:
            var stdio = server
            stdio["type"] = "stdio"
            Console.out(JSONValue.object(["servers": ["planhat": .object(stdio)]]).prettyText())
            Console.err("\nPaste into .vscode/mcp.json (this workspace) or your user mcp.json (MCP: Open User Configuration), replace the token placeholder, then start it from the MCP view.")
        case .cursor:
            Console.out(JSONValue.object(["mcpServers": ["planhat": .object(server)]]).prettyText())
            Console.err("\nPaste into ~/.cursor/mcp.json (every project) or .cursor/mcp.json (this project) and replace the token placeholder.")
        case .claudeDesktop, .generic, .chatgpt, .claudeAI:
            Console.out(JSONValue.object(["mcpServers": ["planhat": .object(server)]]).prettyText())
            Console.err("""

                Paste the block into \(client == .claudeDesktop ? "claude_desktop_config.json" : "your MCP client's configuration") and replace the token placeholder:
                  macOS:   ~/Library/Application Support/Claude/claude_desktop_config.json
                  Windows: %APPDATA%\\Claude\\claude_desktop_config.json
                  Linux:   ~/.config/Claude/claude_desktop_config.json
                Then restart the client. To try it first: npx @modelcontextprotocol/inspector \(binary) --stdio --sandbox
                """)
        }
    }

    /// The team-server form: the URL, and the Bearer header (a Planhat token in passthrough, a key in key mode).
    private func remote(_ client: Client, url: String) throws {
        let placeholder = "<your Planhat API token, or your key from the server's keys file>"
        let header = "Bearer \(placeholder)"
        switch client {
        case .claudeDesktop, .generic:
            // Claude Desktop's config starts local processes: mcp-remote bridges to the URL, as Planhat's guide does.
            let server: JSONValue = [
                "command": "npx",
                "args": ["mcp-remote", .string(url), "--header", "Authorization:${PLANHAT_AUTH}"],
                "env": ["PLANHAT_AUTH": .string(header)],
            ]
            Console.out(JSONValue.object(["mcpServers": ["planhat": server]]).prettyText())
            Console.err("\nPaste into claude_desktop_config.json, replace the placeholder (keep 'Bearer '), restart Claude Desktop. Needs Node.js (npx).")
        case .claudeCode:
            Console.out("claude mcp add --transport http planhat \(url) --header \"Authorization: \(header)\"")
            Console.err("\nReplace the placeholder; add --scope user for every project.")
        case .cursor:
            Console.out(JSONValue.object(["mcpServers": ["planhat": ["url": .string(url), "headers": ["Authorization": .string(header)]]]]).prettyText())
            Console.err("\nPaste into ~/.cursor/mcp.json and replace the placeholder.")
        case .vscode:
            let block: JSONValue = [
                "servers": ["planhat": ["type": "http", "url": .string(url), "headers": ["Authorization": "Bearer ${input:planhat-token}"]]],
                "inputs": [["type": "promptString", "id": "planhat-token", "description": "Planhat API token (or your key for this server)", "password": true]],
            ]
            Console.out(block.prettyText())
            Console.err("\nPaste into .vscode/mcp.json; VS Code asks for the token once and keeps it in its secret storage.")
        case .chatgpt:
            Console.out(Self.chatGPTSteps(url: url))
        case .claudeAI:
            Console.out(Self.claudeAISteps(url: url))
        }
    }

    /// Planhat's ChatGPT guide, with the team server's URL (the server must run --auth passthrough).
    static func chatGPTSteps(url: String) -> String {
        """
        ChatGPT (Business, Edu or Enterprise; admin or owner), following Planhat's guide with your server's URL.
        The server must run with --auth passthrough, so each user's own Planhat OAuth token reaches Planhat.
        1. In ChatGPT: Settings → Apps → Advanced Settings, enable Developer Mode; then Settings → Apps → Create.
             Name:           Planhat
             MCP Server URL: \(url)
             Authentication: OAuth
           Under Advanced Settings set Registration method to "User-Defined OAuth Client" and copy the Callback URL
           (https://chatgpt.com/connector/oauth/…). Keep the screen open.
        2. In Planhat: App Center → New App → OAuth Client. Name it (e.g. "ChatGPT Connector"), set the
           permissions ChatGPT may use, and put the Callback URL from step 1 in Redirect URLs.
        3. Save, and copy the Client ID (pk_…) and the Client Secret (sk_…, shown once).
        4. Back in ChatGPT, enter the Client ID and Client Secret, then Create.
        5. Check it: ask "Show me my top 3 companies in Planhat by ARR".
        6. Publish it to your workspace (Workspace Settings → Apps → Publish): each user signs in with their own
           Planhat account and acts with their own permissions.
        """
    }

    /// Planhat's Claude.ai guide, with the team server's URL (the server must run --auth passthrough).
    static func claudeAISteps(url: String) -> String {
        """
        Claude.ai (Pro, Team or Enterprise), following Planhat's guide with your server's URL.
        The server must run with --auth passthrough, so each user's own Planhat OAuth token reaches Planhat.
        1. In Planhat: App Center → New App → OAuth Client. Name it (e.g. "Claude Connector"), set the
           permissions Claude may use, and put this in Redirect URLs:
             https://claude.ai/api/mcp/auth_callback
        2. Save, and copy the Client ID (pk_…) and the Client Secret (sk_…, shown once).
        3. In claude.ai: Settings → Connectors → Add Connector → Custom OAuth:
             Name:                  Planhat
             Remote MCP Server URL: \(url)
             Client ID / Secret:    from step 2
           Save; Claude sends you to Planhat's authorization screen: Authorize.
        4. Check it: ask "Show me my top 3 companies in Planhat by ARR".
        """
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
