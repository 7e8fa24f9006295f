import Foundation
import PlanhatKit
import TerminalUI

/// The name a person reads for a referenced record, and a second line for it (a user's email).
public struct ReferenceName: Hashable, Sendable {
    public var name: String
    public var detail: String?

    public init(name: String, detail: String? = nil) {
        self.name = name
        self.detail = detail
    }
}

/// The names of referenced records, one lookup per referenced model (users, companies, …), kept
/// for the whole session and refreshed with the list that shows them. An id no lookup answered
/// stays an id.
public struct ReferenceNames: Hashable, Sendable {
    /// Referenced model route → record id → its name.
    public private(set) var byRoute: [String: [String: ReferenceName]] = [:]
    /// The routes asked for (answered or not): each is looked up once until refreshed.
    public var requested: Set<String> = []
    /// Changes on every answer, so pages know to take the new names.
    public private(set) var version = 0

    public init() {}

    /// The name of record `id` of the model `route`, when the lookup found it.
    public func name(_ id: String, in route: String) -> ReferenceName? {
        byRoute[route]?[id]
    }

    /// Keeps the names the lookup of `route` answered (replacing the previous ones).
    public mutating func store(_ names: [String: ReferenceName], for route: String) {
        byRoute[route] = names
        version += 1
    }

    /// The ids of `routes` whose name contains `query` (already lowercased).
    func ids(matching query: String, in routes: Set<String>) -> Set<String> {
        var ids = Set<String>()
        for route in routes {
            for (id, name) in byRoute[route] ?? [:] where name.name.lowercased().contains(query) { ids.insert(id) }
        }
        return ids
    }
}

/// Which model a field's ids point to, as the catalog knows it (`owner` → `users`, `companyId` →
/// `companies`, `followers[]` → `users`).
public enum ReferenceFields {
    /// The route `field` of `model` references, on the field or on its items.
    public static func route(of field: String, in model: ModelDefinition) -> String? {
        if field.hasPrefix("custom."), let custom = model.fields.first(where: \.isCustom)?.customFields {
            // A tenant's `team member` field holds a user's id.
            let name = String(field.dropFirst(7))
            return custom.first { $0.name == name }.flatMap { $0.type.lowercased() == "team member" ? "users" : nil }
        }
        guard let definition = model.field(named: field) else { return nil }
        return definition.references ?? definition.items?.references
    }

    /// The routes the given fields reference.
    public static func routes(of fields: [String], in model: ModelDefinition) -> Set<String> {
        Set(fields.compactMap { route(of: $0, in: model) })
    }

    /// A value of a reference field as a person reads it: the name of each id the lookup found,
    /// the id where it found none; `nil` when nothing was found at all (the value shows as it is).
    static func readable(_ value: JSONValue?, route: String, names: ReferenceNames) -> String? {
        switch value {
        case .string(let id)?:
            return names.name(id, in: route)?.name
        case .array(let items)? where !items.isEmpty:
            var found = false
            let texts = items.map { item -> String in
                guard let id = item.stringValue else { return CellText.of(item) }
                if let name = names.name(id, in: route) {
                    found = true
                    return name.name
                }
                return id
            }
            return found ? texts.joined(separator: ", ") : nil
        default:
            return nil
        }
    }
}

/// How one model's names are read: which fields a list selects and how a row becomes a name.
public struct NameLookup: Hashable, Sendable {
    public var model: ModelDefinition

    public init(model: ModelDefinition) {
        self.model = model
    }

    /// The most records one lookup reads (pages of the model's maximum).
    public static let cap = 50_000

    /// Whether the model names people (first and last name): the name joins them, the email is the detail.
    var namesPeople: Bool {
        model.field(named: "firstName") != nil && model.field(named: "lastName") != nil
    }

    /// The fields the list asks for.
    public var select: [String] {
        var fields = namesPeople ? ["firstName", "lastName", "nickName"] : [model.titleField]
        if let email = model.emailField ?? (model.field(named: "email") != nil ? "email" : nil) { fields.append(email) }
        return fields.filter { $0 != "_id" && model.field(named: $0) != nil }
    }

    /// The page size: the model's largest page, at most 5 000.
    public var limit: Int { min(model.listLimit.max, 5_000) }

    /// The list parameters of the page at `offset`.
    public func parameters(offset: Int) -> JSONValue {
        var parameters: [String: JSONValue] = ["limit": .integer(limit)]
        if !select.isEmpty { parameters["select"] = .string(select.joined(separator: ",")) }
        if offset > 0 { parameters["offset"] = .integer(offset) }
        return .object(parameters)
    }

    /// The name of one listed record (`nil` without an id or anything to call it).
    public func name(of row: JSONValue) -> (id: String, name: ReferenceName)? {
        guard let id = row["_id"]?.stringValue else { return nil }
        let email = (model.emailField.flatMap { row[$0] } ?? row["email"])?.stringValue
        let text: String
        if namesPeople {
            let joined = ["firstName", "lastName"].compactMap { row[$0]?.stringValue }.filter { !$0.isEmpty }.joined(separator: " ")
            text = joined.isEmpty ? (row["nickName"]?.stringValue ?? email ?? "") : joined
        } else {
            text = row[model.titleField].map { CellText.of($0) } ?? ""
        }
        guard !text.isEmpty else { return nil }
        return (id, ReferenceName(name: text, detail: email == text ? nil : email))
    }

    /// Reads every page (up to ``cap`` records) through the service.
    public func run(service: PlanhatService) async throws -> [String: ReferenceName] {
        var names: [String: ReferenceName] = [:]
        var offset = 0
        while offset < Self.cap {
            try Task.checkCancellation()
            let request = try service.prepare(model: model, operation: .list, parameters: parameters(offset: offset))
            let rows = try await service.run(request).value.arrayValue ?? []
            for row in rows {
                if let (id, name) = name(of: row) { names[id] = name }
            }
            if rows.count < limit { break }
            offset += rows.count
        }
        return names
    }
}

extension ExplorerUpdate {
    // MARK: - Names

    /// After every action: the page on top takes the names known now, and the models it refers
    /// to that were never looked up are asked for (one lookup per model).
    static func keepNames(_ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var routes = Set<String>()
        switch state.page {
        case .results(var page):
            routes = ReferenceFields.routes(of: page.columns, in: page.model)
            if page.namesVersion != state.names.version {
                page.names = state.names
                page.namesVersion = state.names.version
                page.matchedQuery = ""
                page.refilter()
                replaceTop(&state, .results(page))
            }
        case .record(var page):
            routes = ReferenceFields.routes(of: page.record.objectValue.map { Array($0.keys) } ?? [], in: page.model)
            if page.namesVersion != state.names.version {
                page.show(names: state.names)
                page.namesVersion = state.names.version
                replaceTop(&state, .record(page))
            }
        default:
            return []
        }
        var effects: [Effect] = []
        for route in routes.sorted() where !state.names.requested.contains(route) {
            guard let target = context.catalog.model(route: route), context.service.operations(of: target).contains(.list) else { continue }
            state.names.requested.insert(route)
            effects.append(.lookUpNames(NameLookup(model: target)))
        }
        return effects
    }

    /// Forgets that the names the page refers to were looked up, so they are read again (a refresh).
    static func refreshNames(for page: ResultsPage, _ state: inout ExplorerState) {
        state.names.requested.subtract(ReferenceFields.routes(of: page.columns, in: page.model))
    }

    static func namesLoaded(_ route: String, _ result: Result<[String: ReferenceName], PlanhatError>, _ state: inout ExplorerState) {
        switch result {
        case .success(let names):
            state.names.store(names, for: route)
        case .failure(let error):
            if state.status == nil { setStatus(&state, "names of \(route) not read (\(error.headline)); their ids show", error: true) }
        }
    }
}
