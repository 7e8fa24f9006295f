import Foundation

/// One condition of a saved view on a record field: `status is customer`, `h below 50`,
/// `renewalDaysFromNow from 0 to 90`, `endTime within 7 days`.
public struct ViewCondition: Sendable, Hashable, Codable {
    /// How a value compares.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        /// Equal (text case-insensitively); a list of values: any of them.
        case `is`
        /// Not equal (nor any of a list).
        case not
        /// A number below the value.
        case below
        /// A number above the value.
        case above
        /// A number at least the value.
        case from
        /// A number at most the value.
        case to
        /// An instant or date from now to this many days ahead.
        case withinDays
        /// Text containing the value (case-insensitive).
        case contains
    }

    /// The field (`custom.Seats` for a custom field).
    public var field: String
    public var op: Operator
    public var value: JSONValue

    public init(field: String, op: Operator, value: JSONValue) {
        self.field = field
        self.op = op
        self.value = value
    }

    /// Whether `record` meets the condition at `now`.
    public func matches(_ record: JSONValue, now: Date) -> Bool {
        let actual = SavedView.value(of: field, in: record)
        switch op {
        case .is:
            let wanted = value.arrayValue ?? [value]
            return wanted.contains { Self.equal(actual, $0) }
        case .not:
            let unwanted = value.arrayValue ?? [value]
            return !unwanted.contains { Self.equal(actual, $0) }
        case .below, .above, .from, .to:
            guard let number = actual?.doubleValue, let bound = value.doubleValue else { return false }
            switch op {
            case .below: return number < bound
            case .above: return number > bound
            case .from: return number >= bound
            default: return number <= bound
            }
        case .withinDays:
            guard let text = actual?.stringValue, let days = value.doubleValue, let instant = Self.instant(text) else { return false }
            let start = Calendar(identifier: .gregorian).startOfDay(for: now)
            return instant >= start && instant < start.addingTimeInterval((days + 1) * 86_400)
        case .contains:
            guard let text = actual.map({ $0.stringValue ?? $0.compactText() }), let part = value.stringValue else { return false }
            return text.lowercased().contains(part.lowercased())
        }
    }

    static func equal(_ actual: JSONValue?, _ wanted: JSONValue) -> Bool {
        switch (actual, wanted) {
        case (.string(let a)?, .string(let b)): return a.caseInsensitiveCompare(b) == .orderedSame
        case (let a?, let b) where a.doubleValue != nil && b.doubleValue != nil: return a.doubleValue == b.doubleValue
        case (.array(let items)?, let b): return items.contains { equal($0, b) }
        case (nil, .null), (.null?, .null): return true
        case (let a?, let b): return a == b
        case (nil, _): return false
        }
    }

    /// `2026-12-03`, `2026-12-03T09:30:00.000Z` as an instant (UTC).
    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: String(text.prefix(10)))
    }
}

/// A saved view: a model, conditions, a sort, columns and a name. One definition every face runs
/// the same way: the explorer opens it as a table, `planhat view run NAME` prints it, the MCP
/// server reads it as the resource `planhat://views/NAME`.
public struct SavedView: Sendable, Hashable, Codable {
    /// The name it is called by (`renewals-90d`).
    public var name: String
    /// What a person reads about it.
    public var title: String?
    /// The model's route (`companies`).
    public var model: String
    /// All must hold. Those the list can filter on are sent as its filters; every one is checked on
    /// each record.
    public var conditions: [ViewCondition]
    /// A field, `-field` for descending.
    public var sort: String?
    /// The columns shown and printed (`_id` is always kept).
    public var columns: [String]
    /// Built in (the sandbox's), not from the file.
    public var builtIn: Bool

    public init(name: String, title: String? = nil, model: String, conditions: [ViewCondition] = [], sort: String? = nil, columns: [String], builtIn: Bool = false) {
        self.name = name
        self.title = title
        self.model = model
        self.conditions = conditions
        self.sort = sort
        self.columns = columns
        self.builtIn = builtIn
    }

    /// The value a field or dotted path names in a record (`custom.Seats`).
    public static func value(of path: String, in record: JSONValue) -> JSONValue? {
        if let direct = record[path] { return direct }
        guard path.contains(".") else { return nil }
        var current: JSONValue? = record
        for part in path.split(separator: ".").map(String.init) {
            switch current {
            case .object(let members)?: current = members[part]
            case .array(let items)?: current = .array(items.compactMap { $0[part] })
            default: return nil
            }
        }
        return current
    }

    /// The three views the sandbox ships, so a new user sees the idea at once.
    public static let sandboxBuiltIns: [SavedView] = [
        SavedView(
            name: "renewals-90d", title: "Renewals in the next 90 days, largest ARR first", model: "companies",
            conditions: [ViewCondition(field: "renewalDaysFromNow", op: .from, value: 0), ViewCondition(field: "renewalDaysFromNow", op: .to, value: 90)],
            sort: "-arr", columns: ["name", "arr", "renewalDaysFromNow", "owner", "h", "phase"], builtIn: true),
        SavedView(
            name: "low-health", title: "Customers with health below 40, lowest first", model: "companies",
            conditions: [ViewCondition(field: "status", op: .is, value: "customer"), ViewCondition(field: "h", op: .below, value: 40)],
            sort: "h", columns: ["name", "h", "arr", "owner", "phase", "lastActive"], builtIn: true),
        SavedView(
            name: "tasks-this-week", title: "Open tasks due in the next 7 days", model: "tasks",
            conditions: [ViewCondition(field: "status", op: .not, value: "Done"), ViewCondition(field: "endTime", op: .withinDays, value: 7)],
            sort: "endTime", columns: ["action", "companyId", "ownerId", "endTime", "status"], builtIn: true),
    ]
}

/// Where saved views are kept: the faces read and write them through this (the YAML file lives
/// in PlanhatRemote; the core has no dependencies).
public protocol SavedViewStore: Sendable {
    /// The file's views (a problem names the file, the line and the key).
    func load() throws -> [SavedView]
    /// Adds or replaces the view of that name; answers where it was written.
    func save(_ view: SavedView) throws -> String
}

/// What running a view found.
public struct ViewResult: Sendable, Hashable {
    public var view: SavedView
    /// The records that meet every condition, in the view's order, with the view's columns (and `_id`).
    public var records: [JSONValue]
    /// How many records were read to find them.
    public var scanned: Int
    /// Whether the scan stopped at its limit before the list ended.
    public var truncated: Bool
}

/// Runs a saved view through the service: pages the model's list (its filters and sort sent
/// where the catalog documents them), checks every condition on every record, keeps the columns.
public enum SavedViewRunner {
    /// The most records one run reads.
    public static let scanLimit = 100_000

    /// The list parameters of the view: the sort, the fields the columns and conditions read,
    /// and the conditions the list filters on itself (documented equality filters).
    public static func parameters(for view: SavedView, model: ModelDefinition) -> [String: JSONValue] {
        var parameters: [String: JSONValue] = [:]
        if let sort = view.sort { parameters["sort"] = .string(sort) }
        var seen = Set<String>()
        let fields = (view.columns + view.conditions.map(\.field)).compactMap { path -> String? in
            let top = path.split(separator: ".", maxSplits: 1).first.map(String.init) ?? path
            return top != "_id" && seen.insert(top).inserted ? top : nil
        }
        if !fields.isEmpty { parameters["select"] = .string(fields.joined(separator: ",")) }
        for condition in view.conditions {
            guard let text = condition.value.stringValue, let filter = sentFilter(for: condition, model: model) else { continue }
            parameters[filter.name] = .string(text)
        }
        return parameters
    }

    /// The list filter a condition is sent as: a text equality on a filter the catalog documents;
    /// nil when the condition is only checked on the records read.
    public static func sentFilter(for condition: ViewCondition, model: ModelDefinition) -> FilterDefinition? {
        guard condition.op == .is, condition.value.stringValue != nil else { return nil }
        return model.filters.first { ($0.field ?? $0.name) == condition.field && $0.match == nil && $0.path == nil && $0.certainty == nil && $0.type == nil }
    }

    /// The problems of a view against the catalog: an unknown model, an unknown field.
    public static func problems(_ view: SavedView, catalog: Catalog) -> [String] {
        guard let model = catalog.model(route: view.model) else { return ["model: unknown model '\(view.model)'"] }
        var problems: [String] = []
        func known(_ path: String) -> Bool {
            let top = path.split(separator: ".", maxSplits: 1).first.map(String.init) ?? path
            return model.field(named: top) != nil || (model.openFields ?? false)
        }
        for (index, column) in view.columns.enumerated() where !known(column) {
            problems.append("columns[\(index)]: \(model.plural.lowercased()) have no field '\(column)'")
        }
        for condition in view.conditions where !known(condition.field) {
            problems.append("where.\(condition.field): \(model.plural.lowercased()) have no field '\(condition.field)'")
        }
        if let sort = view.sort, !known(sort.hasPrefix("-") ? String(sort.dropFirst()) : sort) {
            problems.append("sort: \(model.plural.lowercased()) have no field '\(sort)'")
        }
        return problems
    }

    /// Runs the view: at most `max` records kept, at most ``scanLimit`` read.
    public static func run(_ view: SavedView, service: PlanhatService, max: Int = 10_000, now: Date = Date(), progress: @Sendable (Int) -> Void = { _ in }) async throws -> ViewResult {
        guard let model = service.catalog.model(route: view.model) else {
            throw PlanhatError.configuration("the view \(view.name) names the model '\(view.model)', which this session does not offer")
        }
        let base = parameters(for: view, model: model)
        let pageSize = min(model.listLimit.max, 5_000)
        var kept: [JSONValue] = []
        var scanned = 0
        var truncated = false
        let columns = view.columns.filter { $0 != "_id" } + ["_id"]
        while true {
            try Task.checkCancellation()
            var page = base
            page["limit"] = .integer(pageSize)
            if scanned > 0 { page["offset"] = .integer(scanned) }
            let request = try service.prepare(model: model, operation: .list, parameters: .object(page))
            let rows = try await service.run(request).value.arrayValue ?? []
            scanned += rows.count
            for row in rows where view.conditions.allSatisfy({ $0.matches(row, now: now) }) {
                var members: [String: JSONValue] = [:]
                for column in columns { if let value = value(of: column, in: row) { members[column] = value } }
                kept.append(.object(members))
            }
            progress(scanned)
            if kept.count >= max || scanned >= scanLimit {
                truncated = rows.count == pageSize
                break
            }
            if rows.count < pageSize { break }
        }
        return ViewResult(view: view, records: Array(kept.prefix(max)), scanned: scanned, truncated: truncated || kept.count > max)
    }

    private static func value(of column: String, in row: JSONValue) -> JSONValue? {
        SavedView.value(of: column, in: row)
    }
}

/// The views a session offers: the file's, and on a sandbox the built-in ones the file does not replace.
public enum SavedViews {
    /// The views, by name order of the file then the built-ins; a file that does not load is the error.
    public static func all(store: (any SavedViewStore)?, sandbox: Bool) throws -> [SavedView] {
        let mine = try store?.load() ?? []
        let builtIns = sandbox ? SavedView.sandboxBuiltIns.filter { builtIn in !mine.contains { $0.name == builtIn.name } } : []
        return mine + builtIns
    }

    /// The view called `name`, or an error listing the names there are.
    public static func named(_ name: String, in views: [SavedView]) throws -> SavedView {
        if let view = views.first(where: { $0.name == name }) ?? views.first(where: { $0.name.lowercased() == name.lowercased() }) { return view }
        let names = views.map(\.name).joined(separator: ", ")
        throw PlanhatError.configuration("no view is called '\(name)'; " + (names.isEmpty ? "there are no views yet (save one from the explorer's results with S)" : "the views are: \(names)"))
    }
}
