import Foundation
import PlanhatKit
import TerminalUI

extension Keys {
    /// The column chooser's keys (its dialog lists them).
    enum Columns {
        static let open = KeyBinding([.character("c")], "c", "choose columns (fields, custom fields, nested paths)", footer: true)
        static let toggle = KeyBinding([.character(" ")], "Space", "show / hide the column")
        static let up = KeyBinding([.character("K")], "K", "move the column left")
        static let down = KeyBinding([.character("J")], "J", "move the column right")
        static let wider = KeyBinding([.character("+")], "+", "wider")
        static let narrower = KeyBinding([.character("-")], "-", "narrower (0: fit)")
        static let pin = KeyBinding([.character("p")], "p", "pin the first column while scrolling right")
        static let add = KeyBinding([.character("a")], "a", "add a nested path (usage.logins)")
        static let filter = KeyBinding([.character("/")], "/", "find a field")
        static let keep = KeyBinding([.enter], "Enter", "keep (saved for this model and workspace)")
        static let cancel = KeyBinding([.escape], "Esc", "cancel")
        static let table = [toggle, up, down, wider, narrower, pin, add, filter, keep, cancel] + ListKeys.list.bindings
    }
}

extension ExplorerUpdate {
    // MARK: - Columns

    static func openColumnChooser(_ page: ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let model = context.service.current(page.model)
        state.overlay = .columns(ColumnChooser(model: model, columns: page.columns, widths: page.widths, pinned: page.pinned))
        if model.field(named: "custom")?.customFields == nil, model.field(named: "custom") != nil {
            setStatus(&state, "the tenant's custom fields are not read yet (F5 reads them)")
        }
        return []
    }

    static func handleColumnChooser(_ chooser: ColumnChooser, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var chooser = chooser
        let visibleRows = Layout.dialogListRows(screenHeight: state.height)
        if var field = chooser.adding {
            switch key {
            case .enter:
                let path = field.text.trimmingCharacters(in: .whitespaces)
                chooser.adding = nil
                if !path.isEmpty {
                    if let index = chooser.entries.firstIndex(where: { $0.path == path }) {
                        chooser.entries[index].chosen = true
                    } else {
                        let chosenCount = chooser.entries.filter(\.chosen).count
                        chooser.entries.insert(ColumnChooser.Entry(path: path, detail: "nested", chosen: true), at: chosenCount)
                    }
                }
            case .escape:
                chooser.adding = nil
            default:
                _ = field.handle(key)
                chooser.adding = field
            }
            state.overlay = .columns(chooser)
            return []
        }
        if var filter = chooser.filter, filter.editing {
            switch key {
            case .escape: chooser.filter = nil
            case .enter:
                filter.editing = false
                chooser.filter = filter
            default:
                _ = filter.field.handle(key)
                chooser.filter = filter
            }
            chooser.cursor = ListCursor()
            state.overlay = .columns(chooser)
            return []
        }
        let visible = chooser.visible
        let focused = visible.indices.contains(chooser.cursor.selected) ? visible[chooser.cursor.selected] : nil
        switch key {
        case Keys.Columns.cancel:
            if chooser.filter != nil {
                chooser.filter = nil
                chooser.cursor = ListCursor()
            } else {
                state.overlay = nil
                return []
            }
        case Keys.Columns.keep:
            return applyColumns(chooser, &state, context: context)
        case Keys.Columns.toggle:
            if let index = focused { chooser.toggle(at: index) }
        case Keys.Columns.up, Keys.Columns.down:
            guard chooser.filter == nil, let index = focused, chooser.entries[index].chosen else { break }
            let target = key == Keys.Columns.up.keys[0] ? index - 1 : index + 1
            guard chooser.entries.indices.contains(target), chooser.entries[target].chosen else { break }
            chooser.entries.swapAt(index, target)
            chooser.cursor.selected = target
        case Keys.Columns.wider, Keys.Columns.narrower:
            guard let index = focused else { break }
            let path = chooser.entries[index].path
            let current = chooser.widths[path] ?? 12
            let next = key == Keys.Columns.wider.keys[0] ? min(80, current + 2) : current - 2
            chooser.widths[path] = next < 4 ? nil : next
        case Keys.Columns.pin:
            chooser.pinned.toggle()
        case Keys.Columns.add:
            chooser.adding = TextField()
        case Keys.Columns.filter:
            chooser.filter = FilterState()
        default:
            _ = chooser.cursor.handle(key, count: visible.count, visible: visibleRows)
        }
        state.overlay = .columns(chooser)
        return []
    }

    /// Shows the chosen columns, keeps them for the model and asks the backend again for exactly
    /// those fields.
    static func applyColumns(_ chooser: ColumnChooser, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard case .results(let page) = state.page else {
            state.overlay = nil
            return []
        }
        let layout = chooser.layout
        guard !layout.columns.isEmpty else {
            setStatus(&state, "choose at least one column (Space shows it)", error: true)
            return []
        }
        state.overlay = nil
        state.columnLayouts[page.model.route] = layout
        var fresh = page
        fresh.model = chooser.model
        fresh.columns = layout.tableColumns
        fresh.widths = layout.widths
        fresh.pinned = layout.pinned
        fresh.column = 0
        fresh.rows = []
        fresh.exhausted = false
        fresh.cursor = ListCursor()
        if page.model.supports(.view) || page.parameters["select"] != nil {
            fresh.parameters["select"] = .string((ColumnLayout.select(for: layout.columns) + Money.extraSelect(for: layout.columns, in: page.model)).joined(separator: ","))
        }
        var parameters = fresh.parameters
        if fresh.startOffset > 0 { parameters["offset"] = .integer(fresh.startOffset) }
        let effects = request(
            &state, label: "list \(page.model.route) with the chosen columns", purpose: .replaceRows(fresh), model: page.model, operation: .list,
            parameters: .object(parameters), context: context)
        setStatus(&state, "columns kept for \(page.model.route): \(layout.columns.joined(separator: ", "))")
        return effects + [.saveColumns(state.columnLayouts)]
    }

    /// The columns a list shows and what it selects: the layout kept for the model, when there is one.
    static func keptColumns(for model: ModelDefinition, _ state: ExplorerState) -> ColumnLayout? {
        state.columnLayouts[model.route].flatMap { $0.columns.isEmpty ? nil : $0 }
    }
}
