import Foundation
import PlanhatKit
import TerminalUI

/// Draws forms and their dialogs: fields with their help and problems, the raw JSON, pickers,
/// the list editor, the request preview and the confirmations.
extension ExplorerView {
    static func form(_ buffer: inout CellBuffer, _ page: FormPage, _ body: Rect, context: ExplorerContext, theme: Theme) {
        let schema = context.schema(page.model, page.operation)
        var title = schema["title"]?.stringValue ?? page.operation.rawValue
        if page.operation == .update, let original = page.original { title += ": " + CellText.of(original[page.model.titleField]) }
        let request = PlanhatRequest(model: page.model, operation: page.operation)
        title += " · \(request.method) /\(page.model.path)" + ([.view, .update, .delete].contains(page.operation) ? "/{id}" : "")
        if let bulk = page.bulk {
            let count = bulk.marked.count
            title = "Change \(count) marked \(count == 1 ? page.model.name.lowercased() : page.model.plural.lowercased()) · bulk upsert by _id, PUT /\(page.model.path)"
        }
        let changed = [page.unknownFieldsBadge, page.isChanged ? "● changed" : nil].compactMap { $0 }.joined(separator: " · ")
        let used = buffer.put(title, x: 1, y: body.y, style: theme[.accent], maxWidth: body.width - 2 - DisplayWidth.of(changed) - 1)
        if !changed.isEmpty, used + 3 < body.width { buffer.put(changed, x: body.width - DisplayWidth.of(changed) - 1, y: body.y, style: theme[.warning]) }
        let visible = FormLayout.visible(bodyHeight: body.height)
        if let raw = page.raw {
            buffer.put("Raw JSON · F4 or Esc returns to the fields · ^S sends · ^O opens $EDITOR", x: 1, y: body.y + 1, style: theme[.muted], maxWidth: body.width - 2)
            raw.render(into: &buffer, x: 1, y: body.y + 2, width: body.width - 2, height: visible - 1, style: theme[.text], cursorStyle: theme[.selection])
        } else {
            fields(&buffer, page, x: body.x, y: body.y + 1, width: body.width, height: visible, theme: theme)
        }
        let summaryY = body.y + body.height - 1
        if let summary = page.summary {
            let problem = page.form.firstProblem != nil || ["Not ", "The JSON", "Unknown", "Nothing", "1 problem", "cannot"].contains { summary.hasPrefix($0) }
                || summary.contains(" problems")
            buffer.put(" " + summary, x: 0, y: summaryY, style: problem ? theme[.error] : theme[.success], maxWidth: body.width - 1)
        } else {
            let hint = page.operation.isWrite ? "^S checks and previews the request" : "^S runs it"
            buffer.put(" \(hint) · F4 edits as JSON · F2 shows the schema · * required", x: 0, y: summaryY, style: theme[.muted], maxWidth: body.width - 1)
        }
    }

    private static func fields(_ buffer: inout CellBuffer, _ page: FormPage, x: Int, y: Int, width: Int, height: Int, theme: Theme) {
        let lines = FormLayout.lines(page)
        let titles = page.form.fields.map { DisplayWidth.of($0.title) + ($0.required ? 2 : 0) }
        let labelWidth = max(6, min(22, (titles.max() ?? 10) + 1, width / 3))
        let valueX = x + labelWidth + 3
        let valueWidth = max(4, width - valueX - 1)
        let scroll = max(0, min(page.scroll, max(0, lines.count - height)))
        for (row, line) in lines.dropFirst(scroll).prefix(height).enumerated() {
            let lineY = y + row
            switch line {
            case .section(let heading):
                buffer.put("▸ " + heading, x: x + 1, y: lineY, style: theme[.accent], maxWidth: width - 2)
            case .field(let index):
                let field = page.form.fields[index]
                let focused = index == page.focus
                if focused { buffer.put("›", x: x, y: lineY, style: theme[.accent]) }
                let label = field.title + (field.required ? " *" : "")
                var labelStyle = focused ? theme[.accent] : theme[.text]
                if field.issue != nil { labelStyle = theme[.error] }
                buffer.put(DisplayWidth.pad(DisplayWidth.truncate(label, to: labelWidth), to: labelWidth), x: x + 1, y: lineY, style: labelStyle)
                value(&buffer, field, focused: focused, x: valueX, y: lineY, width: valueWidth, theme: theme)
            case .help(let index):
                buffer.put(page.form.fields[index].help, x: valueX, y: lineY, style: theme[.muted], maxWidth: valueWidth)
            case .issue(let index):
                buffer.put("↳ " + (page.form.fields[index].issue ?? ""), x: valueX, y: lineY, style: theme[.error], maxWidth: valueWidth)
            }
        }
        if lines.count > height {
            let position = "\(scroll + 1)–\(min(lines.count, scroll + height)) of \(lines.count) lines"
            buffer.put(position, x: max(1, width - DisplayWidth.of(position) - 1), y: y + height, style: theme[.muted])
        }
    }

    private static func value(_ buffer: inout CellBuffer, _ field: FormField, focused: Bool, x: Int, y: Int, width: Int, theme: Theme) {
        let hint: String
        switch field.widget {
        case .choice: hint = "Enter chooses · ←→"
        case .toggle: hint = "Space toggles"
        case .checklist: hint = "Enter chooses"
        case .list: hint = "Enter edits the list"
        case .keyValue: hint = "Enter edits: name = value"
        case .reference(let route): hint = "Enter picks from \(route)"
        case .date(let withTime): hint = withTime ? "^T now" : "^T today (YYYY-MM-DD)"
        case .dayNumber: hint = "YYYY-MM-DD · ^T today"
        case .multiline: hint = "^O $EDITOR"
        case .json: hint = "JSON · ^O $EDITOR"
        case .file: hint = ".json or .csv · ^S reads it"
        case .number(let integer): hint = integer ? "whole number" : "number"
        case .text(let format): hint = format ?? ""
        }
        let hintWidth = focused && !hint.isEmpty && width >= 30 ? min(DisplayWidth.of(hint) + 2, width / 3) : 0
        let fieldWidth = width - hintWidth
        if field.widget.isTextual {
            field.input.render(into: &buffer, x: x, y: y, width: fieldWidth, style: focused ? theme[.text] : theme[.muted], cursorStyle: theme[.selection], focused: focused)
            if !focused, field.input.text.isEmpty { buffer.put("·", x: x, y: y, style: theme[.muted]) }
            if !focused, let caption = field.caption {
                let used = DisplayWidth.of(field.input.text) + 2
                if used < fieldWidth - 4 { buffer.put("(\(caption))", x: x + used, y: y, style: theme[.muted], maxWidth: fieldWidth - used) }
            }
        } else {
            var style = focused ? theme[.selection] : theme[.text]
            if field.summary.hasPrefix("(") || field.summary.hasPrefix("[ ] (") { style = focused ? theme[.selection] : theme[.muted] }
            buffer.put(field.summary, x: x, y: y, style: style, maxWidth: fieldWidth)
        }
        if hintWidth > 0 { buffer.put(hint, x: x + fieldWidth + 2, y: y, style: theme[.muted], maxWidth: hintWidth - 2) }
    }

    // MARK: - Dialogs

    /// A bordered box centred on the screen; returns its inside.
    static func dialog(_ buffer: inout CellBuffer, width: Int, height: Int, title: String, border: Style, theme: Theme) -> Rect {
        let width = max(10, min(buffer.width - 2, width))
        let height = max(4, min(buffer.height - 2, height))
        let x = (buffer.width - width) / 2, y = max(1, (buffer.height - height) / 2)
        buffer.fill(x: x, y: y, width: width, height: height, style: theme[.text])
        buffer.box(x: x, y: y, width: width, height: height, style: border, title: title, titleStyle: border)
        return Rect(x: x + 2, y: y + 1, width: width - 4, height: height - 2)
    }

    static func spans(_ buffer: inout CellBuffer, _ line: [JSONLines.Span], x: Int, y: Int, width: Int, theme: Theme) {
        var column = x
        for span in line where column < x + width {
            column += buffer.put(span.text, x: column, y: y, style: theme[span.slot], maxWidth: x + width - column)
        }
    }

    static func pickerDialog(_ buffer: inout CellBuffer, _ picker: Picker, theme: Theme) {
        let options = picker.visible
        let listHeight = min(Layout.dialogListRows(screenHeight: buffer.height), picker.loading ? 16 : max(1, picker.options.count))
        let labelWidth = options.prefix(200).map { DisplayWidth.of($0.label) }.max() ?? 10
        let inner = dialog(&buffer, width: max(40, min(76, labelWidth + 34)), height: listHeight + 5, title: picker.title, border: theme[.border], theme: theme)
        let used = buffer.put("/", x: inner.x, y: inner.y, style: theme[.accent])
        picker.filter.render(into: &buffer, x: inner.x + used, y: inner.y, width: min(30, inner.width - used), style: theme[.text], cursorStyle: theme[.selection], focused: true)
        if picker.loading {
            buffer.put("loading…", x: inner.x, y: inner.y + 1, style: theme[.muted])
        } else if options.isEmpty {
            buffer.put(picker.problem ?? "nothing matches", x: inner.x, y: inner.y + 1, style: picker.problem == nil ? theme[.muted] : theme[.error], maxWidth: inner.width)
        }
        var cursor = picker.cursor
        cursor.clamp(count: options.count, visible: listHeight)
        for (row, index) in (cursor.offset..<min(options.count, cursor.offset + listHeight)).enumerated() {
            let option = options[index]
            let selected = index == cursor.selected
            let mark = picker.multiple ? (picker.chosen.contains(option.value) ? "[x] " : "[ ] ") : ""
            let secondary = option.detail ?? (option.label == option.value ? "" : option.value)
            let style = selected ? theme[.selection] : theme[.text]
            if selected { buffer.fill(x: inner.x, y: inner.y + 1 + row, width: inner.width, height: 1, style: style) }
            let width = buffer.put(mark + option.label, x: inner.x, y: inner.y + 1 + row, style: style, maxWidth: inner.width - min(26, DisplayWidth.of(secondary) + 2))
            if !secondary.isEmpty, width + 2 < inner.width {
                buffer.put(secondary, x: inner.x + inner.width - DisplayWidth.of(secondary), y: inner.y + 1 + row, style: selected ? style : theme[.muted], maxWidth: inner.width - width - 2)
            }
        }
        let footer = (picker.multiple ? "Space toggles · Enter keeps · Esc cancels" : "Enter picks · Esc cancels") + (picker.note.map { " · " + $0 } ?? "")
        buffer.put(footer, x: inner.x, y: inner.y + inner.height - 1, style: theme[.muted], maxWidth: inner.width)
    }

    static func itemsEditor(_ buffer: inout CellBuffer, _ editor: ItemsEditor, theme: Theme) {
        let listHeight = min(Layout.dialogListRows(screenHeight: buffer.height), max(3, editor.rows.count + 1))
        let inner = dialog(&buffer, width: 64, height: listHeight + 5, title: editor.title + (editor.keyValue ? " (name = value)" : ""), border: theme[.border], theme: theme)
        if editor.rows.isEmpty, editor.editing == nil {
            buffer.put(editor.keyValue ? "no fields yet: a adds one, e.g. Segment = Enterprise" : "empty: a adds an item", x: inner.x, y: inner.y, style: theme[.muted], maxWidth: inner.width)
        }
        for (row, index) in (editor.cursor.offset..<min(editor.rows.count, editor.cursor.offset + listHeight)).enumerated() {
            let selected = index == editor.cursor.selected && editor.editing == nil
            let style = selected ? theme[.selection] : theme[.text]
            if selected { buffer.fill(x: inner.x, y: inner.y + row, width: inner.width, height: 1, style: style) }
            if let field = editor.editing, editor.editingRow == index {
                field.render(into: &buffer, x: inner.x, y: inner.y + row, width: inner.width, style: theme[.text], cursorStyle: theme[.selection], focused: true)
            } else {
                buffer.put("\(index + 1). " + editor.rows[index], x: inner.x, y: inner.y + row, style: style, maxWidth: inner.width)
            }
        }
        let inputY = inner.y + inner.height - 2
        if let field = editor.editing, editor.editingRow == nil {
            let used = buffer.put("new: ", x: inner.x, y: inputY, style: theme[.accent])
            field.render(into: &buffer, x: inner.x + used, y: inputY, width: inner.width - used, style: theme[.text], cursorStyle: theme[.selection], focused: true)
        }
        let footer = editor.editing != nil ? "Enter keeps · Esc cancels the row" : "a add · Enter edit · d remove · K J move · Esc done"
        buffer.put(footer, x: inner.x, y: inner.y + inner.height - 1, style: theme[.muted], maxWidth: inner.width)
    }

    static func previewDialog(_ buffer: inout CellBuffer, _ preview: RequestPreview, theme: Theme) {
        let inner = dialog(&buffer, width: 100, height: buffer.height - 2, title: "Preview: " + preview.title, border: theme[.accent], theme: theme)
        let height = Layout.previewRows(screenHeight: buffer.height)
        let lines = PreviewText.lines(preview, width: inner.width)
        let offset = max(0, min(preview.offset, lines.count - height))
        for (row, index) in (offset..<min(lines.count, offset + height)).enumerated() {
            spans(&buffer, lines[index], x: inner.x, y: inner.y + row, width: inner.width, theme: theme)
        }
        buffer.put("Enter sends · c copies curl · ↑↓ scroll · Esc back to the form", x: inner.x, y: inner.y + inner.height - 1, style: theme[.accent], maxWidth: inner.width)
    }

    static func deleteConfirmation(_ buffer: inout CellBuffer, _ confirmation: DeleteConfirmation, theme: Theme) {
        let recordHeight = max(1, min(confirmation.lines.count, buffer.height - 12))
        let name = confirmation.name.map { " \($0)" } ?? ""
        let inner = dialog(&buffer, width: 76, height: recordHeight + 7, title: "Delete \(confirmation.model.name.lowercased())\(name)?", border: theme[.error], theme: theme)
        buffer.put("This deletes \(confirmation.model.name.lowercased()) \(confirmation.id) in \(confirmation.model.path); it cannot be undone.", x: inner.x, y: inner.y, style: theme[.error], maxWidth: inner.width)
        for (row, line) in confirmation.lines.prefix(recordHeight).enumerated() {
            spans(&buffer, line, x: inner.x, y: inner.y + 1 + row, width: inner.width, theme: theme)
        }
        let prompt = "Type yes" + (confirmation.name.map { " or \($0)" } ?? "") + ", then Enter: "
        let promptY = inner.y + inner.height - 2
        let used = buffer.put(prompt, x: inner.x, y: promptY, style: theme[.text], maxWidth: inner.width - 8)
        confirmation.answer.render(into: &buffer, x: inner.x + used, y: promptY, width: max(4, inner.width - used), style: theme[.text], cursorStyle: theme[.selection], focused: true)
        let footer = confirmation.wrongAnswer ? "That is not yes or the record's name: nothing was deleted" : "Esc cancels"
        buffer.put(footer, x: inner.x, y: inner.y + inner.height - 1, style: confirmation.wrongAnswer ? theme[.error] : theme[.muted], maxWidth: inner.width)
    }

    static func bulkDeleteConfirmation(_ buffer: inout CellBuffer, _ confirmation: BulkDeleteConfirmation, theme: Theme) {
        let count = confirmation.ids.count
        let plural = confirmation.model.plural.lowercased()
        let listed = confirmation.names.count
        let inner = dialog(&buffer, width: 76, height: listed + 8, title: "Delete \(count) \(count == 1 ? confirmation.model.name.lowercased() : plural)?", border: theme[.error], theme: theme)
        buffer.put("This deletes the \(English.count(count, "marked row")) in \(confirmation.model.path), one request each; it cannot be undone.", x: inner.x, y: inner.y, style: theme[.error], maxWidth: inner.width)
        for (row, name) in confirmation.names.enumerated() {
            buffer.put("  " + name, x: inner.x, y: inner.y + 1 + row, style: theme[.text], maxWidth: inner.width)
        }
        if count > listed { buffer.put("  … and \(count - listed) more", x: inner.x, y: inner.y + 1 + listed, style: theme[.muted], maxWidth: inner.width) }
        let prompt = "Type \(count) (the number of rows), then Enter: "
        let promptY = inner.y + inner.height - 2
        let used = buffer.put(prompt, x: inner.x, y: promptY, style: theme[.text], maxWidth: inner.width - 8)
        confirmation.answer.render(into: &buffer, x: inner.x + used, y: promptY, width: max(4, inner.width - used), style: theme[.text], cursorStyle: theme[.selection], focused: true)
        let footer = confirmation.wrongAnswer ? "That is not \(count): nothing was deleted" : "Esc cancels"
        buffer.put(footer, x: inner.x, y: inner.y + inner.height - 1, style: confirmation.wrongAnswer ? theme[.error] : theme[.muted], maxWidth: inner.width)
    }

    static func relatedMenu(_ buffer: inout CellBuffer, _ menu: RelatedMenu, context: ExplorerContext, theme: Theme) {
        let listHeight = min(menu.entries.count, Layout.dialogListRows(screenHeight: buffer.height))
        let inner = dialog(&buffer, width: 76, height: listHeight + 4, title: "Related to \(menu.title)", border: theme[.accent], theme: theme)
        var cursor = menu.cursor
        cursor.clamp(count: menu.entries.count, visible: listHeight)
        for (row, index) in (cursor.offset..<min(menu.entries.count, cursor.offset + listHeight)).enumerated() {
            let selected = index == cursor.selected
            if selected { buffer.fill(x: inner.x, y: inner.y + row, width: inner.width, height: 1, style: theme[.selection]) }
            buffer.put(ExplorerUpdate.relatedLabel(menu.entries[index], context: context), x: inner.x, y: inner.y + row, style: selected ? theme[.selection] : theme[.text], maxWidth: inner.width)
        }
        buffer.put("Enter opens (Esc comes back here) · Esc closes", x: inner.x, y: inner.y + inner.height - 1, style: theme[.muted], maxWidth: inner.width)
    }

    static func discardDialog(_ buffer: inout CellBuffer, theme: Theme) {
        let inner = dialog(&buffer, width: 60, height: 5, title: "Leave the form?", border: theme[.warning], theme: theme)
        buffer.put("The form has changes that were not sent.", x: inner.x, y: inner.y, style: theme[.text], maxWidth: inner.width)
        buffer.put("y discards · s keeps a draft · n or Esc stays", x: inner.x, y: inner.y + 2, style: theme[.accent], maxWidth: inner.width)
    }

    static func draftOffer(_ buffer: inout CellBuffer, _ draft: FormDraft, theme: Theme) {
        let inner = dialog(&buffer, width: 70, height: 6, title: "A draft of this form was kept", border: theme[.warning], theme: theme)
        buffer.put("Saved \(draft.savedAt.formatted(.iso8601)): \(draft.reason).", x: inner.x, y: inner.y, style: theme[.text], maxWidth: inner.width)
        let filled = draft.states.values.filter { !$0.text.isEmpty || $0.flag != nil || !$0.items.isEmpty }.count
        buffer.put("\(filled) field\(filled == 1 ? "" : "s") filled in.", x: inner.x, y: inner.y + 1, style: theme[.muted], maxWidth: inner.width)
        buffer.put("Enter restores it · d discards it · Esc keeps it for later", x: inner.x, y: inner.y + 3, style: theme[.accent], maxWidth: inner.width)
    }
}

extension ExplorerView {
    static func exportChoice(_ buffer: inout CellBuffer, _ plan: ExportPlan, context: ExplorerContext, theme: Theme) {
        let extra = (plan.filteredRows == nil ? 0 : 1) + (plan.markedRows == nil ? 0 : 1)
        let inner = dialog(&buffer, width: 76, height: 7 + extra, title: "Export \(plan.model.plural.lowercased())", border: theme[.accent], theme: theme)
        buffer.put("To \(context.directories.abbreviate(plan.path)) as \(plan.format.rawValue.uppercased())", x: inner.x, y: inner.y, style: theme[.text], maxWidth: inner.width)
        buffer.put("a  every record of the list (all pages, with progress), every field", x: inner.x, y: inner.y + 2, style: theme[.text], maxWidth: inner.width)
        buffer.put("c  every record of the list, the table's columns", x: inner.x, y: inner.y + 3, style: theme[.text], maxWidth: inner.width)
        if let rows = plan.filteredRows {
            buffer.put("v  the \(English.count(rows.count, "row")) the filter keeps, the table's columns", x: inner.x, y: inner.y + 4, style: theme[.text], maxWidth: inner.width)
        }
        if let rows = plan.markedRows {
            buffer.put("m  the \(English.count(rows.count, "marked row")), the table's columns", x: inner.x, y: inner.y + 4 + (plan.filteredRows == nil ? 0 : 1), style: theme[.text], maxWidth: inner.width)
        }
        buffer.put("Esc cancels", x: inner.x, y: inner.y + inner.height - 1, style: theme[.muted], maxWidth: inner.width)
    }

    static func replaceDialog(_ buffer: inout CellBuffer, _ job: ExportJob, context: ExplorerContext, theme: Theme) {
        let inner = dialog(&buffer, width: 70, height: 5, title: "Replace the file?", border: theme[.warning], theme: theme)
        buffer.put("\(context.directories.abbreviate(job.path)) exists.", x: inner.x, y: inner.y, style: theme[.text], maxWidth: inner.width)
        buffer.put("y replaces it · n or Esc keeps it", x: inner.x, y: inner.y + 2, style: theme[.accent], maxWidth: inner.width)
    }
}
