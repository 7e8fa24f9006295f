import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The lines a pipe delivers, read on a thread of their own, to wait on one by one.
final class LineChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [String] = []
    private var ended = false

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    condition.withLock {
                        lines.append(line)
                        condition.broadcast()
                    }
                }
            }
            condition.withLock {
                ended = true
                condition.broadcast()
            }
        }
        thread.start()
    }

    /// Every line so far.
    var all: [String] { condition.withLock { lines } }

    /// Waits for the first line that matches, up to `timeout`.
    func first(timeout: TimeInterval = 60, where matches: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        return condition.withLock {
            while true {
                if let line = lines.first(where: matches) { return line }
                if ended || !condition.wait(until: deadline) { return lines.first(where: matches) }
            }
        }
    }

    /// Waits until the pipe closes.
    func waitForEnd(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        return condition.withLock {
            while !ended { if !condition.wait(until: deadline) { return ended } }
            return true
        }
    }
}

/// `planhat --stdio --sandbox` with raw lines in and each stream read line by line.
final class RawServer: @unchecked Sendable {
    let client: MCPLineClient
    let stdout: LineChannel
    let stderr: LineChannel

    init(_ extra: [String] = []) throws {
        let sandbox = ProcessRunner.temporaryDirectory("cancel").appendingPathComponent("s.sqlite").path
        client = try MCPLineClient(
            arguments: ["--stdio", "--sandbox", "--sandbox-path", sandbox] + extra, environment: ProcessRunner.environment(), capturesStandardError: true)
        stdout = LineChannel(client.standardOutput)
        stderr = LineChannel(client.standardError ?? FileHandle.nullDevice)
    }

    func send(_ line: String) {
        client.send(line: line)
    }

    func send(_ message: JSONValue) {
        send(message.compactText())
    }

    /// The first message on stdout that matches.
    func message(timeout: TimeInterval = 60, where matches: (JSONValue) -> Bool) -> JSONValue? {
        stdout.first(timeout: timeout) { line in (try? JSONValue.parse(line)).map(matches) ?? false }.flatMap { try? JSONValue.parse($0) }
    }

    func closeInput() {
        client.closeInput()
    }

    deinit {
        if client.process.isRunning { client.process.terminate() }
    }
}

/// A real cancellation in the middle of a 5 000-item bulk upsert, on both paths: the plain line the
/// shortcut serves, and one with `_meta` (a progress token) that the SDK's server serves.
@Suite("MCP cancellation of a running bulk upsert", .serialized, .offThePool)
struct CancellationTests {
    static let total = 5_000

    @Test("notifications/cancelled stops it between chunks: no response, the applied count logged and sent as notifications/message, and exactly that many items stored", arguments: [false, true])
    func cancelMidRun(throughSDK: Bool) throws {
        let server = try RawServer(["--log-level", "info"])
        server.send(ProtocolErrorTests.initialize("2025-11-25"))
        #expect(server.message { $0["id"] == 1 } != nil)
        server.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        let items = JSONValue.array((0..<Self.total).map { ["name": .string("Cancel Co \($0)"), "externalId": .string("CX-\($0)")] })
        var params: [String: JSONValue] = [
            "name": "perform_model_action",
            "arguments": ["MODEL_ROUTE": "companies", "OPERATION": "bulkUpsert", "PARAMETERS": ["items": items]],
        ]
        if throughSDK { params["_meta"] = ["progressToken": "bulk-progress"] }
        server.send(["jsonrpc": "2.0", "id": "bulk", "method": "tools/call", "params": .object(params)])

        let firstChunk = server.stderr.first { $0.contains("bulk upsert companies: chunk 1 of 10 applied") }
        try #require(firstChunk != nil, "the upsert started: \(server.stderr.all.suffix(5))")
        server.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"bulk","reason":"test"}}"#)

        let log = try #require(server.message { $0["method"] == "notifications/message" }, "\(server.stdout.all.suffix(3))")
        let data = try #require(log["params"]?["data"])
        #expect(log["params"]?["level"] == "warning")
        #expect(data["event"] == "cancelled" && data["requestId"] == "bulk" && data["total"] == .integer(Self.total))
        let applied = try #require(data["applied"]?.intValue)
        #expect(applied >= 500 && applied < Self.total && applied % 500 == 0, "stopped between chunks, before the end: \(applied)")
        #expect(data["created"]?.intValue == applied && data["notApplied"]?.intValue == Self.total - applied)
        #expect(data["message"]?.stringValue?.contains("\(applied) of \(Self.total) items were applied") == true)
        if throughSDK {
            #expect(server.message(timeout: 1) { $0["method"] == "notifications/progress" }?["params"]?["progressToken"] == "bulk-progress")
        }

        var stored = 0
        var offset = 0
        for page in 0..<100 {
            let id = JSONValue.string("count-\(page)")
            server.send([
                "jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": ["name": "perform_model_action", "arguments": [
                    "MODEL_ROUTE": "companies", "OPERATION": "list",
                    "PARAMETERS": ["limit": 5_000, "offset": .integer(offset), "select": "externalId"],
                ]],
            ])
            let answer = try #require(server.message { $0["id"] == id })
            let content = answer["result"]?["structuredContent"]
            let records = content?["records"]?.arrayValue ?? []
            stored += records.filter { $0["externalId"]?.stringValue?.hasPrefix("CX-") == true }.count
            guard content?["page"]?["more"] == true, let next = content?["page"]?["nextOffset"]?.intValue else { break }
            offset = next
        }
        #expect(stored == applied, "the count reported is the count stored")

        server.closeInput()
        #expect(server.stdout.waitForEnd(timeout: 30), "exits once stdin closes: nothing left waiting for the cancelled call")
        let answers = server.stdout.all.compactMap { try? JSONValue.parse($0) }
        #expect(!answers.contains { $0["id"] == "bulk" }, "a cancelled request gets no response")
        #expect(server.stderr.first(timeout: 5) { $0.contains("request bulk: perform_model_action bulkUpsert on companies was cancelled: \(applied) of \(Self.total) items were applied") } != nil)
    }
}
