import Foundation
import PlanhatKit
import TerminalUI

/// The records related to the one shown (`R` or Enter on a record): the lists of other models
/// whose reference fields point at it, and the records its own reference fields name, all read from the
/// catalog (`owner` → users; end users' `companyId` → this company).
public struct RelatedMenu: Hashable, Sendable {
    public enum Entry: Hashable, Sendable {
        /// A record this one references (`owner`): Enter opens it.
        case reference(field: String, route: String, id: String, name: String?)
        /// The records of `route` whose `field` holds this record's id: Enter opens their list,
        /// filtered on the server by the list filter `filter`.
        case list(route: String, field: String, filter: String)
    }

    /// `Company Acme`.
    public var title: String
    public var recordID: String
    /// What a list opened from the menu is scoped to (`Acme`).
    public var recordName: String
    public var entries: [Entry]
    public var cursor = ListCursor()
}

extension ExplorerUpdate {
    // MARK: - Related records

    /// The links of the record: the lists pointing at it first (a company's end users, licenses,
    /// tasks…), then the records its references name. A model's field
    /// that points here but has no list filter on the server is left out (it cannot be listed
    /// for one record without reading every record).
    static func relatedEntries(_ page: RecordPage, context: ExplorerContext) -> [RelatedMenu.Entry] {
        var entries: [RelatedMenu.Entry] = []
        for (model, operations) in context.models where operations.contains(.list) {
            for field in model.fields where (field.references ?? field.items?.references) == page.model.route {
                guard let filter = model.filters.first(where: { $0.field == field.name }) else { continue }
                entries.append(.list(route: model.route, field: field.name, filter: filter.name))
            }
        }
        for field in page.model.fields {
            guard let route = field.references ?? field.items?.references, let target = context.catalog.model(route: route),
                context.service.operations(of: target).contains(.view)
            else { continue }
            let ids: [String]
            switch page.record[field.name] {
            case .string(let id)?: ids = [id]
            case .array(let items)?: ids = items.compactMap(\.stringValue)
            default: ids = []
            }
            for id in ids.prefix(20) where !id.isEmpty {
                let name = page.names.name(id, in: route)?.name
                entries.append(.reference(field: field.name, route: route, id: id, name: name))
            }
        }
        return entries
    }

    /// `R` (or Enter) on a stored record: the menu of its related records.
    static func openRelated(_ page: RecordPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard page.kind == .stored, let id = page.record["_id"]?.stringValue else {
            setStatus(&state, "only a stored record has related records", error: true)
            return []
        }
        let entries = relatedEntries(page, context: context)
        let name = page.record[page.model.titleField].map { CellText.of($0) } ?? id
        guard !entries.isEmpty else {
            setStatus(&state, "the catalog knows no records related to this \(page.model.name.lowercased())")
            return []
        }
        state.overlay = .related(RelatedMenu(title: "\(page.model.name) \(name)", recordID: id, recordName: name, entries: entries))
        return []
    }

    static func handleRelated(_ menu: RelatedMenu, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var menu = menu
        switch key {
        case .escape, .character("q"), .character("R"):
            state.overlay = nil
            return []
        case .enter, .right, .character("l"):
            guard menu.entries.indices.contains(menu.cursor.selected) else { return [] }
            state.overlay = nil
            return openRelatedEntry(menu.entries[menu.cursor.selected], menu: menu, &state, context: context)
        default:
            _ = menu.cursor.handle(key, count: menu.entries.count, visible: Layout.dialogListRows(screenHeight: state.height))
            state.overlay = .related(menu)
            return []
        }
    }

    /// Opens a referenced record, or the list of records that point at this one (Esc comes back).
    static func openRelatedEntry(_ entry: RelatedMenu.Entry, menu: RelatedMenu, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        switch entry {
        case .reference(_, let route, let id, _):
            guard let model = context.catalog.model(route: route) else { return [] }
            return request(&state, label: "view \(route) \(id)", purpose: .openRecord(model), model: model, operation: .view, parameters: ["id": .string(id)], context: context)
        case .list(let route, let field, let filter):
            guard let model = context.catalog.model(route: route) else { return [] }
            var parameters = parametersPage(for: model)
            guard let index = parameters.fields.firstIndex(where: { $0.name == filter }) else { return [] }
            parameters.fields[index].input = TextField(menu.recordID)
            return runList(parameters, &state, context: context, scope: "\(field) = \(menu.recordName)")
        }
    }

    /// `End users · companyId = this`, `→ Owner: Ada Lovelace (users)`: a menu line.
    static func relatedLabel(_ entry: RelatedMenu.Entry, context: ExplorerContext) -> String {
        switch entry {
        case .reference(let field, let route, let id, let name):
            return "→ \(SchemaBuilder.humanize(field)): \(name ?? id)  (\(route))"
        case .list(let route, let field, _):
            let plural = context.catalog.model(route: route)?.plural ?? route
            return "← \(plural)  (\(route) whose \(field) is this record)"
        }
    }
}

/// A reference on a record's screen: the line of a top-level field holding one id, and where it points.
public struct ReferenceLine: Hashable, Sendable {
    public var line: Int
    public var field: String
    public var route: String
    public var id: String
}

extension RecordPage {
    /// The lines of top-level reference fields that hold one id (`"owner": "666b…"  (Ada Lovelace)`),
    /// in screen order: Tab moves between them, Enter opens the one focused.
    public var referenceLines: [ReferenceLine] {
        lines.indices.compactMap { index in
            let spans = lines[index]
            guard spans.count >= 2, spans[0].text == "  ", spans[1].slot == .jsonKey,
                case .string(let key)? = try? JSONValue.parse(spans[1].text),
                let route = ReferenceFields.route(of: key, in: model), let id = record[key]?.stringValue, !id.isEmpty
            else { return nil }
            return ReferenceLine(line: index, field: key, route: route, id: id)
        }
    }
}

extension ExplorerUpdate {
    /// Tab / Shift-Tab on a record: the focus moves to the next (previous) reference line, scrolled into view.
    static func focusReference(_ page: inout RecordPage, forward: Bool, visible: Int, _ state: inout ExplorerState) {
        let references = page.referenceLines
        guard !references.isEmpty else {
            setStatus(&state, "this record has no reference to open (R lists its related records)")
            return
        }
        let current = page.referenceFocus.flatMap { focus in references.firstIndex { $0.line == focus } }
        let next = current.map { (($0 + (forward ? 1 : -1)) % references.count + references.count) % references.count } ?? (forward ? 0 : references.count - 1)
        let line = references[next].line
        page.referenceFocus = line
        if line < page.offset || line >= page.offset + visible { page.offset = max(0, line - visible / 3) }
        setStatus(&state, "\(references[next].field) → \(references[next].route): Enter opens it")
    }

    /// Enter on a record: the focused reference's record, else the menu of related records.
    static func openFocusedReference(_ page: RecordPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if let focus = page.referenceFocus, let reference = page.referenceLines.first(where: { $0.line == focus }) {
            let menu = RelatedMenu(title: page.model.name, recordID: reference.id, recordName: reference.id, entries: [])
            return openRelatedEntry(.reference(field: reference.field, route: reference.route, id: reference.id, name: nil), menu: menu, &state, context: context)
        }
        return openRelated(page, &state, context: context)
    }
}
