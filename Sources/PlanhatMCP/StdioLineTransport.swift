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
    private var shortcut: ToolCallShortcut?

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger = Logger(label: "planhat.mcp.transport")) {
        self.input = input
        self.output = output
        self.logger = logger
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    /// Serves plain `tools/call` requests through `tools` directly (see ``ToolCallShortcut``);
    /// set before the server starts.
    public func shortcutToolCalls(to tools: PlanhatTools) {
        shortcut = ToolCallShortcut(tools: tools)
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        var take: (@Sendable (Data) -> Bool)?
        if let shortcut {
            take = { [weak self] line in
                shortcut.take(line) { [weak self] answer in try? await self?.send(answer) }
            }
        }
        let reader = LineReader(descriptor: input, continuation: continuation, ledger: ledger, shortcut: take)
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

    /// Whether a message is a request (method and id) or a response (id, result or error), from its
    /// top-level keys only (a response may be megabytes of records: it is scanned, never parsed).
    /// A line that is not a JSON object counts as a request: the SDK answers it with a parse error.
    static func shape(_ data: Data) -> (isRequest: Bool, isResponse: Bool) {
        switch TopLevelKeys.scan(data) {
        case .batch(let isEmpty): return (!isEmpty, !isEmpty)
        case .other: return (true, false)
        case .object(let keys):
            let hasID = keys.contains("id")
            return (hasID && keys.contains("method"), hasID && (keys.contains("result") || keys.contains("error")))
        }
    }
}

/// The top-level keys of a JSON object, found by one pass over the bytes (strings and nesting
/// skipped), without building the document.
enum TopLevelKeys {
    enum Shape: Equatable {
        case object(Set<String>)
        case batch(isEmpty: Bool)
        case other
    }

    static func scan(_ data: Data) -> Shape {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Shape in
            var index = 0
            func skipSpace() {
                while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            }
            skipSpace()
            guard index < bytes.count else { return .other }
            if bytes[index] == UInt8(ascii: "[") {
                index += 1
                skipSpace()
                return .batch(isEmpty: index < bytes.count && bytes[index] == UInt8(ascii: "]"))
            }
            guard bytes[index] == UInt8(ascii: "{") else { return .other }
            var keys = Set<String>()
            var depth = 0
            var expectingKey = false
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let start = index + 1
                    index += 1
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                        index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    if depth == 1, expectingKey, index <= bytes.count {
                        keys.insert(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(index, bytes.count)]), as: UTF8.self))
                        expectingKey = false
                    }
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    expectingKey = depth == 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return .object(keys) }
                case UInt8(ascii: ","):
                    expectingKey = depth == 1
                default:
                    break
                }
                index += 1
            }
            return .other
        }
    }
}

/// Reads stdin on its own thread and yields one message per line.
final class LineReader: @unchecked Sendable {
    private let descriptor: Int32
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let ledger: RequestLedger
    private let shortcut: (@Sendable (Data) -> Bool)?

    init(
        descriptor: Int32, continuation: AsyncThrowingStream<Data, any Error>.Continuation, ledger: RequestLedger,
        shortcut: (@Sendable (Data) -> Bool)?
    ) {
        self.descriptor = descriptor
        self.continuation = continuation
        self.ledger = ledger
        self.shortcut = shortcut
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
                    if shortcut?(message) != true { continuation.yield(message) }
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
