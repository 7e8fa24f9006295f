import Foundation

/// A field that changed since the entry: what it was before the write, what the write left, and
/// what it is now. Undoing would overwrite `now`.
public struct UndoConflict: Sendable, Hashable {
    public var recordID: String
    public var field: String
    public var before: JSONValue?
    public var after: JSONValue?
    public var now: JSONValue?

    /// `65f… name: before "Acme" · the entry left "Acme Ltd" · now "Acme Group"`.
    public var line: String {
        "\(recordID) \(field): before \(FieldChange.text(before)) · the entry left \(FieldChange.text(after)) · now \(FieldChange.text(now))"
    }
}

/// One request of an undo and what it changes.
public struct UndoStep: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Put back the old values of the fields the write changed.
        case restore
        /// Delete the record the write created.
        case delete
        /// Create again the record the write deleted (with a new `_id`).
        case recreate
    }

    public var kind: Kind
    public var request: PlanhatRequest
    /// The record it concerns (the deleted record's old `_id` for a re-create).
    public var recordID: String
    /// For a restore: each field from its value now to the value it gets back.
    public var changes: [FieldChange]
}

/// What undoing an entry would do, computed before anything is sent.
public struct UndoPlan: Sendable, Hashable {
    public var entry: JournalEntry
    public var steps: [UndoStep]
    /// Fields changed since the entry (undo is refused unless forced).
    public var conflicts: [UndoConflict]
    /// What the person must know (a re-created record's new `_id`, records already gone).
    public var notes: [String]

    /// The preview: every request and the fields it changes.
    public var previewLines: [String] {
        var lines = ["Undo of entry \(entry.id) (\(entry.operation.rawValue) \(entry.model) \(entry.recordLabel), \(entry.who), \(JournalEntry.timeText(entry.time))):"]
        if steps.isEmpty { lines.append("  nothing to send") }
        for step in steps {
            switch step.kind {
            case .restore:
                if step.request.operation == .bulkUpsert {
                    lines.append("  \(step.request.method) \(step.request.path): restore \(step.request.body?.arrayValue?.count ?? 0) records")
                } else {
                    lines.append("  \(step.request.method) \(step.request.path): restore")
                }
                lines += step.changes.map { "    \($0.line)" }
            case .delete:
                lines.append("  \(step.request.method) \(step.request.path): delete the record the entry created")
            case .recreate:
                lines.append("  \(step.request.method) \(step.request.path): create again the record \(step.recordID) the entry deleted")
            }
        }
        lines += notes.map { "  note: \($0)" }
        return lines
    }

    /// The three-way difference shown when the records changed since the entry.
    public var conflictLines: [String] {
        ["The record changed since entry \(entry.id); undoing would overwrite what changed (--force to undo anyway):"]
            + conflicts.map { "  " + $0.line }
    }
}

/// Plans and applies the undo of a journal entry through the service (so the undo is journaled
/// too, as entries that name the one they undo, and can be undone in turn).
///
/// - update: PUT the old values of the fields it changed;
/// - create: delete the record it created;
/// - delete: create the record again from the record before (a new `_id`; externalId and sourceId kept);
/// - bulk upsert: delete what it created and restore what it updated, in chunks.
public struct JournalUndo: Sendable {
    public let service: PlanhatService
    /// The chunk size a bulk upsert's restore is sent in.
    public var chunkSize: Int = BulkItems.chunkSize

    public init(service: PlanhatService) {
        self.service = service
    }

    /// What undoing `entry` would send, with the fields changed since.
    ///
    /// - Throws: ``PlanhatError`` when the entry cannot be undone (not done, another workspace,
    ///   no record before in light mode, read-only).
    public func plan(_ entry: JournalEntry) async throws -> UndoPlan {
        let model = try service.catalog.model(named: entry.model)
        let inverse: ModelOperation
        switch entry.operation {
        case .create: inverse = .delete
        case .delete: inverse = .create
        case .update: inverse = .update
        case .bulkUpsert: inverse = .bulkUpsert
        case .list, .view: throw refusal(entry, "it is not a write")
        }
        try service.allow(inverse, on: model)
        guard entry.target == service.backend.info.location else {
            var error = refusal(entry, "it was written to \(entry.backend) \(entry.target), and this session is on \(service.backend.info.location)")
            error.details.append(
                entry.backend == "sandbox"
                    ? "Undo it on that sandbox: --sandbox --sandbox-path \(entry.target)."
                    : "Undo it with the options that reach \(entry.target) (--api-url, --region or --profile\(entry.profile.map { " \($0)" } ?? "")).")
            throw error
        }
        switch entry.outcome {
        case .done: break
        case .failed: throw refusal(entry, "it failed, so nothing was applied")
        case .unknown: throw refusal(entry, "its outcome is unknown (no answer was recorded): look at the record and change it by hand")
        }
        var plan = UndoPlan(entry: entry, steps: [], conflicts: [], notes: [])
        switch entry.operation {
        case .update: try await planUpdate(entry, model: model, into: &plan)
        case .create: try await planCreate(entry, model: model, into: &plan)
        case .delete: try await planDelete(entry, model: model, into: &plan)
        case .bulkUpsert: try await planBulk(entry, model: model, into: &plan)
        case .list, .view: break
        }
        return plan
    }

    /// Sends the plan's requests, each journaled as undoing the entry; answers with their answers.
    ///
    /// - Throws: ``PlanhatError`` 409 with the three-way difference when records changed since
    ///   the entry and `force` is false; a request's error otherwise.
    public func apply(_ plan: UndoPlan, force: Bool = false) async throws -> [JSONValue] {
        if !plan.conflicts.isEmpty && !force {
            throw PlanhatError(.conflict, message: "undo of entry \(plan.entry.id) refused: the record changed since", details: plan.conflictLines)
        }
        let service = self.service
        let chunkSize = self.chunkSize
        return try await JournalRecorder.$undoing.withValue(plan.entry.id) {
            var answers: [JSONValue] = []
            for step in plan.steps {
                if step.request.operation == .bulkUpsert {
                    answers.append(try await BulkUpsertRun(chunkSize: chunkSize).run(step.request) { chunk in try await service.perform(chunk) })
                } else {
                    answers.append(try await service.perform(step.request))
                }
            }
            return answers
        }
    }

    // MARK: - Plans per operation

    private func planUpdate(_ entry: JournalEntry, model: ModelDefinition, into plan: inout UndoPlan) async throws {
        guard let before = entry.before else { throw noBefore(entry) }
        let id = before["_id"]?.stringValue ?? entry.recordID ?? ""
        guard let now = try await read(model, id) else {
            plan.notes.append("the record \(id) no longer exists: nothing to restore")
            return
        }
        let fields = touchedFields(entry.body)
        let left = entry.after ?? JournalDiff.merged(before, entry.body)
        if let step = restore(model: model, id: id, fields: fields, before: before, left: left, now: now, conflicts: &plan.conflicts) {
            plan.steps.append(step)
        }
    }

    private func planCreate(_ entry: JournalEntry, model: ModelDefinition, into plan: inout UndoPlan) async throws {
        guard let id = entry.after?["_id"]?.stringValue else { throw refusal(entry, "its answer names no _id") }
        guard let now = try await read(model, id) else {
            plan.notes.append("the record \(id) it created no longer exists: nothing to delete")
            return
        }
        for field in touchedFields(entry.body) where !JournalDiff.same(now[field], entry.after?[field]) {
            plan.conflicts.append(UndoConflict(recordID: id, field: field, before: nil, after: entry.after?[field], now: now[field]))
        }
        plan.steps.append(UndoStep(kind: .delete, request: PlanhatRequest(model: model, operation: .delete, recordID: id), recordID: id, changes: []))
    }

    private func planDelete(_ entry: JournalEntry, model: ModelDefinition, into plan: inout UndoPlan) async throws {
        guard let before = entry.before else { throw noBefore(entry) }
        guard model.supports(.create) else { throw refusal(entry, "\(model.name) records cannot be created") }
        let id = before["_id"]?.stringValue ?? entry.recordID ?? ""
        if let again = try await read(model, id) {
            plan.conflicts.append(UndoConflict(recordID: id, field: "_id", before: before["_id"], after: nil, now: again["_id"]))
        }
        if let external = before["externalId"]?.stringValue, !external.isEmpty, let again = try await read(model, "extid-" + external) {
            plan.conflicts.append(UndoConflict(recordID: id, field: "externalId", before: .string(external), after: nil, now: again["_id"].map { .string("held by \($0.compactText())") }))
        }
        var record = before.objectValue ?? [:]
        for field in model.computedFieldNames + ["_id", "id"] { record.removeValue(forKey: field) }
        record.merge(model.fixedFields ?? [:]) { _, fixed in fixed }
        let kept = ["externalId", "sourceId"].compactMap { key in record[key].flatMap { $0.isNull ? nil : "\(key) \($0.compactText())" } }
        plan.notes.append(
            "the record comes back with a new _id (it was \(id))" + (kept.isEmpty ? "" : "; \(kept.joined(separator: " and ")) kept")
                + "; what referred to the old _id does not follow it")
        plan.steps.append(
            UndoStep(kind: .recreate, request: PlanhatRequest(model: model, operation: .create, body: .object(record)), recordID: id, changes: []))
    }

    private func planBulk(_ entry: JournalEntry, model: ModelDefinition, into plan: inout UndoPlan) async throws {
        let items = entry.body?.arrayValue ?? []
        let summary = entry.after ?? .object([:])
        let created = Set((summary["insertsKeys"]?.arrayValue ?? []).compactMap { $0["_id"]?.stringValue })
        let written = PlanhatService.written(items, summary: summary, keyables: model.keyables)
        let befores = entry.before?.arrayValue ?? []
        var restores: [JSONValue] = []
        var changes: [FieldChange] = []
        var deleted = Set<String>()
        var unrestorable = 0
        for (id, item) in written {
            let fields = touchedFields(item)
            if created.contains(id) {
                guard deleted.insert(id).inserted else { continue }
                guard let now = try await read(model, id) else {
                    plan.notes.append("the record \(id) it created no longer exists")
                    continue
                }
                for field in fields where !JournalDiff.same(now[field], item[field]) {
                    plan.conflicts.append(UndoConflict(recordID: id, field: field, before: nil, after: item[field], now: now[field]))
                }
                plan.steps.append(UndoStep(kind: .delete, request: PlanhatRequest(model: model, operation: .delete, recordID: id), recordID: id, changes: []))
                continue
            }
            guard let before = befores.first(where: { $0["_id"]?.stringValue == id }) else {
                unrestorable += 1
                continue
            }
            guard let now = try await read(model, id) else {
                plan.notes.append("the record \(id) it updated no longer exists")
                continue
            }
            if let step = restore(model: model, id: id, fields: fields, before: before, left: JournalDiff.merged(before, item), now: now, conflicts: &plan.conflicts),
                let body = step.request.body?.objectValue
            {
                restores.append(.object(body.merging(["_id": .string(id)]) { _, id in id }))
                changes += step.changes.map { FieldChange(field: "\(id) \($0.field)", before: $0.before, after: $0.after) }
            }
        }
        if unrestorable > 0 {
            guard !plan.steps.isEmpty || !restores.isEmpty else { throw noBefore(entry) }
            plan.notes.append(
                "\(unrestorable) records it updated are left as they are: they were not read before (\(entry.beforeNote ?? "journal: light"))")
        }
        let unmatched = created.count + (summary["updatesKeys"]?.arrayValue?.count ?? 0) - written.count
        if unmatched > 0 { plan.notes.append("\(unmatched) records of its summary could not be paired with their items and are left as they are") }
        if !restores.isEmpty {
            plan.steps.insert(
                UndoStep(kind: .restore, request: PlanhatRequest(model: model, operation: .bulkUpsert, body: .array(restores)), recordID: "\(restores.count) records", changes: changes),
                at: 0)
        }
    }

    /// The update that puts `fields` back to their values in `before`, for those whose value now
    /// is not already that; a field whose value now is not what the write left is a conflict.
    private func restore(
        model: ModelDefinition, id: String, fields: [String], before: JSONValue, left: JSONValue, now: JSONValue, conflicts: inout [UndoConflict]
    ) -> UndoStep? {
        var body: [String: JSONValue] = [:]
        var changes: [FieldChange] = []
        for field in fields {
            if !JournalDiff.same(now[field], left[field]) {
                conflicts.append(UndoConflict(recordID: id, field: field, before: before[field], after: left[field], now: now[field]))
            }
            guard !JournalDiff.same(now[field], before[field]) else { continue }
            body[field] = before[field] ?? .null
            changes.append(FieldChange(field: field, before: now[field], after: before[field]))
        }
        guard !body.isEmpty else { return nil }
        return UndoStep(kind: .restore, request: PlanhatRequest(model: model, operation: .update, recordID: id, body: .object(body)), recordID: id, changes: changes)
    }

    /// The fields a body sets (not the keys it names the record by).
    private func touchedFields(_ body: JSONValue?) -> [String] {
        (body?.objectValue ?? [:]).keys.filter { $0 != "_id" && $0 != "id" }.sorted()
    }

    /// The record now, or nil when it does not exist (404).
    private func read(_ model: ModelDefinition, _ id: String) async throws -> JSONValue? {
        do {
            return try await service.perform(PlanhatRequest(model: model, operation: .view, recordID: id))
        } catch let error as PlanhatError where error.status == 404 {
            return nil
        }
    }

    private func refusal(_ entry: JournalEntry, _ reason: String) -> PlanhatError {
        PlanhatError(.usage, message: "entry \(entry.id) cannot be undone: \(reason)")
    }

    private func noBefore(_ entry: JournalEntry) -> PlanhatError {
        refusal(entry, "the record before it was not kept (\(entry.beforeNote ?? "journal: light")); only a create can be undone without it")
    }
}
