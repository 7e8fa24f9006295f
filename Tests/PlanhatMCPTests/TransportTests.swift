import Foundation
import MCP
import PlanhatKit
import PlanhatMCP
import PlanhatSandbox
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// A ``StdioLineTransport`` over two pipes whose other ends the test holds: lines in, lines out.
final class PipedTransport: @unchecked Sendable {
    private let input = Pipe()
    private let output = Pipe()
    let transport: StdioLineTransport
    /// What the transport wrote, line by line; nil when the reading end was closed to break the pipe.
    let written: LineChannel?

    /// - Parameter brokenOutput: closes the reading end of the output at once: every write fails with `EPIPE`.
    init(brokenOutput: Bool = false) {
        transport = StdioLineTransport(input: input.fileHandleForReading.fileDescriptor, output: output.fileHandleForWriting.fileDescriptor)
        if brokenOutput {
            try? output.fileHandleForReading.close()
            written = nil
        } else {
            written = LineChannel(output.fileHandleForReading)
        }
    }

    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// Ends the transport's input, as a client closing stdin does.
    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Ends the output once the transport is done with it, so that ``written`` sees the end.
    func closeOutput() {
        try? output.fileHandleForWriting.close()
        _ = written?.waitForEnd(timeout: 10)
    }

    /// Every message written so far, parsed.
    var messages: [JSONValue] { written?.all.compactMap { try? JSONValue.parse($0) } ?? [] }

    /// Waits (without blocking a thread) for the answer to request `id`.
    /// Generous: the server runs on the shared concurrency pool, which other suites keep busy.
    func answer(_ id: JSONValue, timeout: Duration = .seconds(120)) async -> JSONValue? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = messages.first(where: { $0["id"] == id && $0["method"] == nil }) { return found }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}

/// An SDK server with one `tools/call` handler that says it answered, and remembers what it was asked.
final class PlainSDKServer: @unchecked Sendable {
    let server = Server(name: "plain", version: "1", capabilities: .init(tools: .init(listChanged: false)))
    private let lock = NSLock()
    private var names: [String] = []

    /// The tool names its handler was called with.
    var called: [String] { lock.withLock { names } }

    func start(_ pipes: PipedTransport) async throws {
        await server.withMethodHandler(CallTool.self) { [self] parameters in
            lock.withLock { names.append(parameters.name) }
            return CallTool.Result(content: [.text(text: "the SDK's handler: \(parameters.name)", annotations: nil, _meta: nil)])
        }
        try await server.start(transport: pipes.transport)
        pipes.send(ProtocolErrorTests.initialize("2025-06-18"))
        _ = await pipes.answer(1)
    }

    /// Closes the input and waits for the server and the transport to be done.
    func finish(_ pipes: PipedTransport) async {
        pipes.closeInput()
        await server.waitUntilCompleted()
        await pipes.transport.drain(timeout: .seconds(20))
        await server.stop()
        pipes.closeOutput()
    }
}

/// Takes the `tools/call` requests for the tool named `intercepted` and answers them itself.
struct StubInterceptor: RequestInterceptor {
    let reply: @Sendable (Data) -> Void

    func intercept(_ request: IncomingRequest) -> Bool {
        guard request.method == "tools/call", request.message["params"]?["name"] == "intercepted" else { return false }
        let id = request.id
        let reply = self.reply
        Task {
            let result = CallTool.Result(content: [.text(text: "the interceptor", annotations: nil, _meta: nil)])
            if let data = try? JSONEncoder().encode(Response<CallTool>(id: id, result: result)) { reply(data) }
        }
        return true
    }
}

func toolCall(_ id: String, _ name: String, meta: Bool = false) -> String {
    let metaPart = meta ? #""_meta":{},"# : ""
    return #"{"jsonrpc":"2.0","id":"\#(id)","method":"tools/call","params":{\#(metaPart)"name":"\#(name)","arguments":{}}}"#
}

func answerText(_ answer: JSONValue?) -> String? {
    answer?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
}

@Suite("MCP line transport: the interceptor seam, write errors, strict mode")
struct TransportTests {
    @Test("with no interceptor the transport serves any SDK server: every request reaches its handlers, malformed lines are still answered here")
    func noInterceptor() async throws {
        let pipes = PipedTransport()
        let sdk = PlainSDKServer()
        try await sdk.start(pipes)
        pipes.send(toolCall("a", "intercepted"))
        pipes.send("not json")
        #expect(answerText(await pipes.answer("a")) == "the SDK's handler: intercepted")
        #expect(await pipes.answer(.null)?["error"]?["code"] == -32700)
        await sdk.finish(pipes)
        #expect(sdk.called == ["intercepted"])
    }

    @Test("an interceptor plugged in from outside answers what it takes through the transport; what it declines reaches the SDK's server; its answers settle the requests")
    func interceptorSeam() async throws {
        let pipes = PipedTransport()
        pipes.transport.setInterceptor(StubInterceptor(reply: pipes.transport.post))
        let sdk = PlainSDKServer()
        try await sdk.start(pipes)
        pipes.send(toolCall("taken", "intercepted"))
        pipes.send(toolCall("declined", "other"))
        #expect(answerText(await pipes.answer("taken")) == "the interceptor")
        #expect(answerText(await pipes.answer("declined")) == "the SDK's handler: other")
        let started = ContinuousClock.now
        await sdk.finish(pipes)
        #expect(ContinuousClock.now - started < .seconds(10), "nothing left owed an answer at exit")
        #expect(sdk.called == ["other"], "the SDK's handler never saw the request the interceptor took")
    }

    @Test("a write to a closed stdout is reported, never a SIGPIPE: thrown from send with EPIPE, counted, and the request it answered is not waited for at exit")
    func brokenPipe() async throws {
        let pipes = PipedTransport(brokenOutput: true)
        try await pipes.transport.connect()
        var incoming = await pipes.transport.receive().makeAsyncIterator()
        pipes.send(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        _ = try await incoming.next()
        let error = await #expect(throws: MCPError.self) {
            try await pipes.transport.send(Data(#"{"id":1,"jsonrpc":"2.0","result":{}}"#.utf8))
        }
        if case .transportError(let underlying)? = error {
            #expect((underlying as? POSIXError)?.code == .EPIPE)
        } else {
            Issue.record("expected a transport error, got \(String(describing: error))")
        }
        pipes.transport.post(Data(#"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}"#.utf8))
        #expect(pipes.transport.failedWrites == 2)
        pipes.closeInput()
        let started = ContinuousClock.now
        await pipes.transport.drain(timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(10), "the request whose answer was lost is not owed one any more")
        await pipes.transport.disconnect()
    }

    @Test("planhat --stdio whose client closed stdout logs every lost message on stderr and exits 0 once stdin closes (it used to die of SIGPIPE)", .offThePool)
    func closedStdoutEndToEnd() throws {
        let sandbox = ProcessRunner.temporaryDirectory("epipe").appendingPathComponent("s.sqlite").path
        let child = try MCPLineClient(arguments: ["--stdio", "--sandbox", "--sandbox-path", sandbox], environment: ProcessRunner.environment(), capturesStandardError: true)
        try child.standardOutput.close()
        let stderr = LineChannel(child.standardError ?? FileHandle.nullDevice)
        child.send(line: ProtocolErrorTests.initialize("2025-06-18"))
        child.send(line: toolCall("lost", PlanhatTools.discoverName))
        let lost = stderr.first(timeout: 30) { $0.contains("cannot write to stdout (Broken pipe)") && $0.contains("messages lost so far") }
        #expect(lost != nil, "\(stderr.all.suffix(5))")
        child.closeInput()
        let deadline = Date().addingTimeInterval(30)
        while child.process.isRunning && Date() < deadline { usleep(10_000) }
        if child.process.isRunning { child.process.terminate() }
        child.process.waitUntilExit()
        #expect(child.process.terminationReason == .exit && child.process.terminationStatus == 0, "\(child.process.terminationReason) \(child.process.terminationStatus)")
    }

    /// The server in process, under `configuration`: a tools/call before initialize (after a ping, which
    /// strict mode allows), then initialize, then the same call again. `throughSDK` adds `_meta`, so
    /// that the SDK's server serves the calls instead of the shortcut.
    static func earlyAndLateCalls(_ configuration: Server.Configuration, throughSDK: Bool) async throws -> (early: JSONValue?, late: JSONValue?) {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 5).seed(into: store)
        let server = PlanhatMCPServer(service: PlanhatService(backend: SandboxBackend(store: store)), version: "test", configuration: configuration)
        let pipes = PipedTransport()
        let running = Task { try await server.run(transport: pipes.transport) }
        pipes.send(toolCall("early", PlanhatTools.discoverName, meta: throughSDK))
        pipes.send(#"{"jsonrpc":"2.0","id":"ping","method":"ping"}"#)
        #expect(await pipes.answer("ping")?["result"] != nil)
        try await Task.sleep(for: .milliseconds(200))  // the SDK has dealt with the early call by now
        pipes.send(ProtocolErrorTests.initialize("2025-06-18"))
        #expect(await pipes.answer(1)?["result"] != nil)
        pipes.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        pipes.send(toolCall("late", PlanhatTools.discoverName, meta: throughSDK))
        let late = await pipes.answer("late")
        // An early call left unanswered would be waited for at exit: the client gives up on it.
        pipes.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"early"}}"#)
        pipes.closeInput()
        try await running.value
        pipes.closeOutput()
        return (pipes.messages.first { $0["id"] == "early" }, late)
    }

    @Test("strict mode: a tools/call before initialize gets the SDK server's answer on the shortcut's path too (it is not served); after initialize both paths serve it alike", arguments: [true, false])
    func strictModeParity(strict: Bool) async throws {
        let configuration: Server.Configuration = strict ? .strict : .default
        let shortcut = try await Self.earlyAndLateCalls(configuration, throughSDK: false)
        let sdk = try await Self.earlyAndLateCalls(configuration, throughSDK: true)
        let sameEarly = shortcut.early == sdk.early, sameLate = shortcut.late == sdk.late
        #expect(sameEarly, "before initialize: the shortcut's path gave \(Self.summary(shortcut.early)), the SDK's \(Self.summary(sdk.early))")
        #expect(sameLate, "after initialize: the shortcut's path gave \(Self.summary(shortcut.late)), the SDK's \(Self.summary(sdk.late))")
        #expect(Self.summary(shortcut.late) == "a tool result")
        #expect(Self.summary(shortcut.early) == (strict ? "no answer" : "a tool result"), "strict mode serves no call before initialize (swift-sdk 0.12.1 answers none)")
    }

    /// What an answer is, in a few words.
    static func summary(_ answer: JSONValue?) -> String {
        guard let answer else { return "no answer" }
        if answer["result"]?["isError"] == false { return "a tool result" }
        return answer["error"].map { "error \($0["code"]?.compactText() ?? "?") \($0["message"]?.stringValue ?? "")" } ?? "a failed tool result"

    }
}
