import Foundation
import PlanhatKit
import TerminalUI

/// One record as coloured JSON.
public struct RecordPage: Hashable, Sendable {
    /// What the JSON shown is: a record as stored, or something that only looks like one.
    public enum Kind: Hashable, Sendable {
        /// A record as Planhat stores it (viewed, listed, created or updated): it can be updated or deleted.
        case stored
        /// The answer to a delete: the record is gone.
        case deleted
        /// The summary of a bulk upsert: counts and keys, not a record.
        case bulkSummary
    }

    public var model: ModelDefinition
    public var record: JSONValue
    public var kind: Kind
    /// Said above the record when it is an operation's result ("Created company Acme").
    public var heading: String?
    /// Said under the heading: what the write did not store as sent.
    public var warnings: [String] = []
    public var lines: [[JSONLines.Span]]
    public var offset = 0
    public var search: FilterState?
    public var match = 0
    /// The names of the records its references point to, said beside their ids.
    public var names = ReferenceNames()
    var namesVersion = -1
    /// Whether references show only their ids (`i`).
    public var showIDs = false
    /// The line of the reference focused with Tab (Enter opens its record).
    public var referenceFocus: Int?

    public init(model: ModelDefinition, record: JSONValue, heading: String? = nil, kind: Kind = .stored) {
        self.model = model
        self.record = record
        self.kind = kind
        self.heading = heading
        lines = JSONLines.render(record: record, of: model)
    }

    /// Says what the answer's checks found (the core puts what went wrong first), one line each above the record.
    public mutating func warn(_ notices: [Notice]) {
        warnings = notices.map(\.message)
        render()
    }

    /// Takes the names known now: each reference shows its record's name beside the id.
    public mutating func show(names: ReferenceNames) {
        self.names = names
        render()
    }

    mutating func render() {
        let body = JSONLines.render(record: record, of: model, names: showIDs ? ReferenceNames() : names)
        lines = warnings.isEmpty ? body : warnings.map { [JSONLines.Span(text: "⚠ " + $0, slot: .warning)] } + [[]] + body
    }

    /// The lines containing the search text (case-insensitive).
    public var matches: [Int] {
        guard let query = search?.query.lowercased(), !query.isEmpty else { return [] }
        return lines.indices.filter { lines[$0].map(\.text).joined().lowercased().contains(query) }
    }
}

extension ExplorerUpdate {
    // MARK: - Record

    static func handleRecord(_ key: Key, _ page: inout RecordPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let visible = state.listRows
        if var search = page.search, search.editing {
            switch key {
            case .escape: page.search = nil
            case .enter:
                search.editing = false
                page.search = search
                jump(&page, to: 0, visible: visible)
            default:
                _ = search.field.handle(key)
                page.search = search
                jump(&page, to: 0, visible: visible)
            }
            return []
        }
        switch key {
        case Keys.Record.endSearch where page.search != nil:
            page.search = nil
        case Keys.back:
            let effects = back(&state)
            if case .results(let below) = state.page, below.stale, below.view == nil {
                return effects + refreshResults(below, &state, context: context)
            }
            return effects
        case Keys.Record.ids:
            page.showIDs.toggle()
            page.render()
            setStatus(&state, page.showIDs ? "references show only their ids (i: names)" : "references show their names (i: ids only)")
        case Keys.Record.search:
            page.search = FilterState()
        case Keys.Record.next:
            jump(&page, to: page.match + 1, visible: visible)
        case Keys.Record.previous:
            jump(&page, to: page.match - 1, visible: visible)
        case Keys.copy:
            setStatus(&state, "copied the record's JSON to the clipboard (OSC 52)")
            return [.copy(page.record.prettyText())]
        case Keys.Record.update where page.kind != .stored, Keys.Record.delete where page.kind != .stored:
            let verb = Keys.Record.update.matches(key) ? "update" : "delete"
            let name = page.model.name.lowercased()
            setStatus(&state, page.kind == .deleted
                ? "this \(name) was deleted: there is nothing left to \(verb)"
                : "this is the summary of a bulk upsert, not a record: open a \(name) from the list to \(verb) it", error: true)
            return []
        case Keys.Record.update:
            guard context.service.operations(of: page.model).contains(.update), page.record["_id"] != nil else {
                setStatus(&state, "update is not offered for \(page.model.route)\(context.service.readOnly ? " (read-only)" : "")", error: true)
                return []
            }
            replaceTop(&state, .record(page))
            return openForm(FormPage(model: context.service.current(page.model), operation: .update, record: page.record), &state, context: context)
        case Keys.Record.delete:
            guard context.service.operations(of: page.model).contains(.delete), let id = page.record["_id"]?.stringValue else {
                setStatus(&state, "delete is not offered for \(page.model.route)\(context.service.readOnly ? " (read-only)" : "")", error: true)
                return []
            }
            state.overlay = .confirmDelete(DeleteConfirmation(model: page.model, record: page.record, id: id, draftKey: nil))
            return []
        case Keys.Record.related where page.kind == .stored:
            return openRelated(page, &state, context: context)
        case Keys.Record.nextReference where page.kind == .stored, Keys.Record.previousReference where page.kind == .stored:
            focusReference(&page, forward: key == .tab, visible: visible, &state)
        case Keys.Record.openReference where page.kind == .stored:
            return openFocusedReference(page, &state, context: context)
        case Keys.Record.web:
            return openInWebApp(page, &state, context: context)
        case Keys.recordHistory where page.kind == .stored:
            replaceTop(&state, .record(page))
            return openHistory(recordID: page.record["_id"]?.stringValue, &state, context: context)
        case Keys.refresh:
            guard let id = page.record["_id"]?.stringValue, page.model.supports(.view) else { return [] }
            return request(&state, label: "refresh \(id)", purpose: .replaceRecord, model: page.model, operation: .view, parameters: ["id": .string(id)], context: context)
        default:
            page.offset = scroll(page.offset, key: key, count: page.lines.count, visible: visible)
        }
        return []
    }

    static func jump(_ page: inout RecordPage, to index: Int, visible: Int) {
        let matches = page.matches
        guard !matches.isEmpty else { return }
        page.match = (index % matches.count + matches.count) % matches.count
        let line = matches[page.match]
        if line < page.offset || line >= page.offset + visible { page.offset = max(0, line - visible / 3) }
    }

    /// Scrolls a text by the pager's keys (Space pages down too); other keys leave it where it is.
    static func scroll(_ offset: Int, key: Key, count: Int, visible: Int, keys: ListKeys = .pager) -> Int {
        var cursor = ListCursor(selected: offset, offset: 0)
        let maxOffset = max(0, count - visible)
        switch key {
        case keys.up: cursor.selected -= 1
        case keys.down: cursor.selected += 1
        case keys.pageUp: cursor.selected -= visible
        case keys.pageDown: cursor.selected += visible
        case keys.halfUp: cursor.selected -= visible / 2
        case keys.halfDown: cursor.selected += visible / 2
        case keys.first: cursor.selected = 0
        case keys.last: cursor.selected = maxOffset
        default: break
        }
        return max(0, min(cursor.selected, maxOffset))
    }
}
