import Foundation

/// What a service needs to journal its writes: where (the journal), how much (the mode) and who
/// writes (the face, and the MCP client once it has said its name). Shared by a service's copies.
public final class JournalRecorder: @unchecked Sendable {
    public let journal: any WriteJournal
    public let mode: JournalMode
    public let face: JournalFace
    private let lock = NSLock()
    private var clientName: String?

    /// The most keyed items of one bulk upsert whose records are read before it on the remote API
    /// (one request each, against Planhat's 200 a minute); beyond, none are read and the entry says so.
    public static let remoteBulkReadLimit = 200

    /// The entry the writes of the current task undo (set by ``JournalUndo`` around its writes).
    @TaskLocal public static var undoing: Int64?

    /// The client the writes of the current task come from, when one recorder serves many clients
    /// at once (`planhat mcp --http`: a session's `initialize` name, a stateless request's own, the
    /// key's name). Set around a call, it wins over ``client``.
    @TaskLocal public static var caller: String?

    public init(journal: any WriteJournal, mode: JournalMode, face: JournalFace, client: String? = nil) {
        self.journal = journal
        self.mode = mode
        self.face = face
        clientName = client
    }

    /// The MCP client's name from `initialize` (nil for the CLI and the explorer).
    public var client: String? {
        get { lock.withLock { clientName } }
        set { lock.withLock { clientName = newValue } }
    }
}

extension PlanhatService {
    /// The service with its writes journaled by `recorder` (nil: not journaled).
    public func journaling(_ recorder: JournalRecorder?) -> PlanhatService {
        var service = self
        service.journal = recorder
        return service
    }

    /// Records `request` before it is sent, with the record before it in `full` mode. Answers nil
    /// when nothing is journaled (a read, no journal, `off`).
    ///
    /// - Throws: ``PlanhatError`` when the journal cannot record it: the write is then not sent.
    func journalBegin(_ request: PlanhatRequest) async throws -> Int64? {
        guard request.operation.isWrite, let recorder = journal, recorder.mode != .off else { return nil }
        let info = backend.info
        var entry = JournalEntry(
            face: recorder.face, client: JournalRecorder.caller ?? recorder.client, profile: info.profile, backend: info.kind.rawValue, target: info.location,
            model: request.model.route, operation: request.operation, recordID: request.recordID, method: request.method,
            path: request.path, body: request.body, undoOf: JournalRecorder.undoing)
        if recorder.mode == .full {
            (entry.before, entry.beforeNote) = await recordBefore(request)
        } else if request.operation == .update || request.operation == .delete || request.operation == .bulkUpsert {
            entry.beforeNote = "journal: light reads no record before"
        }
        do {
            return try recorder.journal.record(entry)
        } catch {
            throw PlanhatError(
                .internal, message: "the write was not sent: the journal cannot record it (\(error))",
                details: ["Free the journal's folder, or set journal: off in the config file (or PLANHAT_JOURNAL=off) to write without it."])
        }
    }

    /// Records how journal entry `id` ended. A write whose answer was an HTTP 4xx failed; one with
    /// no answer, a 5xx or a cancellation stays `unknown` (it may have been applied).
    func journalEnd(_ id: Int64?, answer: JSONValue?, error: (any Error)?) {
        guard let id, let recorder = journal else { return }
        let completion: JournalCompletion
        if let error {
            let planhat = error as? PlanhatError
            let status = planhat?.status
            let text = planhat.map { "\($0.headline): \($0.message)" } ?? (error is CancellationError ? "cancelled before the answer came" : "\(error)")
            let failed = status.map { (400..<500).contains($0) } ?? false
            completion = JournalCompletion(outcome: failed ? .failed : .unknown, status: status, error: text)
        } else {
            completion = JournalCompletion(outcome: .done, status: 200, answer: answer)
        }
        // A completion that cannot be written leaves the entry `unknown`, which is what is known.
        try? recorder.journal.complete(id, completion)
    }

    /// The record an update or delete changes, or the records a bulk upsert's keyed items match
    /// (one read each), with a note when some could not be read.
    private func recordBefore(_ request: PlanhatRequest) async -> (JSONValue?, String?) {
        let model = request.model
        guard model.supports(.view) else { return (nil, "\(model.name) records cannot be read, so the record before was not kept") }
        switch request.operation {
        case .update, .delete:
            guard let id = request.recordID else { return (nil, nil) }
            do {
                return (try await backend.execute(PlanhatRequest(model: model, operation: .view, recordID: id)), nil)
            } catch {
                return (nil, "the record before could not be read (\((error as? PlanhatError)?.headline ?? "\(error)"))")
            }
        case .bulkUpsert:
            var records: [JSONValue] = []
            var unread = 0
            let ids = (request.body?.arrayValue ?? []).compactMap { Self.readableID(of: $0, model: model) }
            if backend.info.kind == .remote, ids.count > JournalRecorder.remoteBulkReadLimit {
                return (nil, "\(ids.count) keyed items are more than the \(JournalRecorder.remoteBulkReadLimit) read before a bulk upsert on the remote API; the records it updated were not read")
            }
            for id in ids {
                do {
                    let record = try await backend.execute(PlanhatRequest(model: model, operation: .view, recordID: id))
                    if !records.contains(where: { $0["_id"] == record["_id"] }) { records.append(record) }
                } catch let error as PlanhatError where error.status == 404 {
                    continue
                } catch {
                    unread += 1
                }
            }
            return (.array(records), unread == 0 ? nil : "\(unread) items' records could not be read before")
        default:
            return (nil, nil)
        }
    }

    /// The id a bulk item's record is read by: its `_id`, else `extid-…` or `srcid-…` of its keys.
    static func readableID(of item: JSONValue, model: ModelDefinition) -> String? {
        for keyable in model.keyables {
            guard let value = item[keyable]?.stringValue, !value.isEmpty else { continue }
            if keyable == "_id" { return value }
            if keyable == "externalId" || keyable == model.externalIdField { return "extid-" + value }
            if keyable == "sourceId" || keyable == model.sourceIdField { return "srcid-" + value }
        }
        return nil
    }
}
