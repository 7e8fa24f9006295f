import Foundation
import Logging
import MCP
import PlanhatKit

#if canImport(Glibc)
    import Glibc
#endif

/// Newline-delimited JSON-RPC over stdin and stdout, read with blocking reads on a thread of its own.
///
/// The SDK's `StdioTransport` polls a non-blocking stdin and sleeps 10 ms whenever it is empty,
/// which puts a 10 ms floor under every call; this transport answers as soon as a line arrives.
/// Every line is checked against JSON-RPC 2.0 and MCP's rules first (``MessageGate``): malformed
/// lines are answered here, valid ones go to the SDK's server (or the ``ToolCallShortcut``).
/// It keeps track of the requests still owed an answer and of the calls running, so the server can
/// answer every call in flight before exiting when the client closes stdin, and it routes
/// `notifications/cancelled` to the call it names, whichever path serves it.
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

    /// The calls being served, by request id: the SDK server's `tools/call` handler runs its calls
    /// through it so that cancellation and the wait at exit cover both paths.
    nonisolated var calls: CallRegistry { router.calls }

    /// Serves plain `tools/call` requests through `tools` directly (see ``ToolCallShortcut``);
    /// set before the server starts. `reporter` tells about calls the client cancelled.
    public func shortcutToolCalls(to tools: PlanhatTools, reporter: CancellationReporter) {
        router.shortcut = ToolCallShortcut(tools: tools, calls: router.calls, reporter: reporter) { [router] answer in
            router.send(answer)
        }
    }

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

    /// Sends a message the server starts itself (a notification), from any task.
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

/// Writes whole lines to a file descriptor, one writer at a time (the reader thread answers
/// malformed lines while the server's tasks answer requests).
final class LineWriter: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ data: Data) throws {
        var message = data
        message.append(0x0A)
        try lock.withLock {
            try message.withUnsafeBytes { buffer in
                guard var pointer = buffer.baseAddress else { return }
                var remaining = buffer.count
                while remaining > 0 {
                    let written = Glibc.write(descriptor, pointer, remaining)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                    }
                    pointer += written
                    remaining -= written
                }
            }
        }
    }
}

/// Where each incoming line goes, and what each outgoing message settles.
///
/// Incoming (on the reader thread): checked by ``MessageGate``; errors answered at once; requests
/// noted in the ledger and handed to the shortcut or the SDK; `notifications/cancelled` routed to the
/// call it names; batches (2025-03-26 only) taken apart and their answers gathered into one array.
/// Outgoing: responses settle the ledger and fill batch answers.
final class MessageRouter: @unchecked Sendable {
    let ledger = RequestLedger()
    let calls = CallRegistry()
    private let batches = BatchCollector()
    private let gate = MessageGate()
    private let writer: LineWriter
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let logger: Logger
    private let lock = NSLock()
    private var negotiatedVersion: String?
    private var shortcutStorage: ToolCallShortcut?

    init(writer: LineWriter, continuation: AsyncThrowingStream<Data, any Error>.Continuation, logger: Logger) {
        self.writer = writer
        self.continuation = continuation
        self.logger = logger
    }

    var shortcut: ToolCallShortcut? {
        get { lock.withLock { shortcutStorage } }
        set { lock.withLock { shortcutStorage = newValue } }
    }

    private var protocolVersion: String? { lock.withLock { negotiatedVersion } }

    // MARK: Incoming

    /// One line from stdin.
    func receive(_ line: Data) {
        route(gate.check(line, protocolVersion: protocolVersion), line: line)
    }

    /// stdin ended.
    func finish() {
        continuation.finish()
    }

    private func route(_ verdict: Verdict, line: Data) {
        switch verdict {
        case .answer(let error):
            write(error)
        case .ignore(let reason):
            logger.warning("ignored a malformed message: \(reason)")
        case .response:
            continuation.yield(line)
        case .notification(let method, let params):
            if method == CancelledNotification.name, let id = RequestID.id(params?["requestId"]) { cancel(id) }
            continuation.yield(line)
        case .request(let id, let method, let message):
            ledger.noteRequest(id)
            if method == Initialize.name { noteInitialize(message["params"]) }
            if shortcut?.take(id: id, message: message) != true { continuation.yield(line) }
        case .batch(let elements):
            routeBatch(elements)
        }
    }

    private func routeBatch(_ elements: [(element: JSONValue, verdict: Verdict)]) {
        let slots = elements.compactMap { _, verdict -> BatchCollector.Slot? in
            switch verdict {
            case .answer(let error): return .answered(error)
            case .request(let id, _, _): return .waiting(id)
            default: return nil
            }
        }
        if let array = batches.open(slots) { write(array) }
        for (element, verdict) in elements {
            switch verdict {
            case .answer: continue
            default: route(verdict, line: element.compactData())
            }
        }
    }

    /// The version the SDK negotiates: the client's when the SDK supports it, else the SDK's latest.
    private func noteInitialize(_ params: JSONValue?) {
        guard let requested = params?["protocolVersion"]?.stringValue else { return }
        lock.withLock {
            if negotiatedVersion == nil {
                negotiatedVersion = Version.supported.contains(requested) ? requested : Version.latest
            }
        }
    }

    /// `notifications/cancelled`: the request gets no answer (MCP: the receiver SHOULD NOT send one),
    /// and its call, if still running, is stopped.
    private func cancel(_ id: ID) {
        let pending = ledger.forget(id)
        calls.cancel(id, pending: pending)
        if let array = batches.cancel(id) { write(array) }
    }

    // MARK: Outgoing

    /// Sends a message from the server; a response settles its request.
    func deliver(_ message: Data) throws {
        let (shape, rawID) = TopLevelKeys.summary(message)
        guard case .object(let keys) = shape, keys.contains("id"), keys.contains("result") || keys.contains("error"),
            let rawID, let id = RequestID.id(raw: rawID)
        else {
            try writer.write(message)
            return
        }
        if !batches.isEmpty {
            switch batches.absorb(id, answer: message) {
            case .notMine: break
            case .held:
                ledger.noteAnswered(id)
                return
            case .complete(let array):
                if let array { try writer.write(array) }
                ledger.noteAnswered(id)
                return
            }
        }
        try writer.write(message)
        ledger.noteAnswered(id)
    }

    /// ``deliver(_:)`` for callers that cannot act on a failed write: it is logged.
    func send(_ message: Data) {
        do {
            try deliver(message)
        } catch {
            logger.error("cannot write to stdout: \(error)")
        }
    }

    private func write(_ data: Data) {
        do {
            try writer.write(data)
        } catch {
            logger.error("cannot write to stdout: \(error)")
        }
    }
}

/// The requests read and not yet answered, by id (a request whose id is reused while in flight
/// counts twice).
final class RequestLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var owed: [ID: Int] = [:]

    /// How many requests are still owed an answer.
    var outstanding: Int { lock.withLock { owed.values.reduce(0, +) } }

    func noteRequest(_ id: ID) {
        lock.withLock { owed[id, default: 0] += 1 }
    }

    func noteAnswered(_ id: ID) {
        lock.withLock {
            guard let count = owed[id] else { return }
            owed[id] = count > 1 ? count - 1 : nil
        }
    }

    /// Stops waiting for the answer to a cancelled request; whether it was still owed one.
    func forget(_ id: ID) -> Bool {
        lock.withLock { owed.removeValue(forKey: id) != nil }
    }
}

/// The top-level keys of a JSON object, and the raw text of its `id`, found by one pass over the
/// bytes (strings and nesting skipped), without building the document: a response may be megabytes
/// of records, and it is scanned, never parsed.
enum TopLevelKeys {
    enum Shape: Equatable {
        case object(Set<String>)
        case batch(isEmpty: Bool)
        case other
    }

    static func scan(_ data: Data) -> Shape {
        summary(data).shape
    }

    /// The shape, and for an object the bytes of its top-level `id` value.
    static func summary(_ data: Data) -> (shape: Shape, id: Data?) {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (shape: Shape, id: Data?) in
            var index = 0
            func skipSpace() {
                while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
            }
            skipSpace()
            guard index < bytes.count else { return (.other, nil) }
            if bytes[index] == UInt8(ascii: "[") {
                index += 1
                skipSpace()
                return (.batch(isEmpty: index < bytes.count && bytes[index] == UInt8(ascii: "]")), nil)
            }
            guard bytes[index] == UInt8(ascii: "{") else { return (.other, nil) }
            var keys = Set<String>()
            var depth = 0
            var expectingKey = false
            var idKeySeen = false
            var idStart: Int?
            var idRange: Range<Int>?
            func closeID() {
                if let start = idStart, idRange == nil { idRange = start..<index }
                idStart = nil
            }
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
                        let key = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(index, bytes.count)]), as: UTF8.self)
                        keys.insert(key)
                        idKeySeen = key == "id"
                        expectingKey = false
                    }
                case UInt8(ascii: ":") where depth == 1 && idKeySeen:
                    idKeySeen = false
                    idStart = index + 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    expectingKey = depth == 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 1 { closeID() }
                    depth -= 1
                    if depth == 0 {
                        let id = idRange.map { Data(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
                        return (.object(keys), id)
                    }
                case UInt8(ascii: ","):
                    if depth == 1 { closeID() }
                    expectingKey = depth == 1
                default:
                    break
                }
                index += 1
            }
            return (.other, nil)
        }
    }
}

/// Reads stdin on its own thread and hands the router one message per line.
final class LineReader: @unchecked Sendable {
    private let descriptor: Int32
    private let router: MessageRouter

    init(descriptor: Int32, router: MessageRouter) {
        self.descriptor = descriptor
        self.router = router
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
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { router.receive(Data(line)) }
            }
        }
        if !pending.isEmpty, !pending.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
            router.receive(pending)
        }
        router.finish()
    }
}
