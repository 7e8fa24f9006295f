import Foundation
import GRDB
import PlanhatKit

/// A stored record as read back: its `_id` and its document.
struct StoredRecord {
    var id: String
    var document: JSONValue
}

/// Finds one model's records inside a database access: by `_id`, keyed id or key field.
struct RecordLookup {
    let db: Database
    /// The full catalog, for the models references point to.
    let catalog: Catalog

    /// Finds a record by `_id`, `extid-…` or `srcid-…` among the model's records.
    func locate(_ model: ModelDefinition, _ key: String) throws -> StoredRecord? {
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
        return try first(conditions, arguments)
    }

    /// The record `key` names.
    ///
    /// - Throws: ``PlanhatError`` 404 when there is none.
    func require(_ model: ModelDefinition, _ key: String?) throws -> StoredRecord {
        guard let key, let record = try locate(model, key) else {
            throw PlanhatError.recordNotFound(key ?? "", model: model)
        }
        return record
    }

    /// The first company (in insertion order) one of whose `domains` is `domain`, case ignored.
    func company(withDomain domain: String) throws -> StoredRecord? {
        guard let companies = catalog.model(route: "companies") else { return nil }
        return try first(
            ["model = ?", "EXISTS (SELECT 1 FROM json_each(doc, '$.domains') WHERE lower(value) = ?)"],
            [companies.path, domain.lowercased()])
    }

    /// The first record (in insertion order) whose `field` is `value`.
    func locate(_ model: ModelDefinition, field: String, value: String) throws -> StoredRecord? {
        try first(["model = ?", "\(StoredRow.column(for: field, of: model)) = ?"], [model.path, value])
    }

    private func first(_ conditions: [String], _ arguments: [any DatabaseValueConvertible]) throws -> StoredRecord? {
        let sql = "SELECT id, doc FROM record WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT 1"
        guard let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) else { return nil }
        return StoredRecord(id: row["id"], document: try JSONValue.parse(row["doc"] as String))
    }
}

/// A record as stored: the document and the key columns derived from it.
struct StoredRow {
    var model: ModelDefinition
    var id: String
    var document: [String: JSONValue]

    var externalID: String? { model.externalIdField.flatMap { document[$0]?.stringValue } }
    var sourceID: String? { model.sourceIdField.flatMap { document[$0]?.stringValue } }
    var email: String? { model.emailField.flatMap { document[$0]?.stringValue } }
    var companyID: String? {
        guard model.companyFieldKind == "single", let field = model.companyField else { return nil }
        return document[field]?.stringValue
    }

    /// The SQL that reads `field` of a record: its key column where it has one (indexed), else
    /// the value in the document.
    static func column(for field: String, of model: ModelDefinition) -> String {
        switch field {
        case model.externalIdField: "external_id"
        case model.sourceIdField: "source_id"
        case model.emailField: "email"
        case model.companyField where model.companyFieldKind == "single": "company_id"
        default: JSONPath.extract(field)
        }
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
