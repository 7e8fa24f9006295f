import Foundation
import PlanhatKit

/// Planhat's bulk upsert answer: counts, the keys of what was created and updated, and the
/// items refused with why.
struct UpsertSummary {
    var created = 0
    var createdErrors: [JSONValue] = []
    var insertsKeys: [JSONValue] = []
    var updated = 0
    var updatedErrors: [JSONValue] = []
    var updatesKeys: [JSONValue] = []
    var nonupdates = 0
    var modified: [String] = []
    var upsertedIds: [String] = []

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
    static func keys(id: String, matchedOn key: String?, item: [String: JSONValue]) -> JSONValue {
        var keys: [String: JSONValue] = ["_id": .string(id)]
        for name in ["externalId", "extId", "sourceId", "email"] {
            if let value = item[name] { keys[name] = value }
        }
        if let key, key != "_id" { keys["matchedOn"] = .string(key) }
        return .object(keys)
    }

    /// A `createdErrors`/`updatedErrors` entry: the item's index and keys, the issues in words and the fields at fault.
    static func error(index: Int, item: [String: JSONValue], issues: [FieldIssue]) -> JSONValue {
        var entry: [String: JSONValue] = [
            "index": .integer(index),
            "message": .string(issues.map(\.description).joined(separator: "; ")),
            "fields": .array(issues.map { .string($0.path) }),
        ]
        for name in ["_id", "externalId", "extId", "sourceId", "email"] {
            if let value = item[name] { entry[name] = value }
        }
        return .object(entry)
    }
}
