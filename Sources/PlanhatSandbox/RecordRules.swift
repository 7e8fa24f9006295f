import Foundation
import GRDB
import PlanhatKit

/// The references a write names, checked and resolved: `extid-SF1` → the company's `_id`.
struct References {
    /// The values that name no record, as field issues.
    var issues: [FieldIssue] = []
    /// The reference fields rewritten to the `_id`s they name.
    var resolved: [String: JSONValue] = [:]

    /// One lookup per reference value in `body`.
    init(_ body: [String: JSONValue], of model: ModelDefinition, lookup: RecordLookup) throws {
        for (field, target, values) in Self.references(model, body, catalog: lookup.catalog) {
            var ids: [String] = []
            for (path, value) in values {
                if let record = try lookup.locate(target, value) {
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
    }

    private static func references(
        _ model: ModelDefinition, _ body: [String: JSONValue], catalog: Catalog
    ) -> [(FieldDefinition, ModelDefinition, [(path: String, value: String)])] {
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
}

/// The fields Planhat computes on every write: the update time, a company's name copied onto its
/// records, an end user's full name.
struct Derivation {
    let lookup: RecordLookup
    let clock: @Sendable () -> Date

    /// The fields stamped with the time of every write; a write that changes only them changes nothing.
    static let timestampFields: Set<String> = ["updatedAt", "lastUpdated"]

    /// Stamps the creation time on a new record's creation fields the body left empty.
    func stampCreation(_ model: ModelDefinition, _ document: inout [String: JSONValue]) {
        let now = Timestamp.iso(clock())
        for name in ["createDate", "createdAt"] where model.field(named: name) != nil && document[name] == nil {
            document[name] = .string(now)
        }
    }

    /// Recomputes the derived fields of `document`.
    func apply(_ model: ModelDefinition, _ document: inout [String: JSONValue]) throws {
        let now = Timestamp.iso(clock())
        for name in Self.timestampFields where model.field(named: name) != nil {
            document[name] = .string(now)
        }
        if let companyField = model.companyField, model.companyFieldKind == "single" {
            let company = try document[companyField]?.stringValue.flatMap { try lookup.locate(model.catalogCompanies(lookup.catalog), $0) }
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
}

extension ModelDefinition {
    /// The companies model, which every company reference points to.
    func catalogCompanies(_ catalog: Catalog) -> ModelDefinition {
        catalog.model(route: "companies") ?? self
    }
}

/// A `sourceId` is unique in its model; an external id is unique among one company's records.
struct UniqueKeys {
    let db: Database

    /// - Throws: ``PlanhatError`` 400 naming the record that already has the key.
    func check(_ model: ModelDefinition, _ document: [String: JSONValue], excluding id: String?) throws {
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

/// ISO 8601 time stamps as Planhat writes them: `2026-11-29T09:30:00.000Z`.
enum Timestamp {
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
