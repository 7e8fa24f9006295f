import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// Waiting is never silent: the MCP server on the remote backend (`sandbox serve` standing in for
/// Planhat) with a quota of three calls a minute (`--requests-per-minute 3`).
@Suite("MCP calls that wait for Planhat's quota say so", .offThePool)
struct QuotaWaitTests {
    static let secret = "tok_quota_0123456789abcdef"

    static func call(_ id: String, progressToken: String? = nil) -> JSONValue {
        var params: [String: JSONValue] = ["name": "list_model_records", "arguments": ["MODEL": "Company", "LIMIT": 1, "SELECT": "name"]]
        if let progressToken { params["_meta"] = ["progressToken": .string(progressToken)] }
        return ["jsonrpc": "2.0", "id": .string(id), "method": "tools/call", "params": .object(params)]
    }

    @Test("a waiting call sends progress and stops at once when cancelled (nothing sent); the call that waited says how long and why")
    func quota() throws {
        let rest = try ServedSandbox(token: Self.secret)
        defer { rest.stop() }
        let environment = ProcessRunner.environment(["PLANHAT_API_URL": rest.baseURL, "PLANHAT_API_TOKEN": Self.secret])
        let client = try MCPLineClient(
            arguments: ["--stdio", "--toolset", "hosted", "--requests-per-minute", "3", "--no-upstream", "--log-level", "info"],
            environment: environment, capturesStandardError: true)
        let stdout = LineChannel(client.standardOutput)
        _ = LineChannel(client.standardError ?? FileHandle.nullDevice)
        defer { if client.process.isRunning { client.process.terminate() } }
        func message(timeout: TimeInterval = 60, _ matches: @escaping (JSONValue) -> Bool) -> JSONValue? {
            stdout.first(timeout: timeout) { line in (try? JSONValue.parse(line)).map(matches) ?? false }.flatMap { try? JSONValue.parse($0) }
        }
        func send(_ value: JSONValue) { client.send(line: value.compactText()) }
        client.send(line: ProtocolErrorTests.initialize("2025-11-25"))
        #expect(message { $0["id"] == 1 } != nil)
        client.send(line: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)

        // Three calls spend the minute's budget without waiting, and say nothing of waits.
        for index in 1...3 {
            send(Self.call("quick-\(index)"))
            let answer = try #require(message { $0["id"] == .string("quick-\(index)") })
            #expect(answer["result"]?["isError"] != true)
            #expect(answer["result"]?["structuredContent"]?["waited"] == nil, "\(answer)")
        }
        let before = try rest.count("GET /companies")

        // The fourth waits for the quota: it says so while waiting, and a cancellation stops it there.
        send(Self.call("cancelled", progressToken: "wait-1"))
        let progress = try #require(message(timeout: 30) { $0["method"] == "notifications/progress" && $0["params"]?["progressToken"] == "wait-1" })
        let said = try #require(progress["params"]?["message"]?.stringValue)
        #expect(said.hasPrefix("list_model_records waits ") && said.contains("s more for Planhat's quota of calls a minute, which this client keeps (--requests-per-minute)"), "\(said)")
        client.send(line: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"cancelled","reason":"test"}}"#)
        let report = try #require(message(timeout: 30) { $0["method"] == "notifications/message" }, "the cancellation is reported")
        #expect(report["params"]?["data"]?["event"] == "cancelled" && report["params"]?["data"]?["requestId"] == "cancelled")
        #expect(try rest.count("GET /companies") == before, "the cancelled call never sent its request")

        // The next one waits to the end and its answer says how long and why.
        send(Self.call("patient", progressToken: "wait-2"))
        let answer = try #require(message(timeout: 120) { $0["id"] == "patient" })
        let result = try #require(answer["result"])
        #expect(result["isError"] != true)
        let waited = try #require(result["structuredContent"]?["waited"])
        let seconds = try #require(waited["seconds"]?.doubleValue)
        #expect(seconds >= 1, "\(waited)")
        #expect(waited["reasons"]?.arrayValue?.first?["reason"] == "minuteQuota")
        let texts = result["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(texts.last?.hasPrefix("waited ") == true && texts.last?.contains("before Planhat answered") == true && texts.last?.contains("for Planhat's quota of calls a minute") == true, "\(texts)")
        #expect(try JSONValue.parse(try #require(texts.first)) == result["structuredContent"], "the text copy carries waited too")
        #expect(result["structuredContent"]?["records"]?.arrayValue?.count == 1)
        let notices = stdout.all.compactMap { try? JSONValue.parse($0) }.filter { $0["params"]?["progressToken"] == "wait-2" }
        let values = notices.compactMap { $0["params"]?["progress"]?.doubleValue }
        #expect(!values.isEmpty && values == values.sorted() && Set(values).count == values.count, "progress grows: \(values)")
        #expect(try rest.count("GET /companies") == before + 1)
        #expect(message(timeout: 1) { $0["id"] == "cancelled" } == nil, "a cancelled request gets no response")
        #expect(client.stop() == 0)
    }
}
