import Foundation
import MCP
import PlanhatKit

/// Turns answers into tool results that never waste a token and never hide a cut.
///
/// The text carries the structured content as compact JSON (the spec's compatibility rule) and a
/// second block with one plain line saying where the answer stands. A list over the byte budget is
/// cut at a whole record: `truncated` says where to continue and which fields weigh most. A record
/// that alone is over the budget has its longest texts shortened, and says which.
struct AnswerShaping {
    /// The most bytes of text an answer carries (``MCPServerOptions/maxResultBytes``).
    let budget: Int
    /// The name of the selection argument (`select` or `SELECT`).
    let selectName: String
    /// How the page line says to continue from an offset: `call again with OFFSET 25`.
    let continueAt: @Sendable (Int) -> String
    /// What the line of a cut answer advises: `ask SELECT for fewer fields`.
    let cutAdvice: String

    /// The shaping of a tool's answers: the next call takes `offsetName`, a narrower one `selectName`.
    init(budget: Int, offsetName: String, selectName: String) {
        self.budget = budget
        self.selectName = selectName
        continueAt = { "call again with \(offsetName) \($0)" }
        cutAdvice = "ask \(selectName) for fewer fields"
    }

    /// The shaping of answers that are not tool calls (a resource read): the line's own words.
    init(budget: Int, selectName: String, continueAt: @escaping @Sendable (Int) -> String, cutAdvice: String) {
        self.budget = budget
        self.selectName = selectName
        self.continueAt = continueAt
        self.cutAdvice = cutAdvice
    }

    /// Strings longer than this are shortened when a single record is over the budget.
    static let shortenedLength = 400
    /// Keys of a bulk answer listed in full up to this many; beyond, the first ones and a count.
    static let keySample = 20

    /// A list page as a result.
    func list(_ page: RecordPage, model: ModelDefinition, defaultFields: [String]? = nil) -> CallTool.Result {
        var envelope: [String: JSONValue] = [:]
        if !page.notices.isEmpty { envelope["notices"] = .array(page.notices.map(\.jsonValue)) }
        if !page.appliedLocally.isEmpty {
            envelope["appliedLocally"] = .array(page.appliedLocally.map { .string($0) })
        }
        if let defaultFields { envelope["fields"] = .array(defaultFields.map { .string($0) }) }
        var info = page.page
        // What the envelope costs without records, with room for the page figures and the line.
        let reserve = JSONValue.object(envelope.merging(["page": info.jsonValue, "truncated": Self.truncatedPlaceholder]) { a, _ in a })
            .compactData().count + 400
        let (kept, shortened) = Self.fit(page.records, budget: budget, reserve: reserve)
        let cut = kept.count < page.records.count
        if cut {
            info.returned = kept.count
            info.more = true
            info.nextOffset = page.positions[kept.count]
        }
        envelope["records"] = .array(kept)
        envelope["page"] = info.jsonValue
        var line = Self.pageLine(info, model: model, continueAt: continueAt)
        if cut || !shortened.isEmpty {
            let largest = Self.largestFields(page.records)
            var truncated: [String: JSONValue] = [
                "truncated": true, "continueOffset": info.nextOffset.map(JSONValue.integer) ?? .null,
                "largestFields": .array(largest.map { ["field": .string($0.field), "bytes": .integer($0.bytes)] }),
                "budgetBytes": .integer(budget),
            ]
            if !shortened.isEmpty { truncated["shortenedFields"] = .array(shortened.map { .string($0) }) }
            envelope["truncated"] = .object(truncated)
            let names = largest.prefix(3).map { "\($0.field) (\(Self.kilobytes($0.bytes)))" }.joined(separator: ", ")
            line += cut
                ? "; cut at \(kept.count) of \(page.records.count) to stay under \(budget) bytes (largest fields: \(names)): \(cutAdvice)"
                : ""
            if !shortened.isEmpty {
                line += "; texts shortened to \(Self.shortenedLength) characters to fit: \(shortened.joined(separator: ", ")) (read one with its own \(selectName))"
            }
        }
        if defaultFields != nil { line += "; default fields shown: ask \(selectName) for others (\"*\" for all)" }
        if !page.notices.isEmpty { line += "; " + page.notices.map(\.message).joined(separator: "; ") }
        return Self.result(.object(envelope), line: line)
    }

    /// One record (view, create, update): shortened when over the budget, and saying so.
    func record(_ structured: [String: JSONValue], line: String) -> CallTool.Result {
        var structured = structured
        var line = line
        let size = JSONValue.object(structured).compactData().count
        if size > budget, let record = structured["record"] {
            let overhead = size - record.compactData().count
            let (short, fields) = Self.shorten(record, toFit: budget - overhead - 300)
            structured["record"] = short
            structured["truncated"] = ["truncated": true, "shortenedFields": .array(fields.map { .string($0) }), "budgetBytes": .integer(budget)]
            line += "; texts shortened to \(Self.shortenedLength) characters to stay under \(budget) bytes: \(fields.joined(separator: ", ")) (ask \(selectName) for one to read it whole)"
        }
        return Self.result(.object(structured), line: line)
    }

    /// A bulk upsert's answer: counts and errors in full, every key list cut to its first
    /// ``keySample`` entries with a count beside it.
    static func summarised(_ summary: JSONValue) -> JSONValue {
        guard var members = summary.objectValue else { return summary }
        for (name, value) in members {
            guard let items = value.arrayValue, items.count > keySample, !name.lowercased().contains("error") else { continue }
            members[name] = .array(Array(items.prefix(keySample)))
            members[name + "Count"] = .integer(items.count)
        }
        return .object(members)
    }

    /// `25 companies from offset 0; more: call again with offset 25`.
    static func pageLine(_ info: PageInfo, model: ModelDefinition, continueAt: (Int) -> String) -> String {
        let noun = info.returned == 1 ? model.name : model.plural
        var line = "\(info.returned) \(noun.lowercased()) from offset \(info.offset)"
        switch info.more {
        case true?: line += "; more: " + continueAt(info.nextOffset ?? info.offset + info.returned)
        case false?: line += "; no more"
        case nil: line += "; more may follow: " + continueAt(info.nextOffset ?? info.offset + info.returned)
        }
        return line
    }

    static let truncatedPlaceholder: JSONValue = [
        "truncated": true, "continueOffset": 100_000, "budgetBytes": 100_000,
        "largestFields": [["field": "0123456789abcdef", "bytes": 100_000], ["field": "0123456789abcdef", "bytes": 100_000], ["field": "0123456789abcdef", "bytes": 100_000]],
    ]

    /// The top-level fields by the bytes they take over all records, largest first (three at most).
    static func largestFields(_ records: [JSONValue]) -> [(field: String, bytes: Int)] {
        var sizes: [String: Int] = [:]
        for record in records {
            for (name, value) in record.objectValue ?? [:] { sizes[name, default: 0] += value.compactData().count + name.utf8.count + 4 }
        }
        return sizes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map { ($0.key, $0.value) }
    }

    /// The whole items that fit in `budget` bytes beside `reserve` bytes of envelope, in order; when
    /// not even the first fits, that one shortened (its longest texts), with the fields it shortened.
    static func fit(_ items: [JSONValue], budget: Int, reserve: Int) -> (kept: [JSONValue], shortened: [String]) {
        var kept: [JSONValue] = []
        var used = reserve
        for item in items {
            let size = item.compactData().count + 1
            if used + size > budget {
                guard kept.isEmpty else { break }
                let (short, fields) = shorten(item, toFit: budget - reserve)
                return ([short], fields)
            }
            kept.append(item)
            used += size
        }
        return (kept, [])
    }

    /// The record with its longest strings shortened, longest first, until it fits in `room` bytes.
    static func shorten(_ record: JSONValue, toFit room: Int) -> (JSONValue, [String]) {
        guard var members = record.objectValue else { return (record, []) }
        var fields: [String] = []
        let long = members.compactMap { name, value -> (String, Int)? in
            guard let text = value.stringValue, text.count > shortenedLength else { return nil }
            return (name, text.utf8.count)
        }.sorted { $0.1 > $1.1 }
        for (name, _) in long where JSONValue.object(members).compactData().count > room {
            guard let text = members[name]?.stringValue else { continue }
            members[name] = .string(String(text.prefix(shortenedLength)) + "… [\(text.count - shortenedLength) more characters]")
            fields.append(name)
        }
        return (.object(members), fields)
    }

    static func kilobytes(_ bytes: Int) -> String {
        bytes >= 1024 ? "\(bytes / 1024) KB" : "\(bytes) B"
    }

    /// The structured content, its compact JSON as the first text block and the line as the second.
    static func result(_ structured: JSONValue, line: String) -> CallTool.Result {
        CallTool.Result(
            content: [.text(text: structured.compactText(), annotations: nil, _meta: nil), .text(text: line, annotations: nil, _meta: nil)],
            structuredContent: Optional(MCP.Value(structured)), isError: false)
    }
}
