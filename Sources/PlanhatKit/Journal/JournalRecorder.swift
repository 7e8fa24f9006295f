import Foundation

/// What a service needs to journal its writes: where (the journal), how much (the mode) and who
/// writes (the face, and the MCP client once it has said its name). Shared by a service's copies.
public final class JournalRecorder: @unchecked Sendable {
    public let journal: any WriteJournal
    public let mode: JournalMode
    public let face: JournalFace
    private let lock = NSLock()
    private var clientName: String?

    /// The most keyed items of one bulk upsert whose records are read one by one before it on the
    /// remote API (one request each, against Planhat's 200 a minute); beyond, the model's list is read
    /// in its largest pages instead (see ``remoteBulkScanPages``).
    public static let remoteBulkReadLimit = 200

    /// The most list pages read to find the records of a large bulk upsert's keyed items on the remote
    /// API (pages of the model's largest list limit: 20 pages of 5 000 companies are 100 000 records);
    /// items whose record is not among them are said in the entry's note.
    public static let remoteBulkScanPages = 20

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
            if backend.info.kind == .remote, ids.count > JournalRecorder.remoteBulkReadLimit, model.supports(.list) {
                return await scanBefore(keys: Set(ids), model: model)
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

    /// The records of a large bulk upsert's keyed items, found by reading the model's list in its
    /// largest pages (far fewer requests than one read per item), until every key is found or
    /// ``JournalRecorder/remoteBulkScanPages`` pages were read.
    private func scanBefore(keys: Set<String>, model: ModelDefinition) async -> (JSONValue?, String?) {
        var missing = keys
        var records: [JSONValue] = []
        let limit = model.listLimit.max
        var complete = false
        for page in 0..<JournalRecorder.remoteBulkScanPages where !missing.isEmpty {
            let request = PlanhatRequest(model: model, operation: .list, query: [
                QueryItem(name: "limit", value: String(limit)), QueryItem(name: "offset", value: String(page * limit)),
            ])
            let rows: [JSONValue]
            do {
                rows = try await backend.execute(request).arrayValue ?? []
            } catch {
                return (.array(records), "the list read to find the records before stopped at page \(page + 1) (\((error as? PlanhatError)?.headline ?? "\(error)")); \(missing.count) keyed items' records were not read")
            }
            for row in rows {
                let matched = Self.readableIDs(of: row, model: model).filter { missing.contains($0) }
                guard !matched.isEmpty else { continue }
                records.append(row)
                missing.subtract(matched)
            }
            if rows.count < limit { complete = true; break }
        }
        // Keys not found in the whole list are records the upsert creates: nothing existed before.
        if complete || missing.isEmpty { return (.array(records), nil) }
        let scanned = JournalRecorder.remoteBulkScanPages * limit
        return (.array(records), "\(missing.count) keyed items' records were not among the first \(scanned) \(model.name) listed, so they were not read before")
    }

    /// Every id a listed record can be found by: its `_id`, `extid-…` and `srcid-…`.
    static func readableIDs(of record: JSONValue, model: ModelDefinition) -> [String] {
        var ids: [String] = []
        if let id = record["_id"]?.stringValue { ids.append(id) }
        if let external = record[model.externalIdField ?? "externalId"]?.stringValue, !external.isEmpty { ids.append("extid-" + external) }
        if let source = record[model.sourceIdField ?? "sourceId"]?.stringValue, !source.isEmpty { ids.append("srcid-" + source) }
        return ids
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
