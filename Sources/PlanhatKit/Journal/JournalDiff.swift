import Foundation

/// One field's value before and after a write (nil: the record had no such field).
public struct FieldChange: Sendable, Hashable {
    public var field: String
    public var before: JSONValue?
    public var after: JSONValue?

    public init(field: String, before: JSONValue?, after: JSONValue?) {
        self.field = field
        self.before = before
        self.after = after
    }

    /// `name: "Acme" → "Acme Ltd"`; a missing value shows as `(none)`.
    public var line: String {
        "\(field): \(FieldChange.text(before)) → \(FieldChange.text(after))"
    }

    /// A value as the diff shows it.
    public static func text(_ value: JSONValue?) -> String {
        guard let value, !value.isNull else { return "(none)" }
        return value.compactText()
    }
}

/// Field differences between records, as the history and undo show them.
public enum JournalDiff {
    /// Whether two values of a field are the same (a missing field and `null` are).
    public static func same(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        (left ?? .null) == (right ?? .null)
    }

    /// The top-level fields that differ between `before` and `after`, by name.
    public static func changes(before: JSONValue?, after: JSONValue?) -> [FieldChange] {
        let old = before?.objectValue ?? [:], new = after?.objectValue ?? [:]
        return Set(old.keys).union(new.keys).sorted().compactMap { field in
            same(old[field], new[field]) ? nil : FieldChange(field: field, before: old[field], after: new[field])
        }
    }

    /// What an entry changed, field by field: an update's or delete's record before against its
    /// answer (a delete: against nothing), a create's answer against nothing; a bulk upsert's per
    /// record (`_id` first) against what its item set.
    public static func changes(of entry: JournalEntry) -> [(record: String, changes: [FieldChange])] {
        switch entry.operation {
        case .create:
            return [(entry.after?["_id"]?.stringValue ?? "new", changes(before: nil, after: entry.after ?? entry.body))]
        case .delete:
            return [(entry.recordID ?? "-", changes(before: entry.before, after: nil))]
        case .update:
            let after = entry.after ?? entry.before.map { merged($0, entry.body) }
            return [(entry.recordID ?? "-", changes(before: entry.before, after: after ?? entry.body))]
        case .bulkUpsert:
            let befores = entry.before?.arrayValue ?? []
            return (entry.body?.arrayValue ?? []).enumerated().map { index, item in
                let id = item["_id"]?.stringValue
                let before = befores.first { record in
                    record["_id"]?.stringValue == id || ["externalId", "sourceId"].contains { key in
                        item[key].map { !$0.isNull && record[key] == $0 } ?? false
                    }
                }
                let label = before?["_id"]?.stringValue ?? id ?? "item \(index)"
                let touched = (item.objectValue ?? [:]).keys.filter { $0 != "_id" }.sorted()
                return (label, touched.compactMap { field in
                    same(before?[field], item[field]) ? nil : FieldChange(field: field, before: before?[field], after: item[field])
                })
            }
        case .list, .view:
            return []
        }
    }

    /// `record` with `body`'s fields set on it.
    static func merged(_ record: JSONValue, _ body: JSONValue?) -> JSONValue {
        var object = record.objectValue ?? [:]
        for (key, value) in body?.objectValue ?? [:] { object[key] = value }
        return .object(object)
    }
}
