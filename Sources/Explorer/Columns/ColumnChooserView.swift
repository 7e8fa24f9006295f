import Foundation
import PlanhatKit
import TerminalUI

extension ExplorerView {
    /// The column chooser: `[x]` for a shown column (in table order, then the rest), the field's
    /// kind beside it, a width set by hand, and the keys.
    static func columnChooser(_ buffer: inout CellBuffer, _ chooser: ColumnChooser, theme: Theme) {
        let listHeight = Layout.dialogListRows(screenHeight: buffer.height)
        let inner = dialog(&buffer, width: 76, height: listHeight + 5, title: "Columns of \(chooser.model.plural.lowercased())", border: theme[.border], theme: theme)
        if let adding = chooser.adding {
            let used = buffer.put("path: ", x: inner.x, y: inner.y, style: theme[.accent])
            adding.render(into: &buffer, x: inner.x + used, y: inner.y, width: min(40, inner.width - used), style: theme[.text], cursorStyle: theme[.selection], focused: true)
        } else if let filter = chooser.filter {
            let used = buffer.put("/", x: inner.x, y: inner.y, style: theme[.accent])
            filter.field.render(into: &buffer, x: inner.x + used, y: inner.y, width: min(30, inner.width - used), style: theme[.text], cursorStyle: theme[.selection], focused: filter.editing)
        } else {
            let shown = chooser.entries.filter(\.chosen).count
            buffer.put("\(shown) shown" + (chooser.pinned ? " · first column pinned" : ""), x: inner.x, y: inner.y, style: theme[.muted], maxWidth: inner.width)
        }
        let visible = chooser.visible
        var cursor = chooser.cursor
        cursor.clamp(count: visible.count, visible: listHeight)
        for (row, position) in (cursor.offset..<min(visible.count, cursor.offset + listHeight)).enumerated() {
            let entry = chooser.entries[visible[position]]
            let selected = position == cursor.selected
            let style = selected ? theme[.selection] : theme[.text]
            let y = inner.y + 1 + row
            if selected { buffer.fill(x: inner.x, y: y, width: inner.width, height: 1, style: style) }
            let width = chooser.widths[entry.path].map { " (width \($0))" } ?? ""
            let used = buffer.put((entry.chosen ? "[x] " : "[ ] ") + entry.path + width, x: inner.x, y: y, style: style, maxWidth: inner.width - 2)
            let room = inner.width - used - 2
            if room > 4 {
                let detail = DisplayWidth.truncate(entry.detail, to: room)
                buffer.put(detail, x: inner.x + inner.width - DisplayWidth.of(detail), y: y, style: selected ? style : theme[.muted])
            }
        }
        let keys = "Space show/hide · K J move · + - width · p pin · a path · / find · Enter keep · Esc"
        buffer.put(keys, x: inner.x, y: inner.y + inner.height - 1, style: theme[.muted], maxWidth: inner.width)
    }
}
