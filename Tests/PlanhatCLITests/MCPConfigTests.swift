import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `planhat mcp-config --client …`: the stdio form for local clients, the URL and header form with
/// `--url`, and Planhat's guide steps for ChatGPT and Claude.ai.
@Suite("mcp-config for every client", .offThePool)
struct MCPConfigTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try ProcessRunner.planhat(["mcp-config"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    @Test("local clients get the stdio command of this binary")
    func local() throws {
        for client in ["claude-desktop", "cursor", "generic"] {
            let block = try Self.json(["--client", client, "--read-only"])
            let server = try #require((block["mcpServers"] as? [String: Any])?["planhat"] as? [String: Any])
            #expect((server["command"] as? String)?.hasSuffix("/planhat") == true)
            #expect(server["args"] as? [String] == ["--stdio", "--read-only"])
            #expect((server["env"] as? [String: String])?["PLANHAT_API_TOKEN"] != nil)
        }
        let vscode = try Self.json(["--client", "vscode", "--sandbox"])
        let server = try #require((vscode["servers"] as? [String: Any])?["planhat"] as? [String: Any])
        #expect(server["type"] as? String == "stdio" && server["args"] as? [String] == ["--stdio", "--sandbox"] && server["env"] == nil)
        let code = try ProcessRunner.planhat(["mcp-config", "--client", "claude-code"])
        #expect(code.stdout.hasPrefix("claude mcp add planhat --env PLANHAT_API_TOKEN=<your Planhat API token> -- /") && code.stdout.contains("/planhat --stdio"))
    }

    @Test("with --url remote clients get the URL and an Authorization header")
    func remote() throws {
        let url = "https://mcp.example.com/mcp"
        let cursor = try Self.json(["--client", "cursor", "--url", url])
        let server = try #require((cursor["mcpServers"] as? [String: Any])?["planhat"] as? [String: Any])
        #expect(server["url"] as? String == url)
        #expect((server["headers"] as? [String: String])?["Authorization"]?.hasPrefix("Bearer <") == true)
        let vscode = try Self.json(["--client", "vscode", "--url", url])
        let http = try #require((vscode["servers"] as? [String: Any])?["planhat"] as? [String: Any])
        #expect(http["type"] as? String == "http" && http["url"] as? String == url)
        #expect((http["headers"] as? [String: String])?["Authorization"] == "Bearer ${input:planhat-token}")
        #expect(((vscode["inputs"] as? [[String: Any]])?.first?["password"] as? Bool) == true)
        let desktop = try Self.json(["--client", "claude-desktop", "--url", url])
        let bridge = try #require((desktop["mcpServers"] as? [String: Any])?["planhat"] as? [String: Any])
        #expect(bridge["command"] as? String == "npx" && (bridge["args"] as? [String])?.prefix(2) == ["mcp-remote", url])
        let code = try ProcessRunner.planhat(["mcp-config", "--client", "claude-code", "--url", url])
        #expect(code.stdout.hasPrefix("claude mcp add --transport http planhat \(url) --header \"Authorization: Bearer <"))
    }

    @Test("ChatGPT and Claude.ai: Planhat's guide steps with the server's URL; they need --url")
    func hosted() throws {
        let url = "https://mcp.example.com/mcp"
        let chatgpt = try ProcessRunner.planhat(["mcp-config", "--client", "chatgpt", "--url", url])
        #expect(chatgpt.status == 0 && chatgpt.stdout.contains("MCP Server URL: \(url)") && chatgpt.stdout.contains("User-Defined OAuth Client"))
        #expect(chatgpt.stdout.contains("--auth passthrough") && chatgpt.stdout.contains("App Center → New App → OAuth Client"))
        let claude = try ProcessRunner.planhat(["mcp-config", "--client", "claude-ai", "--url", url])
        #expect(claude.status == 0 && claude.stdout.contains("Remote MCP Server URL: \(url)") && claude.stdout.contains("https://claude.ai/api/mcp/auth_callback"))
        let missing = try ProcessRunner.planhat(["mcp-config", "--client", "claude-ai"])
        #expect(missing.status != 0 && missing.stderr.contains("connects to remote servers only: give --url"))
        let bad = try ProcessRunner.planhat(["mcp-config", "--client", "cursor", "--url", "mcp.example.com"])
        #expect(bad.status != 0 && bad.stderr.contains("--url") && bad.stderr.contains("mcp.example.com"))
    }
}
