import Foundation
import MCP
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `--toolset` and `--max-result-bytes` on `planhat --stdio`, `planhat mcp` and `planhat mcp-config`.
@Suite("MCP tool sets on the command line", .offThePool)
struct ToolsetCommandTests {
    static func toolNames(_ arguments: [String]) throws -> [String] {
        let sandbox = ProcessRunner.temporaryDirectory("ts").appendingPathComponent("s.sqlite").path
        let client = try MCPLineClient(arguments: arguments + ["--sandbox", "--sandbox-path", sandbox], environment: ProcessRunner.environment())
        defer { _ = client.stop() }
        client.initialize()
        let answer = try JSONValue.parse(client.call("tools/list"))
        return answer["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test("planhat --stdio and planhat mcp serve the tool set asked for; classic by default")
    func served() throws {
        #expect(try Self.toolNames(["--stdio"]) == ["get_model_actions", "get_model_action_parameters", "perform_model_action"])
        let hosted = try Self.toolNames(["--stdio", "--toolset", "hosted"])
        #expect(hosted.first == "list_model_records" && hosted.contains("get_model_record") && !hosted.contains("perform_model_action"))
        let all = try Self.toolNames(["mcp", "--toolset", "all", "--read-only"])
        #expect(all.contains("perform_model_action") && all.contains("list_model_records") && !all.contains("create_model_record"))
    }

    @Test("bad values are usage errors naming the option, the value and what is expected", arguments: [
        (["--stdio", "--toolset", "everything"], "--toolset: everything is not allowed; expected one of classic, hosted, all"),
        (["mcp", "--max-result-bytes", "12"], "--max-result-bytes: 12 is not allowed; expected a whole number of bytes, at least 2000"),
        (["mcp-config", "--toolset", "hostd"], "--toolset: hostd is not allowed"),
    ])
    func refused(_ arguments: [String], _ message: String) throws {
        let result = try ProcessRunner.run(ProcessRunner.planhatBinary, arguments + ["--sandbox"], environment: ProcessRunner.environment(), timeout: 30)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("mcp-config passes the tool set and budget on to the server's arguments")
    func config() throws {
        let result = try ProcessRunner.run(ProcessRunner.planhatBinary, ["mcp-config", "--sandbox", "--toolset", "hosted", "--max-result-bytes", "16000"], environment: ProcessRunner.environment(), timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        let block = try JSONValue.parse(result.stdout)
        #expect(block["mcpServers"]?["planhat"]?["args"] == ["--stdio", "--sandbox", "--toolset", "hosted", "--max-result-bytes", "16000"])
        let plain = try JSONValue.parse(try ProcessRunner.run(ProcessRunner.planhatBinary, ["mcp-config", "--sandbox"], environment: ProcessRunner.environment(), timeout: 30).stdout)
        #expect(plain["mcpServers"]?["planhat"]?["args"] == ["--stdio", "--sandbox"], "the default adds nothing")
    }

    @Test("the SDK client lists and calls the hosted tools over stdio")
    func sdkClient() async throws {
        let server = try StdioServer(["--stdio", "--sandbox", "--toolset", "hosted"])
        defer { server.stop() }
        let client = try await server.connect()
        let (tools, _) = try await client.listTools()
        #expect(tools.first?.name == "list_model_records")
        let listed = try await client.callTool(name: "list_model_records", arguments: ["MODEL": "Company", "FILTER": ["name[contains]": "a"], "LIMIT": 3, "SELECT": "name"])
        #expect(listed.isError == false)
        let content = try JSONValue.parse(text(listed.content))
        #expect(content["page"] == ["offset": 0, "limit": 3, "returned": 3, "more": true, "nextOffset": 3])
        #expect(content["appliedLocally"] == ["name[contains]"])
        let id = try #require(content["records"]?.arrayValue?.first?["_id"]?.stringValue)
        let got = try await client.callTool(name: "get_model_record", arguments: ["MODEL": "Company", "OBJECT_ID": .string(id)])
        #expect(try JSONValue.parse(text(got.content))["record"]?["_id"]?.stringValue == id)
        let bad = try await client.callTool(name: "get_model_record", arguments: ["MODEL": "Company"])
        #expect(bad.isError == true && text(bad.content).contains("OBJECT_ID"))
    }
}
