import Foundation
import Logging
import MCP
import PlanhatKit

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
