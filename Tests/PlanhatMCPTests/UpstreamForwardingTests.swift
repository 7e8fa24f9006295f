import Foundation
import MCP
import PlanhatKit
import PlanhatMCP
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The Python `mcp` 2.3.0 stand-in for Planhat's hosted MCP server (`upstream_standin.py`), on a
/// loopback port: stateless Streamable HTTP with JSON answers, checking the Authorization header.
final class HostedStandIn: @unchecked Sendable {
    let process = Process()
    let port: Int
    let log: String

    init(token: String) throws {
        log = ProcessRunner.temporaryDirectory("standin").appendingPathComponent("calls.ndjson").path
        let script = ProcessRunner.packageRoot.appendingPathComponent("Tests/PlanhatMCPTests/upstream_standin.py").path
        process.executableURL = URL(fileURLWithPath: PythonClientTests.python ?? "/usr/bin/python3")
        process.arguments = [script, "--token", token, "--log", log]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(10_000); continue }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "listening ") { found = Int(seen[range.upperBound...].prefix { $0.isNumber }) }
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw StandInError(message: "the hosted stand-in did not start: \(seen)")
        }
        port = found
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            // SIGKILL: Python started from the test process may inherit an ignored SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var url: String { "http://127.0.0.1:\(port)/v1/mcp" }

    /// The calls it received, in order.
    func calls() throws -> [JSONValue] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }
}

struct StandInError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// `search_records` and the document tools on the remote backend (`sandbox serve` standing in for
/// Planhat's REST API), forwarded to the hosted stand-in with the same token.
@Suite("MCP forwarding to Planhat's hosted MCP server", .offThePool)
struct UpstreamForwardingTests {
    static let secret = "tok_forward_0123456789abcdef"

    static func server(_ sandbox: ServedSandbox, _ extra: [String]) throws -> (MCPLineClient, [String: String]) {
        let environment = ProcessRunner.environment(["PLANHAT_API_URL": sandbox.baseURL, "PLANHAT_API_TOKEN": secret])
        let child = try MCPLineClient(arguments: ["--stdio", "--toolset", "hosted", "--log-level", "debug"] + extra, environment: environment, capturesStandardError: true)
        return (child, environment)
    }

    static func connect(_ child: MCPLineClient) async throws -> Client {
        let client = Client(name: "forwarding-tests", version: "1.0")
        _ = try await client.connect(transport: StdioLineTransport(input: child.standardOutput.fileDescriptor, output: child.standardInput.fileDescriptor))
        return client
    }

    static func texts(_ content: [Tool.Content]) -> [String] {
        content.compactMap { if case .text(let text, _, _) = $0 { return text } else { return nil } }
    }

    @Test("the four tools go to the hosted server with the same token; its answers and errors come back with their status; the token is never logged", .enabled(if: PythonClientTests.python != nil))
    func forwarded() async throws {
        let rest = try ServedSandbox(token: Self.secret)
        defer { rest.stop() }
        let hosted = try HostedStandIn(token: Self.secret)
        defer { hosted.stop() }
        let (child, _) = try Self.server(rest, ["--upstream-mcp", hosted.url])
        let client = try await Self.connect(child)

        let (tools, _) = try await client.listTools()
        #expect(tools.first { $0.name == "search_records" }?.description?.contains("Forwarded to Planhat's hosted MCP server") == true)

        let search = try await client.send(CallTool.request(.init(name: "search_records", arguments: ["QUERY": "acme", "MODEL": "Company"]))).value
        #expect(search.isError != true)
        #expect(search.structuredContent != nil, "the hosted server's structured content is kept")
        let results = try JSONValue.parse(try #require(Self.texts(search.content).first))["results"]?.arrayValue
        #expect(results?.count == 3 && results?.first?["title"] == "acme match 0" && results?.first?["model"] == "Company")
        #expect(Self.texts(search.content).last?.contains("answered by Planhat's hosted MCP server (\(hosted.url))") == true)

        let created = try await client.callTool(name: "create_document", arguments: ["NAME": "QBR notes", "CONTENT": "Renewal at risk", "IS_PUBLIC": true])
        #expect(created.isError != true)
        let document = try JSONValue.parse(try #require(Self.texts(created.content).first))
        let id = try #require(document["_id"]?.stringValue)
        let read = try await client.callTool(name: "get_document", arguments: ["DOCUMENT_ID": .string(id), "FORMAT": "text"])
        #expect(try JSONValue.parse(try #require(Self.texts(read.content).first))["content"] == "Renewal at risk")
        let found = try await client.callTool(name: "search_documents", arguments: ["QUERY": "renewal"])
        #expect(try JSONValue.parse(try #require(Self.texts(found.content).first))["results"]?.arrayValue?.first?["_id"]?.stringValue == id)

        // A tool error of the hosted server comes back as it gave it, Planhat's guidance and all.
        let missing = try await client.callTool(name: "get_document", arguments: ["DOCUMENT_ID": "nope"])
        #expect(missing.isError == true)
        #expect(Self.texts(missing.content).first?.contains("Document not found: nope. Use search_documents to find a document's _id.") == true)

        // HTTP refusals keep their status and say what to do.
        let limited = try await client.callTool(name: "search_records", arguments: ["QUERY": "rate-limit-me"])
        #expect(limited.isError == true)
        let limitedText = try #require(Self.texts(limited.content).first)
        #expect(limitedText.hasPrefix("429 Too Many Requests: Planhat's hosted MCP server (\(hosted.url)) refused search_records with HTTP 429"), "\(limitedText)")
        #expect(limitedText.contains("wait a minute, then retry"))
        let fault = try await client.callTool(name: "search_documents", arguments: ["QUERY": "server-fault-me"])
        #expect(Self.texts(fault.content).first?.hasPrefix("503 Service Unavailable") == true, "\(Self.texts(fault.content))")
        // After a failure it connects again.
        let again = try await client.callTool(name: "search_records", arguments: ["QUERY": "again"])
        #expect(again.isError != true)

        // Checked here before anything is sent: unknown arguments, no words.
        let unknown = try await client.callTool(name: "search_records", arguments: ["QUERY": "x", "LIMIT": 3])
        #expect(unknown.isError == true && Self.texts(unknown.content).first?.contains("LIMIT") == true)
        let empty = try await client.callTool(name: "search_documents", arguments: ["QUERY": "  "])
        #expect(empty.isError == true && Self.texts(empty.content).first?.contains("QUERY") == true)

        #expect(child.stop() == 0)
        let calls = try hosted.calls()
        #expect(calls.map { $0["tool"]?.stringValue ?? "" } == ["search_records", "create_document", "get_document", "search_documents", "get_document", "search_records"])
        #expect(calls.allSatisfy { $0["authorization"] == "ok" }, "every call carried Bearer <the same token>")
        #expect(calls[1]["arguments"]?["IS_PUBLIC"] == true && calls[0]["arguments"]?["MODEL"] == "Company")
        let log = String(decoding: try #require(child.standardError).readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("forwarded search_records to \(hosted.url)"), "the debug log names the forwarding")
        #expect(!log.contains(Self.secret), "the token never reaches the log")
    }

    @Test("a wrong token is the hosted server's 401 with what to do; read-only neither lists nor sends create_document", .enabled(if: PythonClientTests.python != nil))
    func refusals() async throws {
        let rest = try ServedSandbox(token: Self.secret)
        defer { rest.stop() }
        let hosted = try HostedStandIn(token: "another-token")
        defer { hosted.stop() }
        let (child, _) = try Self.server(rest, ["--upstream-mcp", hosted.url, "--read-only"])
        let client = try await Self.connect(child)
        let denied = try await client.callTool(name: "search_records", arguments: ["QUERY": "acme"])
        let text = try #require(Self.texts(denied.content).first)
        #expect(denied.isError == true && text.hasPrefix("401 Unauthorized: Planhat's hosted MCP server"), "\(text)")
        #expect(text.contains("same token as the REST API") && text.contains("--no-upstream") && !text.contains(Self.secret))
        let (tools, _) = try await client.listTools()
        #expect(!tools.contains { $0.name == "create_document" })
        await #expect { _ = try await client.callTool(name: "create_document", arguments: ["NAME": "n", "CONTENT": "c"]) } throws: { error in
            "\(error)".contains("Unknown tool 'create_document'")
        }
        #expect(child.stop() == 0)
        #expect(try hosted.calls().isEmpty, "nothing reached the hosted server's tools")
    }

    @Test("--no-upstream: the four tools say why they are unavailable and what to do; the default URL is the API host's /v1/mcp")
    func turnedOff() async throws {
        let rest = try ServedSandbox(token: Self.secret)
        defer { rest.stop() }
        let (child, _) = try Self.server(rest, ["--no-upstream"])
        let client = try await Self.connect(child)
        defer { _ = child.stop() }
        let (tools, _) = try await client.listTools()
        #expect(tools.first { $0.name == "search_documents" }?.description?.contains("Unavailable here (--no-upstream)") == true)
        let calls: [(String, [String: Value])] = [
            ("search_records", ["QUERY": "acme"]), ("create_document", ["NAME": "n", "CONTENT": "c"]),
            ("get_document", ["DOCUMENT_ID": "d1"]), ("search_documents", ["QUERY": "qbr"]),
        ]
        for (name, arguments) in calls {
            let answer = try await client.callTool(name: name, arguments: arguments)
            let text = try #require(Self.texts(answer.content).first)
            #expect(answer.isError == true)
            #expect(text.contains("\(name) is not available") && text.contains("forwarding to Planhat's hosted MCP server is off (--no-upstream)"), "\(text)")
            #expect(text.contains("Start the server without --no-upstream") && text.contains("list_model_records"), "\(text)")
        }
        // Without either option the API host's /v1/mcp is asked (sandbox serve has no MCP there: the error says where it asked).
        let (plain, _) = try Self.server(rest, [])
        let plainClient = try await Self.connect(plain)
        let asked = try await plainClient.callTool(name: "search_records", arguments: ["QUERY": "acme"])
        let askedText = try #require(Self.texts(asked.content).first)
        #expect(asked.isError == true && askedText.contains("Planhat's hosted MCP server (\(rest.baseURL)/v1/mcp)"), "\(askedText)")
        #expect(plain.stop() == 0)
        #expect(UpstreamMCP.defaultEndpoint(forAPI: "https://api.planhat.com")?.absoluteString == "https://api.planhat.com/v1/mcp")
        #expect(UpstreamMCP.defaultEndpoint(forAPI: "https://api.planhatdemo.com/")?.absoluteString == "https://api.planhatdemo.com/v1/mcp")
        #expect(UpstreamMCP.defaultEndpoint(forAPI: "https://api-eu.planhat.com")?.absoluteString == "https://api-eu.planhat.com/v1/mcp")
        let both = try ProcessRunner.planhat(["--stdio", "--no-upstream", "--upstream-mcp", "https://x.example/v1/mcp"])
        #expect(both.status != 0 && both.stderr.contains("--upstream-mcp"))
        let bad = try ProcessRunner.planhat(["--stdio", "--upstream-mcp", "ftp://x.example"])
        #expect(bad.status != 0 && bad.stderr.contains("an http or https URL"))
        let config = try ProcessRunner.planhat(["mcp-config", "--toolset", "hosted", "--upstream-mcp", "https://api.planhatdemo.com/v1/mcp"])
        #expect(config.stdout.contains("\"--upstream-mcp\",\n        \"https://api.planhatdemo.com/v1/mcp\""), "\(config.stdout)")
        let off = try ProcessRunner.planhat(["mcp-config", "--no-upstream"])
        #expect(off.stdout.contains("\"--stdio\",\n        \"--no-upstream\""), "\(off.stdout)")
    }
}
