import Foundation
import MCP
import PlanhatKit

/// The MCP resource `planhat://journal/recent` (read-only): the latest writes of every face, from
/// the write journal, so an assistant can say what it changed and what may be undone.
struct JournalResource: Sendable {
    static let uri = "planhat://journal/recent"
    /// How many entries it holds, newest first.
    static let count = 50

    let service: PlanhatService

    var resource: Resource {
        Resource(
            name: "recent-writes", uri: Self.uri, title: "Recent writes (journal)",
            description: "The last \(Self.count) writes made through Planhat Explorer (any face: CLI, MCP, explorer), newest first: "
                + "when, who (face and MCP client), model, operation, record, outcome and the fields changed. Read-only; "
                + "a person undoes an entry with planhat undo ENTRY.",
            mimeType: "application/json")
    }

    /// The resource's text: `{"journal": "on", "entries": [...]}`.
    func text() -> String {
        guard let recorder = service.journal else {
            return JSONValue.object(["journal": "off", "entries": [], "note": "writes are not journaled in this session (journal: off)"]).prettyText()
        }
        do {
            let entries = try recorder.journal.entries(JournalQuery(limit: Self.count)).map(Self.summary)
            return JSONValue.object(["journal": .string(recorder.mode.rawValue), "entries": .array(entries)]).prettyText()
        } catch {
            return JSONValue.object(["journal": .string(recorder.mode.rawValue), "entries": [], "error": .string("the journal cannot be read: \(error)")]).prettyText()
        }
    }

    /// An entry without the whole records: what changed, field by field.
    static func summary(_ entry: JournalEntry) -> JSONValue {
        var object = entry.jsonValue.objectValue ?? [:]
        for key in ["before", "after", "body", "pid"] { object.removeValue(forKey: key) }
        object["record"] = .string(entry.recordLabel)
        object["changes"] = .array(
            JournalDiff.changes(of: entry).flatMap { record, changes in
                changes.map { change in
                    JSONValue.object(["record": .string(record), "field": .string(change.field), "before": change.before ?? .null, "after": change.after ?? .null])
                }
            })
        return .object(object)
    }
}
