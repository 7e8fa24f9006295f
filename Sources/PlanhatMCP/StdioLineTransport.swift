import Foundation
import Logging
import MCP

#if canImport(Glibc)
    import Glibc
#endif

/// Newline-delimited JSON-RPC over stdin and stdout, read with blocking reads on a thread of its own.
///
/// The SDK's `StdioTransport` polls a non-blocking stdin and sleeps 10 ms whenever it is empty,
/// which puts a 10 ms floor under every call; this transport answers as soon as a line arrives.
/// Every line is checked against JSON-RPC 2.0 and MCP's rules first (``MessageGate``): malformed
/// lines are answered here, valid ones go to the SDK's server, or to the ``RequestInterceptor``
/// plugged in from outside when it takes them (the transport knows nothing of what it serves).
/// It keeps track of the requests still owed an answer and of the calls running, so the server can
/// answer every call in flight before exiting when the client closes stdin, and it routes
/// `notifications/cancelled` to the call it names, whichever path serves it. A message that cannot
/// be written (the client closed stdout) is reported: logged on stderr, counted in
/// ``failedWrites``, and thrown from ``send(_:)``; it never raises `SIGPIPE`.
public actor StdioLineTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let stream: AsyncThrowingStream<Data, any Error>
    private let router: MessageRouter
    private var started = false
    private var streamHandedOut = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger = Logger(label: "planhat.mcp.transport")) {
        self.input = input
        self.logger = logger
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        self.stream = stream
        router = MessageRouter(writer: LineWriter(descriptor: output), continuation: continuation, logger: logger)
    }

    /// The calls being served, by request id: the SDK server's `tools/call` handler and the
    /// interceptor run their calls through it so that cancellation and the wait at exit cover both paths.
    nonisolated var calls: CallRegistry { router.calls }

    /// Offers every checked request to `interceptor` before the SDK's server sees it; with none (the
    /// default) every request goes to the server. Set it before the server starts.
    public nonisolated func setInterceptor(_ interceptor: (any RequestInterceptor)?) {
        router.interceptor = interceptor
    }

    /// How many messages could not be written so far (each was logged on stderr as it failed).
    public nonisolated var failedWrites: Int { router.failedWrites }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let reader = LineReader(descriptor: input, router: router)
        let thread = Thread { reader.run() }
        thread.name = "planhat-mcp-stdin"
        thread.start()
    }

    public func disconnect() async {
        router.finish()
    }

    /// The incoming messages. Asked again once stdin has ended (the SDK's client loops on
    /// `receive()`), it answers with a closed connection instead of spinning on an ended stream.
    public func receive() -> AsyncThrowingStream<Data, any Error> {
        guard streamHandedOut else {
            streamHandedOut = true
            return stream
        }
        return AsyncThrowingStream { $0.finish(throwing: MCPError.connectionClosed) }
    }

    public func send(_ data: Data) async throws {
        try router.deliver(data)
    }

    /// Sends a message from any task without waiting: a notification the server starts itself, or the
    /// answer of a request the interceptor took. A failed write is reported, not thrown.
    public nonisolated func post(_ data: Data) {
        router.send(data)
    }

    /// Waits until every request read so far has been answered (or cancelled) and every call has
    /// stopped, or `timeout` passes.
    public func drain(timeout: Duration = .seconds(60)) async {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while (router.ledger.outstanding > 0 || router.calls.running > 0) && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
