import Foundation
import Logging
import MCP
import PlanhatKit

/// Where each incoming line goes, and what each outgoing message settles.
///
/// Incoming (on the reader thread): checked by ``MessageGate``; errors answered at once; requests
/// noted in the ledger and offered to the ``RequestInterceptor``, if any, then to the SDK;
/// `notifications/cancelled` routed to the call it names; batches (2025-03-26 only) taken apart and
/// their answers gathered into one array.
/// Outgoing: responses settle the ledger and fill batch answers. Every failed write is reported:
/// logged on stderr, counted, and thrown to the sender that can take it (the SDK's `send`).
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
    private var interceptorStorage: (any RequestInterceptor)?
    private var failures = 0

    init(writer: LineWriter, continuation: AsyncThrowingStream<Data, any Error>.Continuation, logger: Logger) {
        self.writer = writer
        self.continuation = continuation
        self.logger = logger
    }

    /// Offered every checked request before the SDK's server.
    var interceptor: (any RequestInterceptor)? {
        get { lock.withLock { interceptorStorage } }
        set { lock.withLock { interceptorStorage = newValue } }
    }

    /// How many messages could not be written.
    var failedWrites: Int { lock.withLock { failures } }

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
            try? write(error)  // a failure is reported by write
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
            let request = IncomingRequest(id: id, method: method, message: message)
            if interceptor?.intercept(request) != true { continuation.yield(line) }
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
        if let array = batches.open(slots) { try? write(array) }
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
        if let array = batches.cancel(id) { try? write(array) }
    }

    // MARK: Outgoing

    /// Sends a message from the server; a response settles its request, written or not (an answer
    /// that could not be written is not waited for at exit).
    func deliver(_ message: Data) throws {
        let (shape, rawID) = TopLevelKeys.summary(message)
        guard case .object(let keys) = shape, keys.contains("id"), keys.contains("result") || keys.contains("error"),
            let rawID, let id = RequestID.id(raw: rawID)
        else {
            try write(message)
            return
        }
        defer { ledger.noteAnswered(id) }
        if !batches.isEmpty {
            switch batches.absorb(id, answer: message) {
            case .notMine: break
            case .held: return
            case .complete(let array):
                if let array { try write(array) }
                return
            }
        }
        try write(message)
    }

    /// ``deliver(_:)`` for callers that cannot act on a failed write (it is reported all the same).
    func send(_ message: Data) {
        try? deliver(message)
    }

    /// Writes one line; a failure is logged on stderr and counted, then thrown.
    private func write(_ data: Data) throws {
        do {
            try writer.write(data)
        } catch {
            let count = lock.withLock {
                failures += 1
                return failures
            }
            let lost = count == 1 ? "" : " (\(count) messages lost so far)"
            logger.error("cannot write to stdout (\(Self.reason(error))): a message of \(data.count) bytes was lost\(lost)")
            throw error
        }
    }

    /// `Broken pipe`: the system's words for a failed write.
    private static func reason(_ error: any Error) -> String {
        if case MCPError.transportError(let underlying) = error, let posix = underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return "\(error)"
    }
}
