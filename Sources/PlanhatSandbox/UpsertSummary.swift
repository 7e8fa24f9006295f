import Foundation
import PlanhatKit

/// Planhat's bulk upsert answer, item by item: counts, the keys of what was created and updated,
/// and the items refused with why.
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
        insertsKeys.append(keys(id: id, matchedOn: nil, item: item))
    }

    /// An item that matched record `id` on `key`: updated when it `changed` anything, a nonupdate otherwise.
    mutating func update(id: String, matchedOn key: String, item: [String: JSONValue], changed: Bool) {
        if changed {
            updated += 1
            modified.append(id)
        } else {
            nonupdates += 1
        }
        updatesKeys.append(keys(id: id, matchedOn: key, item: item))
    }

    /// An item refused for `issues`, when `creating` a record or updating the one it matched.
    mutating func refuse(index: Int, item: [String: JSONValue], issues: [FieldIssue], creating: Bool) {
        var entry: [String: JSONValue] = [
            "index": .integer(index),
            "message": .string(issues.map(\.description).joined(separator: "; ")),
            "fields": .array(issues.map { .string($0.path) }),
        ]
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
            "upsertedIds": .array(upsertedIds.map { .string($0) }), "permissionErrors": [],
        ]
    }

    /// An `insertsKeys`/`updatesKeys` entry: the record's `_id`, the item's keys, and the key it matched on.
    private func keys(id: String, matchedOn key: String?, item: [String: JSONValue]) -> JSONValue {
        var keys: [String: JSONValue] = ["_id": .string(id)]
        for name in echoKeys {
            if let value = item[name] { keys[name] = value }
        }
        if let key, key != "_id" { keys["matchedOn"] = .string(key) }
        return .object(keys)
    }
}
