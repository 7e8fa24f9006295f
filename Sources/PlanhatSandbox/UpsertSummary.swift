import Foundation
import PlanhatKit

/// Planhat's bulk upsert answer, item by item: counts, the keys of what was created and updated,
/// and the items refused with why.
///
/// As the official example (the timesheet page) shows it: `updatesKeys` lists the records an item
/// changed (an unchanged match counts only among the `nonupdates`), and `validationErrors` is
/// present. Planhat does not document one error's shape: the sandbox's is
/// `{index, message, fields, <the item's keys>}`.
struct UpsertSummary {
    /// The item keys each entry echoes besides `_id` (the catalog's `upsertEchoKeys`).
    let echoKeys: [String]
    private var created = 0
    private var createdErrors: [JSONValue] = []
    private var insertsKeys: [JSONValue] = []
    private var updated = 0
    private var updatedErrors: [JSONValue] = []
    private var updatesKeys: [JSONValue] = []
    private var nonupdates = 0
    private var modified: [String] = []
    private var upsertedIds: [String] = []

    init(echoing keys: [String]) {
        echoKeys = keys
    }

    /// An item created as record `id`.
    mutating func create(id: String, item: [String: JSONValue]) {
        created += 1
        upsertedIds.append(id)
        insertsKeys.append(keys(id: id, item: item))
    }

    /// An item that matched record `id`: updated when it `changed` anything, a nonupdate otherwise.
    mutating func update(id: String, item: [String: JSONValue], changed: Bool) {
        guard changed else {
            nonupdates += 1
            return
        }
        updated += 1
        modified.append(id)
        updatesKeys.append(keys(id: id, item: item))
    }

    /// An item refused for `issues`, when `creating` a record or updating the one it matched.
    mutating func refuse(index: Int, item: [String: JSONValue], issues: [FieldIssue], creating: Bool) {
        var entry = ItemError.entry(index: index, issues: issues)
        for name in ["_id"] + echoKeys {
            if let value = item[name] { entry[name] = value }
        }
        if creating { createdErrors.append(.object(entry)) } else { updatedErrors.append(.object(entry)) }
    }

    /// The answer as Planhat sends it.
    var jsonValue: JSONValue {
        [
            "created": .integer(created), "createdErrors": .array(createdErrors), "insertsKeys": .array(insertsKeys),
            "updated": .integer(updated), "updatedErrors": .array(updatedErrors), "updatesKeys": .array(updatesKeys),
            "nonupdates": .integer(nonupdates), "modified": .array(modified.map { .string($0) }),
            "upsertedIds": .array(upsertedIds.map { .string($0) }), "permissionErrors": [], "validationErrors": [],
        ]
    }

    /// An `insertsKeys`/`updatesKeys` entry: the record's `_id` and the item's keys.
    private func keys(id: String, item: [String: JSONValue]) -> JSONValue {
        var keys: [String: JSONValue] = ["_id": .string(id)]
        for name in echoKeys {
            if let value = item[name] { keys[name] = value }
        }
        return .object(keys)
    }
}

/// The answer to a push (metrics, user activities): `{processed, errors}`, as darrenparkinson/planhat
/// decodes a metrics push (`UpsertMetricsResponse`).
struct PushSummary {
    var processed = 0
    private var errors: [JSONValue] = []

    init(processed: Int = 0) {
        self.processed = processed
    }

    /// An item that was not kept, for `issues`.
    mutating func refuse(index: Int, issues: [FieldIssue]) {
        errors.append(.object(ItemError.entry(index: index, issues: issues)))
    }

    var jsonValue: JSONValue {
        ["processed": .integer(processed), "errors": .array(errors)]
    }
}

/// One refused item as the sandbox reports it (Planhat documents no shape): its index in the
/// request, what was wrong, and the fields at fault.
enum ItemError {
    static func entry(index: Int, issues: [FieldIssue]) -> [String: JSONValue] {
        [
            "index": .integer(index),
            "message": .string(issues.map(\.description).joined(separator: "; ")),
            "fields": .array(issues.map { .string($0.path) }),
        ]
    }
}
