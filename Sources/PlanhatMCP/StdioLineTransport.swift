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
/// JSON-RPC itself stays the SDK's. It also counts requests and responses so the server can
/// answer every call in flight before exiting when the client closes stdin.
public actor StdioLineTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let ledger = RequestLedger()
    private var started = false
    private var streamHandedOut = false

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger = Logger(label: "planhat.mcp.transport")) {
        self.input = input
        self.output = output
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        let reader = LineReader(descriptor: input, continuation: continuation, ledger: ledger)
        let thread = Thread { reader.run() }
        thread.name = "planhat-mcp-stdin"
        thread.start()
    }

    public func disconnect() async {
        continuation.finish()
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
        var message = data
        message.append(0x0A)
        try message.withUnsafeBytes { buffer in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = write(output, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                }
                pointer += written
                remaining -= written
            }
        }
        ledger.noteSent(data)
    }

    /// Waits until every request read so far has been answered, or `timeout` passes.
    public func drain(timeout: Duration = .seconds(60)) async {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while ledger.outstanding > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Counts JSON-RPC requests read and responses written.
final class RequestLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var requests = 0
    private var responses = 0

    var outstanding: Int { lock.withLock { requests - responses } }

    func noteReceived(_ line: Data) {
        if Self.shape(line).isRequest { lock.withLock { requests += 1 } }
    }

    func noteSent(_ message: Data) {
        if Self.shape(message).isResponse { lock.withLock { responses += 1 } }
    }

    /// Whether a message is a request (method and id) or a response (id, result or error).
    /// A line that is not a JSON object counts as a request: the SDK answers it with a parse error.
    private static func shape(_ data: Data) -> (isRequest: Bool, isResponse: Bool) {
        guard let object = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) else {
            return (true, false)
        }
        if let batch = object as? [Any] { return (!batch.isEmpty, !batch.isEmpty) }
        guard let message = object as? [String: Any] else { return (true, false) }
        let hasID = message["id"] != nil
        let isRequest = hasID && message["method"] != nil
        let isResponse = hasID && (message["result"] != nil || message["error"] != nil)
        return (isRequest, isResponse)
    }
}

/// Reads stdin on its own thread and yields one message per line.
final class LineReader: @unchecked Sendable {
    private let descriptor: Int32
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let ledger: RequestLedger

    init(descriptor: Int32, continuation: AsyncThrowingStream<Data, any Error>.Continuation, ledger: RequestLedger) {
        self.descriptor = descriptor
        self.continuation = continuation
        self.ledger = ledger
    }

    func run() {
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            if count == 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                var line = pending[pending.startIndex..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                pending.removeSubrange(pending.startIndex...newline)
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    let message = Data(line)
                    ledger.noteReceived(message)
                    continuation.yield(message)
                }
            }
        }
        if !pending.isEmpty, !pending.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            ledger.noteReceived(pending)
            continuation.yield(pending)
        }
        continuation.finish()
    }
}
