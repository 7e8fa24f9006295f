import Foundation

extension ViewCondition {
    /// `renewalDaysFromNow from 0`, `status is customer`, `endTime withinDays 7`.
    public var summary: String {
        "\(field) \(op.rawValue) \(value.stringValue ?? value.compactText())"
    }
}

extension SavedView {
    /// One line a person or an assistant reads to know what the view holds: its title, model,
    /// conditions, sort and columns.
    public var summary: String {
        var parts: [String] = []
        if let title { parts.append(title) }
        parts.append("model \(model)")
        parts.append(conditions.isEmpty ? "no conditions" : "where " + conditions.map(\.summary).joined(separator: " and "))
        if let sort { parts.append("sort \(sort)") }
        parts.append("columns " + columns.joined(separator: ", "))
        return parts.joined(separator: "; ")
    }

    /// The view as JSON: `{name, title, model, where, sort, columns, builtIn}`.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "model": .string(model),
            "where": .array(conditions.map { ["field": .string($0.field), "op": .string($0.op.rawValue), "value": $0.value] }),
            "columns": .array(columns.map { .string($0) }), "builtIn": .bool(builtIn),
        ]
        if let title { members["title"] = .string(title) }
        if let sort { members["sort"] = .string(sort) }
        return .object(members)
    }
}

extension SavedViewRunner {
    /// One page of a view's records, saying where it stands as every list does: the view is run
    /// (``run(_:service:max:now:progress:)``) far enough to know whether more follow.
    ///
    /// `more` is true when a record past the page was found, false when the list ended, and nil
    /// when the scan stopped at ``scanLimit`` first. `appliedLocally` names the
    /// conditions checked on the records read rather than sent as the list's filters.
    ///
    /// - Throws: ``PlanhatError`` as ``run(_:service:max:now:progress:)`` does.
    public static func page(_ view: SavedView, service: PlanhatService, offset: Int = 0, limit: Int = RecordQuery.defaultLimit, now: Date = Date()) async throws -> RecordPage {
        let result = try await run(view, service: service, max: offset + limit + 1, now: now)
        let records = Array(result.records.dropFirst(offset).prefix(limit))
        let found = result.records.count > offset + limit
        let more: Bool? = found ? true : (result.truncated ? nil : false)
        let model = service.catalog.model(route: view.model)
        let local = view.conditions.filter { condition in model.flatMap { sentFilter(for: condition, model: $0) } == nil }
        let info = PageInfo(
            offset: offset, limit: limit, returned: records.count, more: more,
            nextOffset: more == false ? nil : offset + records.count)
        return RecordPage(
            records: records, positions: Array(offset...(offset + records.count)), page: info, notices: [],
            appliedLocally: local.map(\.summary), scanned: result.scanned)
    }
}
