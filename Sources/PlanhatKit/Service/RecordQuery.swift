import Foundation

/// Fields to keep in each record: `name,arr`, `["name", "lastTouchByType.email", "custom.Seats"]`.
///
/// Dotted paths reach into objects; `_id` is always kept. Planhat's REST API selects top-level
/// fields, so the request asks for those and the paths are cut locally (``project(_:)``).
public struct FieldSelection: Sendable, Hashable {
    /// The paths asked for, in order, without repeats.
    public private(set) var paths: [String]

    public init(paths: [String]) {
        var unique: [String] = []
        for path in paths.map({ $0.trimmingCharacters(in: .whitespaces) }) where !path.isEmpty && !unique.contains(path) {
            unique.append(path)
        }
        self.paths = unique
    }

    /// A comma string, an array of strings or a JSON string of an array; nil when absent or empty.
    ///
    /// - Throws: ``PlanhatError`` 400 naming `field` for anything else.
    public static func parse(_ value: JSONValue?, field: String) throws -> FieldSelection? {
        switch value {
        case nil, .null?:
            return nil
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("["), let parsed = try? JSONValue.parse(trimmed), parsed.arrayValue != nil {
                return try parse(parsed, field: field)
            }
            let selection = FieldSelection(paths: trimmed.split(separator: ",").map(String.init))
            return selection.paths.isEmpty ? nil : selection
        case .array(let items)?:
            var paths: [String] = []
            for (index, item) in items.enumerated() {
                guard let path = item.stringValue else {
                    throw Self.refusal(field: "\(field)[\(index)]", value: item, expected: "a field path such as name or custom.Seats")
                }
                paths.append(path)
            }
            let selection = FieldSelection(paths: paths)
            return selection.paths.isEmpty ? nil : selection
        case let other?:
            throw Self.refusal(field: field, value: other, expected: "field paths as a comma string (\"name,arr\") or an array of strings")
        }
    }

    static func refusal(field: String, value: JSONValue, expected: String) -> PlanhatError {
        let issue = FieldIssue(path: field, value: value.preview(), expected: expected)
        return PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
    }

    /// The top-level fields the paths start with (`lastTouchByType` for `lastTouchByType.email`).
    public var topLevel: [String] {
        var names: [String] = []
        for path in paths {
            let head = String(path.split(separator: ".", maxSplits: 1).first ?? Substring(path))
            if !names.contains(head) { names.append(head) }
        }
        return names
    }

    /// The record with only the selected paths (and `_id`); a path the record lacks is left out.
    public func project(_ record: JSONValue) -> JSONValue {
        guard let members = record.objectValue else { return record }
        var kept: [String: JSONValue] = [:]
        if let id = members["_id"] { kept["_id"] = id }
        for path in paths {
            if let value = members[path] {  // a field whose name holds a dot (custom fields may)
                kept[path] = value
                continue
            }
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let head = members[parts[0]], head.objectValue != nil,
                let inner = FieldSelection(paths: [parts[1]]).project(head).objectValue?.filter({ $0.key != "_id" || parts[1] == "_id" }),
                !inner.isEmpty
            else { continue }
            kept[parts[0]] = .object((kept[parts[0]]?.objectValue ?? [:]).merging(inner) { _, new in new })
        }
        return .object(kept)
    }
}

/// One condition of a hosted-style filter: `{"custom.ARR – SF[more than]": "25000"}`.
public struct RecordCondition: Sendable, Hashable {
    /// The operators of Planhat's hosted MCP server's `FILTER`.
    public enum Operator: String, Sendable, CaseIterable {
        case equalTo = "equal to", moreThan = "more than", lessThan = "less than", contains = "contains"
        case hasValue = "has value", hasNoValue = "has no value"
    }

    /// The field path (may hold spaces, dashes, emoji; `custom.` for custom fields).
    public var path: String
    public var op: Operator
    public var value: JSONValue

    public init(path: String, op: Operator, value: JSONValue) {
        self.path = path
        self.op = op
        self.value = value
    }

    /// `field[op]` → (field, op); a key without brackets is `equal to`.
    static func split(_ key: String) -> (String, String?) {
        guard key.hasSuffix("]"), let open = key.range(of: "[", options: .backwards) else { return (key, nil) }
        return (String(key[..<open.lowerBound]), String(key[open.upperBound..<key.index(before: key.endIndex)]).trimmingCharacters(in: .whitespaces))
    }

    /// The conditions of a `FILTER` object (or a JSON string of one).
    ///
    /// - Throws: ``PlanhatError`` 400 naming each key with an unknown operator or an empty field.
    public static func parse(_ value: JSONValue?, field: String = "FILTER") throws -> [RecordCondition] {
        switch value {
        case nil, .null?:
            return []
        case .string(let text)?:
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
            guard let parsed = try? JSONValue.parse(text), parsed.objectValue != nil else {
                throw FieldSelection.refusal(field: field, value: .string(text), expected: "an object of {\"field[operator]\": value}")
            }
            return try parse(parsed, field: field)
        case .object(let members)?:
            var conditions: [RecordCondition] = []
            var issues: [FieldIssue] = []
            let operators = Operator.allCases.map { "[\($0.rawValue)]" }.joined(separator: ", ")
            for key in members.keys.sorted() {
                let (path, name) = split(key)
                let op = name.map { Operator(rawValue: $0.lowercased()) } ?? .equalTo
                guard let op, !path.isEmpty else {
                    issues.append(FieldIssue(path: "\(field).\(key)", value: nil, expected: "field[operator] with one of \(operators)", problem: path.isEmpty ? "no field named" : "unknown operator"))
                    continue
                }
                conditions.append(RecordCondition(path: path, op: op, value: members[key] ?? .null))
            }
            guard issues.isEmpty else {
                throw PlanhatError(status: 400, message: issues.map(\.description).joined(separator: "; "), fieldIssues: issues)
            }
            return conditions
        case let other?:
            throw FieldSelection.refusal(field: field, value: other, expected: "an object of {\"field[operator]\": value}")
        }
    }

    /// The record's value at the path (`custom.Seats`, `lastTouchByType.email`), or nil.
    static func value(at path: String, in record: JSONValue) -> JSONValue? {
        if let direct = record[path] { return direct }
        var current: JSONValue? = record
        var rest = Substring(path)
        while let object = current?.objectValue, !rest.isEmpty {
            // The longest key that the rest of the path starts with: custom field names may hold dots.
            guard let key = object.keys.filter({ rest == $0 || rest.hasPrefix($0 + ".") }).max(by: { $0.count < $1.count }) else { return nil }
            current = object[key]
            rest = rest.dropFirst(key.count)
            if rest.hasPrefix(".") { rest = rest.dropFirst() }
        }
        return rest.isEmpty ? current : nil
    }

    /// Whether a record meets the condition.
    public func matches(_ record: JSONValue) -> Bool {
        let found = Self.value(at: path, in: record)
        let present = found.map { value -> Bool in
            if value.isNull { return false }
            if let text = value.stringValue { return !text.isEmpty }
            if let items = value.arrayValue { return !items.isEmpty }
            return true
        } ?? false
        switch op {
        case .hasValue: return present
        case .hasNoValue: return !present
        default: break
        }
        guard let found, !found.isNull else { return false }
        let candidates = found.arrayValue ?? [found]
        return candidates.contains { compare($0) }
    }

    private func compare(_ actual: JSONValue) -> Bool {
        let wanted = value.stringValue ?? value.compactText()
        let have = actual.stringValue ?? actual.compactText()
        switch op {
        case .contains:
            return have.range(of: wanted, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        case .equalTo:
            if let a = Self.number(actual), let b = Self.number(value) { return a == b }
            if let a = Self.instant(have), let b = Self.instant(wanted) {
                // A day matches every instant of that day (UTC); an instant matches the same second.
                return Self.isDay(wanted) ? Self.dayText(a) == Self.dayText(b) : abs(a.timeIntervalSince(b)) < 1
            }
            return have.caseInsensitiveCompare(wanted) == .orderedSame
        case .moreThan, .lessThan:
            let ordered: ComparisonResult
            if let a = Self.number(actual), let b = Self.number(value) {
                ordered = a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
            } else if let a = Self.instant(have), let b = Self.instant(wanted) {
                ordered = a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
            } else {
                ordered = have.compare(wanted)
            }
            return op == .moreThan ? ordered == .orderedDescending : ordered == .orderedAscending
        case .hasValue, .hasNoValue:
            return true
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        if let number = value.doubleValue, value.stringValue == nil { return number }
        guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
            text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" })
        else { return nil }
        return Double(text)
    }

    static func isDay(_ text: String) -> Bool {
        text.count == 10 && CivilDate(iso: text) != nil
    }

    static func dayText(_ date: Date) -> String {
        String(date.formatted(Date.ISO8601FormatStyle()).prefix(10))
    }

    /// `2024-05-01`, `2024-05-01T10:00:00Z` and `2024-05-01T10:00:00.000Z` as instants (a day at 00:00 UTC).
    static func instant(_ text: String) -> Date? {
        guard text.count >= 10, text.first?.isNumber == true, text.dropFirst(4).first == "-" else { return nil }
        if isDay(text) { return try? Date(text + "T00:00:00Z", strategy: Date.ISO8601FormatStyle()) }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}

/// A list as Planhat's hosted tools ask for it: conditions, selection, sort and a page.
public struct RecordQuery: Sendable {
    /// Records a list answers when no limit is given: enough to look, few enough to read.
    public static let defaultLimit = 25
    /// The most records a list reads from the server to apply conditions it cannot send.
    public static let scanLimit = 10_000

    public var conditions: [RecordCondition]
    public var selection: FieldSelection?
    public var sort: String?
    public var limit: Int
    public var offset: Int
    /// Other list parameters, sent as they are (`companyId`, …; the classic tool's filters).
    public var parameters: [String: JSONValue]

    public init(conditions: [RecordCondition] = [], selection: FieldSelection? = nil, sort: String? = nil,
                limit: Int = RecordQuery.defaultLimit, offset: Int = 0, parameters: [String: JSONValue] = [:]) {
        self.conditions = conditions
        self.selection = selection
        self.sort = sort
        self.limit = limit
        self.offset = offset
        self.parameters = parameters
    }
}

/// Where a page of a list stands: what a face must say so no cut is silent.
public struct PageInfo: Sendable, Hashable {
    public var offset: Int
    public var limit: Int
    public var returned: Int
    /// Whether more records follow; nil when it cannot be known.
    public var more: Bool?
    /// The offset to call again with, when more follow (or may).
    public var nextOffset: Int?

    public init(offset: Int, limit: Int, returned: Int, more: Bool?, nextOffset: Int?) {
        self.offset = offset
        self.limit = limit
        self.returned = returned
        self.more = more
        self.nextOffset = nextOffset
    }

    /// `{offset, limit, returned, more, nextOffset}`: `more` left out when it cannot be known,
    /// `nextOffset` when nothing follows (one type per field, as output schemas declare them).
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["offset": .integer(offset), "limit": .integer(limit), "returned": .integer(returned)]
        if let more { members["more"] = .bool(more) }
        if let nextOffset { members["nextOffset"] = .integer(nextOffset) }
        return .object(members)
    }
}

/// One page of ``PlanhatService/listRecords(model:query:)``.
public struct RecordPage: Sendable {
    public var records: [JSONValue]
    /// The offset each record is at (what to continue from when a face shows fewer).
    public var positions: [Int]
    public var page: PageInfo
    public var notices: [Notice]
    /// The conditions applied here because Planhat's REST API cannot take them.
    public var appliedLocally: [String]
    /// How many records were read from the server to answer.
    public var scanned: Int
}

extension PlanhatService {
    /// Whether Planhat's REST API takes a condition as a list filter (an equality filter the
    /// catalog documents on the model); the rest are applied to the records read.
    public func restFilter(for condition: RecordCondition, on model: ModelDefinition) -> FilterDefinition? {
        guard condition.op == .equalTo, condition.value.objectValue == nil, condition.value.arrayValue == nil else { return nil }
        return model.filters.first { $0.match == nil && $0.field != nil && ($0.name == condition.path || $0.field == condition.path) }
    }

    /// A page of records that meet every condition: conditions REST takes are sent, the others
    /// applied to the records read (up to ``RecordQuery/scanLimit``); `more` is known by asking one
    /// record past the page. Read-only mode and the allow-list apply as for every list.
    ///
    /// - Throws: ``PlanhatError`` as ``prepare(model:operation:parameters:unknownFields:)`` and the backend do.
    public func listRecords(model: ModelDefinition, query: RecordQuery) async throws -> RecordPage {
        var sent = query.parameters
        var local: [RecordCondition] = []
        for condition in query.conditions {
            if let filter = restFilter(for: condition, on: model), sent[filter.name] == nil {
                sent[filter.name] = .string(condition.value.stringValue ?? condition.value.compactText())
            } else {
                local.append(condition)
            }
        }
        if let sort = query.sort, !sort.isEmpty { sent["sort"] = .string(sort) }
        if let selection = query.selection {
            // Local conditions need their fields; they are cut away again by the projection.
            let needed = selection.topLevel + local.map { String($0.path.split(separator: ".").first ?? "") }
            sent["select"] = .string(FieldSelection(paths: needed).paths.joined(separator: ","))
        }
        let maximum = model.listLimit.max
        var page: RecordPage
        if local.isEmpty {
            var parameters = sent
            parameters["limit"] = .integer(query.limit)
            parameters["offset"] = .integer(query.offset)
            var request = try prepare(model: model, operation: .list, parameters: .object(parameters))
            // One record past the page says whether more follow.
            let probing = query.limit < maximum
            if probing, let index = request.query.firstIndex(where: { $0.name == "limit" }) {
                request.query[index] = QueryItem(name: "limit", value: String(query.limit + 1))
            }
            let raw = try await perform(request).arrayValue ?? []
            let inPage = Array(raw.prefix(query.limit))
            let outcome = try await check(request, answer: .array(inPage))
            let kept = outcome.value.arrayValue ?? []
            let more: Bool? = probing ? raw.count > query.limit : (inPage.count < query.limit ? false : nil)
            page = RecordPage(
                records: kept, positions: Self.positions(of: kept, in: inPage, from: query.offset),
                page: PageInfo(offset: query.offset, limit: query.limit, returned: kept.count, more: more,
                               nextOffset: more == false ? nil : query.offset + inPage.count),
                notices: outcome.notices, appliedLocally: [], scanned: raw.count)
        } else {
            let batch = min(maximum, 1000)
            var matches: [JSONValue] = []
            var notices: [Notice] = []
            var serverOffset = 0
            var exhausted = false
            let wanted = query.offset + query.limit + 1
            while matches.count < wanted, serverOffset < RecordQuery.scanLimit {
                var parameters = sent
                parameters["limit"] = .integer(batch)
                parameters["offset"] = .integer(serverOffset)
                let listed = try await listPage(model: model, parameters: .object(parameters))
                if notices.isEmpty { notices = listed.notices }
                matches += listed.records.filter { record in local.allSatisfy { $0.matches(record) } }
                serverOffset += listed.received
                if listed.received < batch { exhausted = true; break }
            }
            let records = Array(matches.dropFirst(query.offset).prefix(query.limit))
            let more: Bool? = matches.count >= wanted ? true : (exhausted ? false : nil)
            if more == nil {
                notices.append(Notice(.filterIgnored, "read the first \(English.count(serverOffset, "record")) to apply conditions Planhat's API cannot take; more may match beyond them: narrow the filter with a condition the API takes (such as companyId)"))
            }
            page = RecordPage(
                records: records, positions: records.indices.map { query.offset + $0 },
                page: PageInfo(offset: query.offset, limit: query.limit, returned: records.count, more: more,
                               nextOffset: more == false ? nil : query.offset + records.count),
                notices: notices, appliedLocally: local.map { "\($0.path)[\($0.op.rawValue)]" }, scanned: serverOffset)
        }
        if let selection = query.selection { page.records = page.records.map(selection.project) }
        return page
    }

    /// The offset of each kept record among the records answered (the kept ones are in order).
    static func positions(of kept: [JSONValue], in answered: [JSONValue], from offset: Int) -> [Int] {
        var positions: [Int] = []
        var index = 0
        for record in kept {
            while index < answered.count, answered[index] != record { index += 1 }
            positions.append(offset + min(index, answered.count))
            index += 1
        }
        return positions
    }
}
