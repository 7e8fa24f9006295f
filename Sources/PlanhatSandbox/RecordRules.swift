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
            guard let target = catalog.referencedModel(of: field), let value = body[field.name], !value.isNull else { return nil }
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

/// How Planhat finds the company of a record written without one (the catalog's `companyLookup`):
/// the company whose externalId it names, else one of whose domains it names or its email has.
struct CompanyMatch {
    let lookup: RecordLookup

    /// `body` with its company field set to the company it names, when it names none itself.
    ///
    /// - Throws: ``PlanhatError`` 400 when the model requires a company and none matches.
    func assign(_ model: ModelDefinition, _ body: [String: JSONValue]) throws -> [String: JSONValue] {
        guard let rules = model.companyLookup, let field = model.companyField, model.companyFieldKind == "single",
            body[field] == nil || body[field] == .null, let companies = lookup.catalog.model(route: "companies")
        else { return body }
        var tried: [String] = []
        var match: StoredRecord?
        if let key = rules.externalIdField, let value = body[key]?.stringValue {
            tried.append("\(key) \(JSONValue.string(value).preview())")
            match = try lookup.locate(companies, "extid-" + value)
        }
        if match == nil, let key = rules.domainsField, let domains = body[key]?.arrayValue?.compactMap(\.stringValue) {
            tried.append("\(key) \(domains.joined(separator: ", "))")
            for domain in domains where match == nil { match = try lookup.company(withDomain: domain) }
        }
        if match == nil, let key = rules.emailField, let email = body[key]?.stringValue, let at = email.lastIndex(of: "@") {
            let domain = String(email[email.index(after: at)...])
            tried.append("the domain \(domain) of \(key)")
            match = try lookup.company(withDomain: domain)
        }
        var assigned = body
        if let match {
            assigned[field] = .string(match.id)
        } else if rules.requiresCompany == true {
            let how = tried.isEmpty ? "nothing to match it on" : "no company matches " + tried.joined(separator: " or ")
            throw PlanhatError(
                status: 400, message: "\(model.name.lowercased()) needs a company: \(how) (Planhat ignores such a record)",
                fieldIssues: [FieldIssue(
                    path: field, value: nil,
                    expected: "the company's id, or an email whose domain is among a company's domains"
                        + (rules.externalIdField.map { ", or \($0)" } ?? ""))])
        }
        return assigned
    }
}

/// The fields Planhat computes on every write, as the catalog lists them: the time stamps, names
/// copied from the record a reference names, names joined from the record's own fields.
struct Derivation {
    let lookup: RecordLookup
    let clock: @Sendable () -> Date

    /// Stamps the creation time on a new record's creation fields the body left empty.
    func stampCreation(_ model: ModelDefinition, _ document: inout [String: JSONValue]) {
        let now = Timestamp.iso(clock())
        for name in model.timestamps?.created ?? [] where document[name] == nil {
            document[name] = .string(now)
        }
    }

    /// Recomputes the derived fields of `document`.
    func apply(_ model: ModelDefinition, _ document: inout [String: JSONValue]) throws {
        let now = Timestamp.iso(clock())
        for name in model.timestamps?.updated ?? [] {
            document[name] = .string(now)
        }
        for derived in model.derivedFields ?? [] {
            if let reference = derived.reference, let copies = derived.copies {
                guard let target = model.field(named: reference).flatMap(lookup.catalog.referencedModel(of:)) else { continue }
                let record = try document[reference]?.stringValue.flatMap { try lookup.locate(target, $0) }
                // A cleared reference clears the copy too.
                if let record { document[derived.name] = record.document[copies] ?? .null } else { document.removeValue(forKey: derived.name) }
            } else if let joins = derived.joins {
                let parts = joins.compactMap { document[$0]?.stringValue }
                if !parts.isEmpty { document[derived.name] = .string(parts.joined(separator: " ")) }
            }
        }
    }

    /// `document` without the fields every write stamps: two writes that differ only there are the same.
    static func unstamped(_ document: [String: JSONValue], of model: ModelDefinition) -> [String: JSONValue] {
        let stamps = Set(model.timestamps?.updated ?? [])
        return document.filter { !stamps.contains($0.key) }
    }
}

extension Catalog {
    /// The model a reference field (or an array of references) points to.
    func referencedModel(of field: FieldDefinition) -> ModelDefinition? {
        (field.references ?? field.items?.references).flatMap { model(route: $0) }
    }
}

/// The catalog's unique keys: a `sourceId` is unique in its model; an external id among one
/// company's records.
struct UniqueKeys {
    let db: Database

    /// - Throws: ``PlanhatError`` 400 naming the record that already has the key.
    func check(_ model: ModelDefinition, _ document: [String: JSONValue], excluding id: String?) throws {
        let row = StoredRow(model: model, id: id ?? "", document: document)
        for key in model.uniqueKeys ?? [] {
            guard let value = document[key.field]?.stringValue else { continue }
            var sql = "SELECT id FROM record WHERE model = ? AND \(StoredRow.column(for: key.field, of: model)) = ? AND id != ?"
            var arguments: [any DatabaseValueConvertible] = [model.path, value, id ?? ""]
            if key.perCompany == true {
                sql += " AND company_id IS ?"
                arguments.append(row.companyID)
            }
            if let existing = try String.fetchOne(db, sql: sql + " LIMIT 1", arguments: StatementArguments(arguments)) {
                throw PlanhatError(
                    status: 400, message: "\(key.field) '\(value)' is already used by \(model.name.lowercased()) \(existing)",
                    fieldIssues: [FieldIssue(
                        path: key.field, value: JSONValue.string(value).preview(),
                        expected: "a \(key.field) no other \(model.name.lowercased()) has (update \(existing) instead)")])
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
