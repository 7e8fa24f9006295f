import Foundation
import GRDB
import PlanhatKit

/// The embedded sandbox as a backend: Planhat's semantics over a local SQLite workspace.
///
/// List with limit/offset/sort/select/filters answering a plain array, keyed ids (`extid-`,
/// `srcid-`), partial updates with `custom` merged, bulk upsert with Planhat's summary, and the
/// reference checks the API makes (an end user's `companyId` must name a company).
public final class SandboxBackend: PlanhatBackend {
    public let store: SandboxStore
    public let info: BackendInfo
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - store: the sandbox file.
    ///   - catalog: the full catalog, used to resolve references between models.
    ///   - clock: the time stamped on created and updated records.
    public init(store: SandboxStore, catalog: Catalog = .shared, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
        info = BackendInfo(kind: .sandbox, location: store.path)
    }

    /// Opens the sandbox at `path` and seeds it with demo data on first use.
    public static func open(path: String?, seedCompanies: Int = DemoData.defaultCompanies, pageCacheKiB: Int? = nil) throws -> SandboxBackend {
        if let path, !FileManager.default.fileExists(atPath: path) {
            try DemoData(companies: seedCompanies).reset(fileAt: path)
        }
        let store = try SandboxStore(path: path, pageCacheKiB: pageCacheKiB)
        let backend = SandboxBackend(store: store)
        if try !store.isSeeded() {
            try DemoData(companies: seedCompanies).seed(into: store)
        }
        return backend
    }

    public func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        do {
            switch request.operation {
            case .list:
                return try await store.database.read { db in try self.list(db, request) }
            case .view:
                return try await store.database.read { db in try self.view(db, request) }
            case .create:
                return try await store.database.write { db in try self.create(db, request) }
            case .update:
                return try await store.database.write { db in try self.update(db, request) }
            case .delete:
                return try await store.database.write { db in try self.delete(db, request) }
            case .bulkUpsert:
                return try await store.database.write { db in try self.bulkUpsert(db, request) }
            }
        } catch let error as PlanhatError {
            throw error
        } catch let error as DatabaseError {
            throw PlanhatError(.internal, message: "sandbox database error: \(error.message ?? error.description)")
        }
    }

    // MARK: - Reads

    private func list(_ db: Database, _ request: PlanhatRequest) throws -> JSONValue {
        let model = request.model
        // The model as a literal (catalog paths are plain words) lets SQLite use the partial sort indexes.
        var conditions = ["model = '\(model.path)'"]
        var arguments: [any DatabaseValueConvertible] = []
        for item in request.query where !["limit", "offset", "sort", "select"].contains(item.name) {
            try addFilter(item, model: model, db, &conditions, &arguments)
        }
        var order = "seq"
        if let sort = request.queryValue("sort"), !sort.isEmpty {
            let descending = sort.hasPrefix("-")
            let field = descending ? String(sort.dropFirst()) : sort
            let expression = field == "_id" ? "id" : JSONPath.extract(field)
            // Ties keep insertion order in the sort's direction, so one index serves the whole ORDER BY.
            order = descending ? "\(expression) DESC, seq DESC" : "\(expression) ASC, seq ASC"
        }
        let limit = request.queryValue("limit").flatMap(Int.init) ?? model.listLimit.default
        let offset = request.queryValue("offset").flatMap(Int.init) ?? 0
        // With `select`, SQLite builds the smaller documents: only they are parsed.
        let selection = request.queryValue("select").map(Selection.init).flatMap { $0.paths.isEmpty ? nil : $0 }
        let column = selection?.sqlExpression ?? "doc"
        let sql = "SELECT \(column) FROM record WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT ? OFFSET ?"
        arguments += [limit, offset]
        let documents = try String.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        return .array(try documents.map { try JSONValue.parse($0) })
    }

    private func addFilter(
        _ item: QueryItem, model: ModelDefinition, _ db: Database,
        _ conditions: inout [String], _ arguments: inout [any DatabaseValueConvertible]
    ) throws {
        let filter = model.filters.first { $0.name == item.name }
        if item.name == "companyId", let companyField = model.companyField {
            let companies = model.catalogCompanies(catalog)
            let ids = try item.value.split(separator: ",").map { raw -> String in
                let key = raw.trimmingCharacters(in: .whitespaces)
                return try locate(db, companies, key)?.id ?? key
            }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            if model.companyFieldKind == "multiple" {
                conditions.append(
                    "EXISTS (SELECT 1 FROM json_each(doc, '\(JSONPath.path(companyField))') WHERE value IN (\(placeholders)))")
            } else {
                conditions.append("company_id IN (\(placeholders))")
            }
            arguments += ids
        } else if let filter, filter.field == nil {
            let text = model.fields.filter { ["title", "description", "subject", "name"].contains($0.name) }
            let clauses = text.map { "\(JSONPath.extract($0.name)) LIKE ?" }
            guard !clauses.isEmpty else { return }
            conditions.append("(" + clauses.joined(separator: " OR ") + ")")
            arguments += Array(repeating: "%\(item.value)%", count: clauses.count)
        } else {
            let field = filter?.field ?? item.name
            guard model.field(named: field) != nil else {
                throw PlanhatError(
                    status: 400, message: "\(model.route) cannot be filtered on '\(item.name)'",
                    fieldIssues: [FieldIssue(path: item.name, value: item.value, expected: "one of the list parameters")])
            }
            conditions.append("\(JSONPath.extract(field)) = ?")
            arguments.append(item.value)
        }
    }

    private func view(_ db: Database, _ request: PlanhatRequest) throws -> JSONValue {
        try require(db, request.model, request.recordID).document
    }

    // MARK: - Writes

    private func create(_ db: Database, _ request: PlanhatRequest) throws -> JSONValue {
        let body = request.body?.objectValue ?? [:]
        let references = try resolveReferences(db, request.model, body)
        if !references.issues.isEmpty {
            throw PlanhatError.invalidParameters(references.issues, model: request.model.route, operation: .create)
        }
        return .object(try insert(db, request.model, body, references: references.resolved))
    }

    private func update(_ db: Database, _ request: PlanhatRequest) throws -> JSONValue {
        let model = request.model
        let stored = try require(db, model, request.recordID)
        let changes = request.body?.objectValue ?? [:]
        let references = try resolveReferences(db, model, changes)
        if !references.issues.isEmpty {
            throw PlanhatError.invalidParameters(references.issues, model: model.route, operation: .update)
        }
        let merged = try merge(db, model, stored.document.objectValue ?? [:], changes, references: references.resolved)
        try save(db, model, id: stored.id, document: merged)
        return .object(merged)
    }

    private func delete(_ db: Database, _ request: PlanhatRequest) throws -> JSONValue {
        let stored = try require(db, request.model, request.recordID)
        try db.execute(sql: "DELETE FROM record WHERE id = ?", arguments: [stored.id])
        return ["_id": .string(stored.id), "n": 1, "ok": 1, "deletedCount": 1]
    }

    private func bulkUpsert(_ db: Database, _ request: PlanhatRequest) throws -> JSONValue {
        let model = request.model
        var summary = UpsertSummary()
        for (index, element) in (request.body?.arrayValue ?? []).enumerated() {
            let item = element.objectValue ?? [:]
            let references = try resolveReferences(db, model, item)
            let issues = references.issues
            if let match = try matchForUpsert(db, model, item) {
                if !issues.isEmpty {
                    summary.updatedErrors.append(UpsertSummary.error(index: index, item: item, issues: issues))
                    continue
                }
                var changes = item
                changes.removeValue(forKey: "_id")
                let before = match.record.document.objectValue ?? [:]
                let merged = try merge(db, model, before, changes, references: references.resolved)
                if merged.filter({ !Self.timestampFields.contains($0.key) }) == before.filter({ !Self.timestampFields.contains($0.key) }) {
                    summary.nonupdates += 1
                } else {
                    try save(db, model, id: match.record.id, document: merged)
                    summary.updated += 1
                    summary.modified.append(match.record.id)
                }
                summary.updatesKeys.append(UpsertSummary.keys(id: match.record.id, matchedOn: match.key, item: item))
            } else {
                var problems = issues
                for field in model.fields where field.requiredOnCreate && item[field.name] == nil {
                    problems.append(FieldIssue(path: field.name, value: nil, expected: "a value (required to create)"))
                }
                if item["_id"] != nil {
                    problems.append(FieldIssue(
                        path: "_id", value: item["_id"]?.preview(),
                        expected: "the _id of an existing \(model.name.lowercased()) (leave it out to create)"))
                }
                guard problems.isEmpty else {
                    summary.createdErrors.append(UpsertSummary.error(index: index, item: item, issues: problems))
                    continue
                }
                let created = try insert(db, model, item, references: references.resolved)
                let id = created["_id"]?.stringValue ?? ""
                summary.created += 1
                summary.upsertedIds.append(id)
                summary.insertsKeys.append(UpsertSummary.keys(id: id, matchedOn: nil, item: item))
            }
        }
        return summary.jsonValue
    }

    static let timestampFields: Set<String> = ["updatedAt", "lastUpdated"]

    // MARK: - Records

    struct StoredRecord {
        var id: String
        var document: JSONValue
    }

    /// Finds a record by `_id`, `extid-…` or `srcid-…` among the model's records.
    func locate(_ db: Database, _ model: ModelDefinition, _ key: String) throws -> StoredRecord? {
        var conditions = ["model = ?"]
        var arguments: [any DatabaseValueConvertible] = [model.path]
        if key.hasPrefix("extid-"), model.externalIdField != nil {
            conditions.append("external_id = ?")
            arguments.append(String(key.dropFirst(6)))
        } else if key.hasPrefix("srcid-"), model.sourceIdField != nil {
            conditions.append("source_id = ?")
            arguments.append(String(key.dropFirst(6)))
        } else {
            conditions.append("id = ?")
            arguments.append(key)
        }
        for (field, value) in model.fixedFields ?? [:] {
            conditions.append("\(JSONPath.extract(field)) = ?")
            arguments.append(value.stringValue ?? value.compactText())
        }
        let sql = "SELECT id, doc FROM record WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT 1"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) else { return nil }
        return StoredRecord(id: row["id"], document: try JSONValue.parse(row["doc"] as String))
    }

    private func require(_ db: Database, _ model: ModelDefinition, _ key: String?) throws -> StoredRecord {
        guard let key, let record = try locate(db, model, key) else {
            throw PlanhatError.recordNotFound(key ?? "", model: model)
        }
        return record
    }

    private func matchForUpsert(_ db: Database, _ model: ModelDefinition, _ item: [String: JSONValue]) throws -> (record: StoredRecord, key: String)? {
        for keyable in model.keyables {
            switch keyable {
            case "_id":
                if let id = item["_id"]?.stringValue, let record = try locate(db, model, id) { return (record, "_id") }
            case "sourceId":
                if let field = model.sourceIdField, let value = item[field]?.stringValue,
                    let record = try locate(db, model, "srcid-" + value)
                { return (record, field) }
            case "externalId":
                if let field = model.externalIdField, let value = item[field]?.stringValue,
                    let record = try locate(db, model, "extid-" + value)
                { return (record, field) }
            default:
                if let value = item[keyable]?.stringValue, let record = try locateByField(db, model, keyable, value) {
                    return (record, keyable)
                }
            }
        }
        return nil
    }

    private func locateByField(_ db: Database, _ model: ModelDefinition, _ field: String, _ value: String) throws -> StoredRecord? {
        let column = field == "email" ? "email" : JSONPath.extract(field)
        let sql = "SELECT id, doc FROM record WHERE model = ? AND \(column) = ? ORDER BY seq LIMIT 1"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [model.path, value]) else { return nil }
        return StoredRecord(id: row["id"], document: try JSONValue.parse(row["doc"] as String))
    }

    private func insert(
        _ db: Database, _ model: ModelDefinition, _ body: [String: JSONValue], references: [String: JSONValue]
    ) throws -> [String: JSONValue] {
        try checkUniqueKeys(db, model, body, excluding: nil)
        var document = body.merging(references) { _, resolved in resolved }
        let id = ObjectID.make(date: clock())
        document["_id"] = .string(id)
        document["__v"] = 0
        for field in model.fields where document[field.name] == nil {
            if let value = field.default { document[field.name] = value }
        }
        let now = Timestamp.iso(clock())
        for name in ["createDate", "createdAt"] where model.field(named: name) != nil && document[name] == nil {
            document[name] = .string(now)
        }
        try derive(db, model, &document)
        try StoredRow(model: model, id: id, document: document).insert(db)
        return document
    }

    private func save(_ db: Database, _ model: ModelDefinition, id: String, document: [String: JSONValue]) throws {
        try checkUniqueKeys(db, model, document, excluding: id)
        try StoredRow(model: model, id: id, document: document).update(db)
    }

    /// The stored document with `changes` applied: a partial update, `custom` merged one level,
    /// reference fields replaced by the `_id`s they resolved to.
    private func merge(
        _ db: Database, _ model: ModelDefinition, _ stored: [String: JSONValue], _ changes: [String: JSONValue],
        references: [String: JSONValue]
    ) throws -> [String: JSONValue] {
        var document = stored
        for (name, value) in changes {
            if name == "custom", let custom = value.objectValue {
                var merged = document["custom"]?.objectValue ?? [:]
                for (key, entry) in custom {
                    // null clears one custom field; the others are kept.
                    if entry.isNull { merged.removeValue(forKey: key) } else { merged[key] = entry }
                }
                document["custom"] = .object(merged)
            } else if value.isNull {
                document.removeValue(forKey: name)
            } else {
                document[name] = value
            }
        }
        document.merge(references) { _, resolved in resolved }
        try derive(db, model, &document)
        return document
    }

    /// Fields Planhat computes: company name, an end user's full name, the update time.
    private func derive(_ db: Database, _ model: ModelDefinition, _ document: inout [String: JSONValue]) throws {
        let now = Timestamp.iso(clock())
        for name in Self.timestampFields where model.field(named: name) != nil {
            document[name] = .string(now)
        }
        if let companyField = model.companyField, model.companyFieldKind == "single" {
            let company = try document[companyField]?.stringValue.flatMap { try locate(db, model.catalogCompanies(catalog), $0) }
            for nameField in ["companyName", "cName"] where model.field(named: nameField) != nil {
                // A cleared company clears its name too.
                if let company { document[nameField] = company.document["name"] ?? .null } else { document.removeValue(forKey: nameField) }
            }
        }
        if model.field(named: "firstName") != nil, model.field(named: "name") != nil, model.field(named: "nickName") == nil {
            let parts = [document["firstName"]?.stringValue, document["lastName"]?.stringValue].compactMap { $0 }
            if !parts.isEmpty { document["name"] = .string(parts.joined(separator: " ")) }
        }
    }

    // MARK: - Rules

    /// One lookup per reference value: the values that name no record (as field issues), and the
    /// fields rewritten to the `_id`s they name (`extid-SF1` → the company's `_id`).
    private func resolveReferences(
        _ db: Database, _ model: ModelDefinition, _ body: [String: JSONValue]
    ) throws -> (issues: [FieldIssue], resolved: [String: JSONValue]) {
        var issues: [FieldIssue] = []
        var resolved: [String: JSONValue] = [:]
        for (field, target, values) in references(model, body) {
            var ids: [String] = []
            for (path, value) in values {
                if let record = try locate(db, target, value) {
                    ids.append(record.id)
                } else {
                    ids.append(value)
                    issues.append(FieldIssue(
                        path: path, value: JSONValue.string(value).preview(),
                        expected: "the id of an existing \(target.name.lowercased()) (\(field.name) must name a record in \(target.route))"))
                }
            }
            resolved[field.name] = field.type == "array" ? .array(ids.map { .string($0) }) : .string(ids.first ?? "")
        }
        return (issues, resolved)
    }

    private func references(_ model: ModelDefinition, _ body: [String: JSONValue]) -> [(FieldDefinition, ModelDefinition, [(path: String, value: String)])] {
        model.fields.compactMap { field in
            guard let route = field.references ?? field.items?.references, let target = catalog.model(route: route),
                let value = body[field.name], !value.isNull
            else { return nil }
            if let elements = value.arrayValue {
                let values = elements.enumerated().compactMap { index, element in
                    element.stringValue.map { (path: "\(field.name)[\(index)]", value: $0) }
                }
                return (field, target, values)
            }
            return value.stringValue.map { (field, target, [(path: field.name, value: $0)]) }
        }
    }

    /// A `sourceId` is unique in its model; an external id is unique among one company's records.
    private func checkUniqueKeys(_ db: Database, _ model: ModelDefinition, _ document: [String: JSONValue], excluding id: String?) throws {
        let row = StoredRow(model: model, id: id ?? "", document: document)
        var checks: [(field: String, column: String, value: String)] = []
        if let field = model.sourceIdField, let value = row.sourceID { checks.append((field, "source_id", value)) }
        if let field = model.externalIdField, let value = row.externalID { checks.append((field, "external_id", value)) }
        for check in checks {
            var sql = "SELECT id FROM record WHERE model = ? AND \(check.column) = ? AND id != ?"
            var arguments: [any DatabaseValueConvertible] = [model.path, check.value, id ?? ""]
            if check.column == "external_id", model.companyFieldKind == "single" {
                sql += " AND company_id IS ?"
                arguments.append(row.companyID)
            }
            if let existing = try String.fetchOne(db, sql: sql + " LIMIT 1", arguments: StatementArguments(arguments)) {
                throw PlanhatError(
                    status: 400, message: "\(check.field) '\(check.value)' is already used by \(model.name.lowercased()) \(existing)",
                    fieldIssues: [FieldIssue(
                        path: check.field, value: JSONValue.string(check.value).preview(),
                        expected: "a \(check.field) no other \(model.name.lowercased()) has (update \(existing) instead)")])
            }
        }
    }
}

extension ModelDefinition {
    /// The companies model, which every company reference points to.
    func catalogCompanies(_ catalog: Catalog) -> ModelDefinition {
        catalog.model(route: "companies") ?? self
    }
}

/// A record as stored: the document and the key columns derived from it.
struct StoredRow {
    var model: ModelDefinition
    var id: String
    var document: [String: JSONValue]

    var externalID: String? { model.externalIdField.flatMap { document[$0]?.stringValue } }
    var sourceID: String? { model.sourceIdField.flatMap { document[$0]?.stringValue } }
    var email: String? { model.field(named: "email") != nil ? document["email"]?.stringValue : nil }
    var companyID: String? {
        guard model.companyFieldKind == "single", let field = model.companyField else { return nil }
        return document[field]?.stringValue
    }

    private var arguments: StatementArguments {
        [model.path, id, externalID, sourceID, email, companyID, JSONValue.object(document).compactText()]
    }

    func insert(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO record (model, id, external_id, source_id, email, company_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)")
        try statement.execute(arguments: arguments)
    }

    func update(_ db: Database) throws {
        try db.execute(
            sql: "UPDATE record SET model = ?, id = ?, external_id = ?, source_id = ?, email = ?, company_id = ?, doc = ? WHERE id = ?",
            arguments: arguments + [id])
    }
}

/// `select=name,arr`: keeps the named fields (dotted paths reach into objects) and always `_id`.
struct Selection {
    let paths: [[String]]

    init(_ text: String) {
        paths = text.split(separator: ",").map { field in
            field.trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
        }.filter { !$0.isEmpty }
    }

    /// The selected fields built by SQLite: `json_patch('{}', json_object('_id', doc -> '$._id', …))`,
    /// nested paths as nested objects; the merge patch leaves out fields the record lacks.
    var sqlExpression: String {
        final class Node {
            var children: [(String, Node)] = []
            func child(_ name: String) -> Node {
                if let existing = children.first(where: { $0.0 == name }) { return existing.1 }
                let node = Node()
                children.append((name, node))
                return node
            }
        }
        let root = Node()
        _ = root.child("_id")
        for path in paths {
            var node = root
            for segment in path { node = node.child(segment) }
        }
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        func build(_ node: Node, prefix: [String]) -> String {
            let members = node.children.map { name, child -> String in
                let path = prefix + [name]
                let value = child.children.isEmpty ? "doc -> '\(JSONPath.path(path.joined(separator: ".")))'" : build(child, prefix: path)
                return quoted(name) + ", " + value
            }
            return "json_object(" + members.joined(separator: ", ") + ")"
        }
        return "json_patch('{}', \(build(root, prefix: [])))"
    }
}

/// Planhat's bulk upsert answer.
struct UpsertSummary {
    var created = 0
    var createdErrors: [JSONValue] = []
    var insertsKeys: [JSONValue] = []
    var updated = 0
    var updatedErrors: [JSONValue] = []
    var updatesKeys: [JSONValue] = []
    var nonupdates = 0
    var modified: [String] = []
    var upsertedIds: [String] = []

    var jsonValue: JSONValue {
        [
            "created": .integer(created), "createdErrors": .array(createdErrors), "insertsKeys": .array(insertsKeys),
            "updated": .integer(updated), "updatedErrors": .array(updatedErrors), "updatesKeys": .array(updatesKeys),
            "nonupdates": .integer(nonupdates), "modified": .array(modified.map { .string($0) }),
            "upsertedIds": .array(upsertedIds.map { .string($0) }), "permissionErrors": [],
        ]
    }

    static func keys(id: String, matchedOn key: String?, item: [String: JSONValue]) -> JSONValue {
        var keys: [String: JSONValue] = ["_id": .string(id)]
        for name in ["externalId", "extId", "sourceId", "email"] {
            if let value = item[name] { keys[name] = value }
        }
        if let key, key != "_id" { keys["matchedOn"] = .string(key) }
        return .object(keys)
    }

    static func error(index: Int, item: [String: JSONValue], issues: [FieldIssue]) -> JSONValue {
        var entry: [String: JSONValue] = [
            "index": .integer(index),
            "message": .string(issues.map(\.description).joined(separator: "; ")),
            "fields": .array(issues.map { .string($0.path) }),
        ]
        for name in ["_id", "externalId", "extId", "sourceId", "email"] {
            if let value = item[name] { entry[name] = value }
        }
        return .object(entry)
    }
}

/// ISO 8601 time stamps as Planhat writes them: `2026-11-29T09:30:00.000Z`.
enum Timestamp {
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
