import Foundation
import GRDB
import PlanhatKit

/// Planhat's writes inside one transaction: create, update, delete and bulk upsert, each checking
/// references and unique keys and recomputing the derived fields.
struct RecordWriter {
    let lookup: RecordLookup
    let clock: @Sendable () -> Date

    init(_ db: Database, catalog: Catalog, clock: @escaping @Sendable () -> Date) {
        lookup = RecordLookup(db: db, catalog: catalog)
        self.clock = clock
    }

    private var db: Database { lookup.db }
    private var derivation: Derivation { Derivation(lookup: lookup, clock: clock) }

    func create(_ request: PlanhatRequest) throws -> JSONValue {
        let body = Self.storable(try CompanyMatch(lookup: lookup).assign(request.model, request.body?.objectValue ?? [:]), of: request.model)
        let references = try References(body, of: request.model, lookup: lookup)
        if !references.issues.isEmpty {
            throw PlanhatError.invalidParameters(references.issues, model: request.model.route, operation: .create)
        }
        let created = try insert(request.model, body, references: references.resolved)
        return request.model.isPush ? PushSummary(processed: 1).jsonValue : .object(created)
    }

    func update(_ request: PlanhatRequest) throws -> JSONValue {
        let model = request.model
        let stored = try lookup.require(model, request.recordID)
        let changes = Self.storable(request.body?.objectValue ?? [:], of: request.model)
        let references = try References(changes, of: model, lookup: lookup)
        if !references.issues.isEmpty {
            throw PlanhatError.invalidParameters(references.issues, model: model.route, operation: .update)
        }
        let merged = try merge(model, stored.document.objectValue ?? [:], changes, references: references.resolved)
        try save(model, id: stored.id, document: merged)
        return .object(merged)
    }

    /// Deletes the record and answers as the catalog says Planhat does for the model: the deleted
    /// document (notes), or the counts `{n, ok, deletedCount}`.
    func delete(_ request: PlanhatRequest) throws -> JSONValue {
        let stored = try lookup.require(request.model, request.recordID)
        try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [stored.id])
        return request.model.deleteAnswer == "document" ? stored.document : ["n": 1, "ok": 1, "deletedCount": 1]
    }

    /// A push (metrics, user activities): every item is a new data point, never matched; an item
    /// that cannot be kept is reported in `errors`, the others are processed.
    private func push(_ request: PlanhatRequest) throws -> JSONValue {
        var summary = PushSummary()
        for (index, element) in (request.body?.arrayValue ?? []).enumerated() {
            let item = try CompanyMatch(lookup: lookup).assign(request.model, element.objectValue ?? [:])
            let references = try References(item, of: request.model, lookup: lookup)
            guard references.issues.isEmpty else {
                summary.refuse(index: index, issues: references.issues)
                continue
            }
            _ = try insert(request.model, item, references: references.resolved)
            summary.processed += 1
        }
        return summary.jsonValue
    }

    /// Matches each item on the model's keys: updates what it finds, creates the rest, and
    /// reports refused items in the summary instead of failing the whole request.
    func bulkUpsert(_ request: PlanhatRequest) throws -> JSONValue {
        let model = request.model
        if model.isPush { return try push(request) }
        var summary = UpsertSummary(echoing: model.upsertEchoKeys ?? [])
        for (index, element) in (request.body?.arrayValue ?? []).enumerated() {
            let item = Self.storable(element.objectValue ?? [:], of: model)
            let references = try References(item, of: model, lookup: lookup)
            if let match = try matchForUpsert(model, item) {
                guard references.issues.isEmpty else {
                    summary.refuse(index: index, item: item, issues: references.issues, creating: false)
                    continue
                }
                var changes = item
                changes.removeValue(forKey: "_id")
                let before = match.record.document.objectValue ?? [:]
                let merged = try merge(model, before, changes, references: references.resolved)
                let changed = Derivation.unstamped(merged, of: model) != Derivation.unstamped(before, of: model)
                if changed { try save(model, id: match.record.id, document: merged) }
                summary.update(id: match.record.id, item: item, changed: changed)
            } else {
                // A new record without a company gets the one Planhat would match it to.
                let assigned: [String: JSONValue]
                do {
                    assigned = try CompanyMatch(lookup: lookup).assign(model, item)
                } catch let error as PlanhatError {
                    summary.refuse(index: index, item: item, issues: error.fieldIssues, creating: true)
                    continue
                }
                let references = assigned == item ? references : try References(assigned, of: model, lookup: lookup)
                var problems = references.issues
                for field in model.fields where field.requiredOnCreate && assigned[field.name] == nil {
                    problems.append(FieldIssue(path: field.name, value: nil, expected: "a value (required to create)"))
                }
                if item["_id"] != nil {
                    problems.append(FieldIssue(
                        path: "_id", value: item["_id"]?.preview(),
                        expected: "the _id of an existing \(model.name.lowercased()) (leave it out to create)"))
                }
                guard problems.isEmpty else {
                    summary.refuse(index: index, item: item, issues: problems, creating: true)
                    continue
                }
                let created = try insert(model, assigned, references: references.resolved)
                summary.create(id: created["_id"]?.stringValue ?? "", item: item)
            }
        }
        return summary.jsonValue
    }

    /// The record an upsert item names, tried on the model's keyables in order, and the key that matched.
    private func matchForUpsert(_ model: ModelDefinition, _ item: [String: JSONValue]) throws -> (record: StoredRecord, key: String)? {
        for keyable in model.keyables {
            switch keyable {
            case "_id":
                if let id = item["_id"]?.stringValue, let record = try lookup.locate(model, id) { return (record, "_id") }
            case "sourceId":
                if let field = model.sourceIdField, let value = item[field]?.stringValue,
                    let record = try lookup.locate(model, "srcid-" + value)
                { return (record, field) }
            case "externalId":
                if let field = model.externalIdField, let value = item[field]?.stringValue,
                    let record = try lookup.locate(model, "extid-" + value)
                { return (record, field) }
            default:
                if let value = item[keyable]?.stringValue, let record = try lookup.locate(model, field: keyable, value: value) {
                    return (record, keyable)
                }
            }
        }
        return nil
    }

    /// What Planhat stores of a body: the model's fields; anything else is dropped without a word,
    /// as Planhat does (the client's verification then reports it).
    /// A model whose field list the catalog knows to be incomplete (``ModelDefinition/openFields``)
    /// keeps everything: the sandbox cannot know what Planhat stores there.
    static func storable(_ body: [String: JSONValue], of model: ModelDefinition) -> [String: JSONValue] {
        guard model.openFields != true else { return body }
        return body.filter { key, _ in key == "_id" || model.field(named: key) != nil }
    }

    private func insert(_ model: ModelDefinition, _ body: [String: JSONValue], references: [String: JSONValue]) throws -> [String: JSONValue] {
        try UniqueKeys(db: db).check(model, body, excluding: nil)
        var document = body.merging(references) { _, resolved in resolved }
        let id = ObjectID.make(date: clock())
        document["_id"] = .string(id)
        document["__v"] = 0
        for field in model.fields where document[field.name] == nil {
            if let value = field.default { document[field.name] = value }
        }
        if let event = model.eventTime {
            document[event.field] = body[event.from] ?? .string(Timestamp.iso(clock()))
        }
        derivation.stampCreation(model, &document)
        try derivation.apply(model, &document)
        try StoredRow(model: model, id: id, document: document).insert(db)
        return document
    }

    private func save(_ model: ModelDefinition, id: String, document: [String: JSONValue]) throws {
        try UniqueKeys(db: db).check(model, document, excluding: id)
        try StoredRow(model: model, id: id, document: document).update(db)
    }

    /// The stored document with `changes` applied: a partial update, `custom` merged one level,
    /// reference fields replaced by the `_id`s they resolved to.
    private func merge(
        _ model: ModelDefinition, _ stored: [String: JSONValue], _ changes: [String: JSONValue], references: [String: JSONValue]
    ) throws -> [String: JSONValue] {
        var document = stored
        for (name, value) in changes {
            if model.field(named: name)?.isCustom == true, let custom = value.objectValue {
                var merged = document[name]?.objectValue ?? [:]
                for (key, entry) in custom {
                    // null clears one custom field; the others are kept.
                    if entry.isNull { merged.removeValue(forKey: key) } else { merged[key] = entry }
                }
                document[name] = .object(merged)
            } else if value.isNull {
                document.removeValue(forKey: name)
            } else {
                document[name] = value
            }
        }
        document.merge(references) { _, resolved in resolved }
        try derivation.apply(model, &document)
        return document
    }
}
