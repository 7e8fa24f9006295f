import Foundation
import MCP
import PlanhatKit
import PlanhatMCP
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `planhat --stdio` as a child process, driven by the MCP SDK's own `Client` over pipes.
final class StdioServer: @unchecked Sendable {
    let child: MCPLineClient

    init(_ arguments: [String] = ["--stdio", "--sandbox"], environment: [String: String]? = nil) throws {
        let sandbox = ProcessRunner.temporaryDirectory("mcp").appendingPathComponent("sandbox.sqlite").path
        child = try MCPLineClient(arguments: arguments + ["--sandbox-path", sandbox], environment: environment ?? ProcessRunner.environment())
    }

    func connect() async throws -> Client {
        let client = Client(name: "planhat-tests", version: "1.0")
        let transport = StdioLineTransport(input: child.standardOutput.fileDescriptor, output: child.standardInput.fileDescriptor)
        _ = try await client.connect(transport: transport)
        return client
    }

    func stop() {
        child.stop()
    }
}

/// The first text block: the answer's JSON (a list's second block is its page line).
func text(_ content: [Tool.Content]) -> String {
    content.compactMap { item -> String? in
        if case .text(let text, _, _) = item { return text }
        return nil
    }.first ?? ""
}

@Suite("MCP over stdio, end to end", .offThePool)
struct StdioEndToEndTests {
    @Test("initialize, list tools, and the whole create → view → update → delete story")
    func story() async throws {
        let server = try StdioServer()
        defer { server.stop() }
        let client = try await server.connect()
        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == ["get_model_actions", "get_model_action_parameters", "perform_model_action"])
        #expect(tools[2].annotations.destructiveHint == true)
        #expect(tools[0].annotations.readOnlyHint == true)
        let schema = try await client.callTool(name: "get_model_action_parameters", arguments: ["MODEL_ROUTE": "Companies", "OPERATION": "create"])
        #expect(try JSONValue.parse(text(schema.content))["required"] == ["name"])
        let top = try await client.send(CallTool.request(.init(name: "perform_model_action", arguments: [
            "MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": #"{"limit":3,"sort":"-arr","select":"name,arr"}"#,
        ]))).value
        #expect(top.structuredContent?.objectValue?["records"]?.arrayValue?.count == 3)
        let created = try await client.callTool(name: "perform_model_action", arguments: [
            "MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": ["name": "Stdio Co", "externalId": "STDIO-1"],
        ])
        let id = try #require(try JSONValue.parse(text(created.content))["_id"]?.stringValue)
        let byExternal = try await client.callTool(name: "perform_model_action", arguments: [
            "MODEL_ROUTE": "companies", "OPERATION": "view", "PARAMETERS": ["id": "extid-STDIO-1"],
        ])
        #expect(try JSONValue.parse(text(byExternal.content))["_id"]?.stringValue == id)
        _ = try await client.callTool(name: "perform_model_action", arguments: [
            "MODEL_ROUTE": "companies", "OPERATION": "update", "PARAMETERS": ["id": .string(id), "phase": "Renewal"],
        ])
        _ = try await client.callTool(name: "perform_model_action", arguments: [
            "MODEL_ROUTE": "companies", "OPERATION": "delete", "PARAMETERS": ["id": .string(id)],
        ])
        let gone = try await client.callTool(name: "perform_model_action", arguments: [
            "MODEL_ROUTE": "companies", "OPERATION": "view", "PARAMETERS": ["id": .string(id)],
        ])
        #expect(gone.isError == true)
        #expect(text(gone.content).hasPrefix("404 Not Found"))
        await #expect(throws: (any Error).self) { _ = try await client.callTool(name: "no_such_tool", arguments: nil) }
        let stillUp = try await client.callTool(name: "get_model_actions", arguments: nil)
        #expect(stillUp.isError == false)
    }

    @Test("200 calls in flight at once are all answered correctly")
    func concurrency() async throws {
        let server = try StdioServer()
        defer { server.stop() }
        let client = try await server.connect()
        let offsets = Array(0..<200)
        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for offset in offsets {
                group.addTask {
                    let result = try await client.callTool(name: "perform_model_action", arguments: [
                        "MODEL_ROUTE": "companies", "OPERATION": "list",
                        "PARAMETERS": .object(["limit": 1, "offset": .int(offset), "select": "name"]),
                    ])
                    return (offset, try JSONValue.parse(text(result.content))["records"]?.arrayValue?.first?["_id"]?.stringValue)
                }
            }
            var collected: [Int: String?] = [:]
            for try await (offset, id) in group { collected[offset] = id }
            return collected
        }
        #expect(answers.count == 200)
        let ids = answers.values.compactMap { $0 }
        #expect(ids.count == 200 && Set(ids).count == 200, "each offset answered with its own company")
    }

    @Test("without a token and without --sandbox it refuses to start, writing nothing to stdout")
    func refusesWithoutBackend() throws {
        let result = try ProcessRunner.planhat(["--stdio"], stdin: #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"# + "\n")
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("PLANHAT_API_TOKEN") && result.stderr.contains("--sandbox"))
    }

    @Test("an unknown model in --models fails at start-up")
    func unknownAllowListEntry() throws {
        let result = try ProcessRunner.planhat(["--stdio", "--sandbox", "--models", "companies,unicorns"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("unicorns"))
    }

    @Test("piped requests are all answered before exit when stdin closes; malformed lines get JSON-RPC errors")
    func pipedRequests() throws {
        let sandbox = ProcessRunner.temporaryDirectory("pipe").appendingPathComponent("s.sqlite").path
        var lines = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            "this is not json",
            #"{"jsonrpc":"2.0","id":2,"method":"resources/unknown"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"perform_model_action","arguments":{"MODEL_ROUTE":"companies","OPERATION":"list","PARAMETERS":{"limit":1}}}}"#,
        ]
        for id in 4..<30 {
            lines.append(#"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"get_model_actions","arguments":{}}}"#)
        }
        let result = try ProcessRunner.planhat(["--stdio", "--sandbox", "--sandbox-path", sandbox], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let answers = result.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(answers.count == result.stdout.split(separator: "\n").count, "stdout holds only JSON-RPC")
        let ids = Set(answers.compactMap { $0["id"]?.intValue })
        #expect(ids == Set(1..<30), "every request answered")
        #expect(answers.contains { $0["error"]?["code"] == -32700 }, "parse error for the malformed line")
        #expect(answers.first { $0["error"]?["code"] == -32700 }?["id"] == .null, "a parse error carries id null, not a made-up one")
        #expect(answers.first { $0["id"] == 2 }?["error"]?["code"] == -32601)
        #expect(answers.first { $0["id"] == 1 }?["result"]?["protocolVersion"] == "2024-11-05")
    }

    @Test("a 10 MB message and 10 000 levels of nesting get clear errors and the server keeps answering")
    func hostileMessages() throws {
        let sandbox = ProcessRunner.temporaryDirectory("hostile").appendingPathComponent("s.sqlite").path
        let init1 = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"h","version":"1"}}}"#
        let huge = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"perform_model_action","arguments":{"MODEL_ROUTE":"companies","OPERATION":"create","PARAMETERS":{"name":""# + String(repeating: "x", count: 10_000_000) + #""}}}}"#
        let deep = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"perform_model_action","arguments":{"MODEL_ROUTE":"companies","OPERATION":"list","PARAMETERS":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}}}"
        let after = #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_model_actions","arguments":{}}}"#
        let result = try ProcessRunner.planhat(["--stdio", "--sandbox", "--sandbox-path", sandbox], stdin: [init1, huge, deep, after].joined(separator: "\n") + "\n", timeout: 120)
        #expect(result.status == 0, "\(result.stderr.prefix(500))")
        let answers = result.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(answers.first { $0["id"] == 4 }?["result"]?["isError"] == false, "still answering")
        #expect(answers.contains { $0["id"] == 3 || $0["error"] != nil }, "the deep message got an answer")
    }

    @Test("a plain tools/call answered by the shortcut equals the SDK server's answer to the same call, malformed arguments included", .serialized, arguments: [
        #"{"MODEL_ROUTE":"companies","OPERATION":"list","PARAMETERS":"{\"limit\":2,\"sort\":\"-arr\",\"select\":\"name,arr\"}"}"#,
        #"{"MODEL_ROUTE":"companies","OPERATION":"list","PARAMETERS":{"limit":"two"}}"#,
        #"{"MODEL_ROUTE":"nonsense","OPERATION":"list"}"#,
        #"{"MODEL_ROUTE":"endusers","OPERATION":"create","PARAMETERS":"not json"}"#,
        #"{"OPERATION":"list","EXTRA":1}"#,
        #""oops""#, "5", "[1]", "true", "null",
    ])
    func shortcutParity(_ arguments: String) throws {
        let sandbox = ProcessRunner.temporaryDirectory("parity").appendingPathComponent("s.sqlite").path
        let lines = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"p","version":"1"}}}"#,
            // Plain: the shortcut takes it.
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"perform_model_action","arguments":"# + arguments + "}}",
            // With _meta: the SDK's server handles it.
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"_meta":{},"name":"perform_model_action","arguments":"# + arguments + "}}",
            #"{"jsonrpc":"2.0","id":"four","method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}"#,
        ]
        // Both under id 2, one after the other, so the answers can be compared whole.
        let first = try ProcessRunner.planhat(["--stdio", "--sandbox", "--sandbox-path", sandbox], stdin: [lines[0], lines[1], lines[3]].joined(separator: "\n") + "\n")
        let second = try ProcessRunner.planhat(["--stdio", "--sandbox", "--sandbox-path", sandbox], stdin: [lines[0], lines[2]].joined(separator: "\n") + "\n")
        func answer(_ output: String) -> JSONValue? {
            output.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }.first { $0["id"] == 2 }
        }
        let shortcut = answer(first.stdout)
        let sdk = answer(second.stdout)
        #expect(shortcut != nil && shortcut == sdk, "shortcut: \(first.stdout)\nSDK: \(second.stdout)")
        if arguments.hasPrefix("{") || arguments == "null" {
            #expect(shortcut?["result"] != nil, "arguments that are an object (or null) are the tool's business: a tool result")
        } else {
            #expect(shortcut?["error"]?["code"] == -32602, "arguments that are not an object fail CallToolRequest: -32602, never -32603")
        }
        let answers = first.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(answers.first { $0["id"] == "four" }?["error"]?["code"] == -32602, "an unknown tool is still the SDK's protocol error")
    }
}
