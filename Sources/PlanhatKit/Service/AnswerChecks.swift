import Foundation

/// Checks a list's records against the filters asked for: Planhat may ignore a filter it does not
/// support on a route and answer with every record, so a record that carries a filtered field with
/// another value is left out, and the answer says the filter was ignored. A filter must never
/// silently return the wrong records.
public enum ListFilterCheck {
    /// The records that match the request's filters, and a notice for each filter a record broke.
    public static func check(_ answer: JSONValue, request: PlanhatRequest) -> (records: JSONValue, notices: [Notice]) {
        guard request.operation == .list, let records = answer.arrayValue else { return (answer, []) }
        let filters = checkedFilters(of: request)
        guard !filters.isEmpty else { return (answer, []) }
        var broken: [String: Int] = [:]
        let kept = records.filter { record in keeps(filters, broken: &broken) { record[$0] } }
        return (.array(kept), notices(broken, request: request, of: records.count))
    }

    /// The same check on records kept as bytes: only the filtered fields of each record are read.
    public static func check(_ records: RawRecords, request: PlanhatRequest) -> (records: RawRecords, notices: [Notice]) {
        let filters = checkedFilters(of: request)
        guard request.operation == .list, !filters.isEmpty else { return (records, []) }
        let fields = Set(filters.map { $0.field })
        var broken: [String: Int] = [:]
        let kept = (0..<records.count).filter { index in
            let members = records.members(index, named: fields)
            return keeps(filters, broken: &broken) { members[$0] }
        }
        let result = kept.count == records.count ? records : records.keeping(kept)
        return (result, notices(broken, request: request, of: records.count))
    }

    /// An equality filter of the request, the record field it compares and the values it takes.
    private typealias CheckedFilter = (filter: FilterDefinition, field: String, wanted: Set<String>)

    private static func checkedFilters(of request: PlanhatRequest) -> [CheckedFilter] {
        request.model.filters.compactMap { filter -> CheckedFilter? in
            // Equality filters only: a day range (`from`/`to` on metrics) is not checked here.
            guard filter.match == nil, let field = filter.field, let value = request.queryValue(filter.name) else { return nil }
            let wanted = filter.name == "companyId" ? Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) : [value]
            return (filter, field, wanted)
        }
    }

    /// Whether a record (its fields read through `field`) matches every filter; counts the broken ones.
    private static func keeps(_ filters: [CheckedFilter], broken: inout [String: Int], field: (String) -> JSONValue?) -> Bool {
        var keep = true
        for (filter, name, wanted) in filters {
            // A record without the field (a select that left it out) cannot be checked: it stays.
            guard let value = field(name), !value.isNull else { continue }
            let values = (value.arrayValue ?? [value]).map(text)
            if !values.contains(where: wanted.contains) {
                broken[filter.name, default: 0] += 1
                keep = false
            }
        }
        return keep
    }

    private static func notices(_ broken: [String: Int], request: PlanhatRequest, of total: Int) -> [Notice] {
        broken.keys.sorted().map { name in
            notice(filter: "\(name)=\(request.queryValue(name) ?? "")", leftOut: broken[name] ?? 0, of: total)
        }
    }

    /// `the server ignored the filter companyId=…: 2 records of 3 did not match and were left out`.
    public static func notice(filter: String, leftOut: Int, of total: Int) -> Notice {
        Notice(.filterIgnored, "the server ignored the filter \(filter): \(English.count(leftOut, "record")) of \(English.number(total)) did not match and were left out")
    }

    private static func text(_ value: JSONValue) -> String {
        value.stringValue ?? value.compactText()
    }
}

/// What a write stored, compared with what was sent: Planhat drops fields it does not store and
/// still answers 200, so the answer (the record, for create and update) is checked field by field.
public struct WriteVerification: Sendable, Hashable {
    /// A field stored with another value than the one sent.
    public struct Change: Sendable, Hashable {
        public var field: String
        public var sent: JSONValue
        public var stored: JSONValue
    }

    /// Fields sent and stored as sent.
    public var stored: [String] = []
    /// Fields sent that the answer does not hold.
    public var dropped: [String] = []
    public var changed: [Change] = []

    /// Whether everything sent was stored as sent.
    public var isClean: Bool { dropped.isEmpty && changed.isEmpty }

    /// `{stored: […], dropped: […], changed: [{field, sent, stored}]}`, as the MCP result carries it.
    public var jsonValue: JSONValue {
        [
            "stored": .array(stored.map { .string($0) }), "dropped": .array(dropped.map { .string($0) }),
            "changed": .array(changed.map { ["field": .string($0.field), "sent": $0.sent, "stored": $0.stored] }),
        ]
    }

    /// `Planhat did not store: dueDate; stored phase as "Renewal" (sent "renewal")`, or nil when clean.
    public var warning: String? {
        guard !isClean else { return nil }
        var parts: [String] = []
        if !dropped.isEmpty { parts.append("Planhat did not store: " + dropped.joined(separator: ", ")) }
        for change in changed { parts.append("stored \(change.field) as \(change.stored.compactText()) (sent \(change.sent.compactText()))") }
        return parts.joined(separator: "; ")
    }

    /// Compares the body of a create or an update with the record answered.
    public static func compare(sent body: JSONValue?, answer: JSONValue, model: ModelDefinition) -> WriteVerification? {
        guard let sent = body?.objectValue, let record = answer.objectValue else { return nil }
        var verification = WriteVerification()
        for name in sent.keys.sorted() {
            guard let value = sent[name] else { continue }
            if name == "custom", let custom = value.objectValue {
                let storedCustom = record["custom"]?.objectValue ?? [:]
                for key in custom.keys.sorted() {
                    verification.check("custom.\(key)", sent: custom[key] ?? .null, stored: storedCustom[key], field: nil)
                }
                continue
            }
            verification.check(name, sent: value, stored: record[name], field: model.field(named: name))
        }
        return verification
    }

    private mutating func check(_ name: String, sent: JSONValue, stored: JSONValue?, field: FieldDefinition?) {
        if sent.isNull {
            // A clear: stored when the answer no longer holds a value.
            if stored == nil || stored?.isNull == true { self.stored.append(name) } else { changed.append(Change(field: name, sent: sent, stored: stored ?? .null)) }
            return
        }
        guard let stored, !stored.isNull else {
            dropped.append(name)
            return
        }
        if Self.same(sent, stored, field: field) { self.stored.append(name) } else { changed.append(Change(field: name, sent: sent, stored: stored)) }
    }

    /// `2019-12-11T09:09:08.000Z` and `2019-12-11T09:09:08Z` (or `+00:00`): the same second in UTC.
    static func sameInstant(_ a: String, _ b: String) -> Bool {
        func utcSecond(_ text: String) -> Substring? {
            guard text.count >= 19, text.hasSuffix("Z") || text.hasSuffix("+00:00") else { return nil }
            return text.prefix(19)
        }
        guard let first = utcSecond(a), let second = utcSecond(b) else { return false }
        return first == second
    }

    /// Equal as Planhat stores them: numbers by value, a date as its day's timestamp, a keyed
    /// reference (`extid-…`) as the `_id` it resolved to.
    static func same(_ sent: JSONValue, _ stored: JSONValue, field: FieldDefinition?) -> Bool {
        if sent == stored { return true }
        if let a = sent.doubleValue, let b = stored.doubleValue { return a == b }
        if let text = sent.stringValue, let storedText = stored.stringValue {
            if let format = field?.format, ["date", "date-time", "iso-date", "iso-date-time"].contains(format),
                storedText.hasPrefix(text) || text.hasPrefix(storedText) || sameInstant(text, storedText) {
                return true
            }
            if field?.format == "planhat-id" || field?.references != nil, text.hasPrefix("extid-") || text.hasPrefix("srcid-") { return true }
        }
        if let items = sent.arrayValue, let storedItems = stored.arrayValue, items.count == storedItems.count {
            return zip(items, storedItems).allSatisfy { same($0, $1, field: nil) || ($0.stringValue.map { $0.hasPrefix("extid-") || $0.hasPrefix("srcid-") } ?? false) }
        }
        return false
    }
}

/// One checked page of a list (``PlanhatService/listPage(model:parameters:)``).
public struct ListPage: Sendable {
    /// The records that match the filters.
    public var records: [JSONValue]
    /// How many records the server answered: the next offset moves by this, and a page with fewer
    /// than its limit is the last.
    public var received: Int
    public var notices: [Notice]

    public init(records: [JSONValue], received: Int, notices: [Notice]) {
        self.records = records
        self.received = received
        self.notices = notices
    }

    /// How many records the filter check left out.
    public var leftOut: Int { received - records.count }
}

/// One checked page of a list with its records kept as bytes
/// (``PlanhatService/rawListPage(model:parameters:)``), for an export that passes them through.
public struct RawListPage: Sendable {
    /// The records that match the filters.
    public var records: RawRecords
    /// How many records the server answered.
    public var received: Int
    public var notices: [Notice]

    public init(records: RawRecords, received: Int, notices: [Notice]) {
        self.records = records
        self.received = received
        self.notices = notices
    }

    /// How many records the filter check left out.
    public var leftOut: Int { received - records.count }
}

/// What an export says at its end about the pages it read (without keeping them): the first
/// notices a page had, and the total left out when later pages left out more.
public struct PageTally: Sendable {
    private var first: (notices: [Notice], leftOut: Int)?
    private var leftOut = 0
    private var received = 0

    public init() {}

    public mutating func add(_ page: ListPage) {
        add(notices: page.notices, leftOut: page.leftOut, received: page.received)
    }

    public mutating func add(_ page: RawListPage) {
        add(notices: page.notices, leftOut: page.leftOut, received: page.received)
    }

    private mutating func add(notices: [Notice], leftOut: Int, received: Int) {
        if first == nil, !notices.isEmpty { first = (notices, leftOut) }
        self.leftOut += leftOut
        self.received += received
    }

    public var notices: [Notice] {
        guard let first else { return [] }
        guard leftOut > first.leftOut else { return first.notices }
        return first.notices + [Notice(.filterIgnored, "in all, \(English.count(leftOut, "record")) of \(English.number(received)) did not match the filters and were left out")]
    }
}

/// An answer and what a face must say about it.
public struct Outcome: Sendable {
    /// The API's answer (a list's records that match its filters).
    public var value: JSONValue
    /// What the user should hear: an ignored filter, fields not stored, fields sent anyway.
    public var notices: [Notice] = []
    /// For create and update: what was stored, dropped or changed.
    public var verification: WriteVerification?
    /// For a list: how many records the server answered, before the filter check.
    public var received: Int?

    public init(value: JSONValue, notices: [Notice] = [], verification: WriteVerification? = nil) {
        self.value = value
        self.notices = notices
        self.verification = verification
    }
}
