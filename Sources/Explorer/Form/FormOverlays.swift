import Foundation
import PlanhatKit
import TerminalUI

/// The form's dialogs: pickers, the list editor, the preview, and the confirmations.
extension ExplorerUpdate {
    // MARK: - Overlays

    static func handlePicker(_ picker: Picker, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var picker = picker
        let visibleRows = Layout.dialogListRows(screenHeight: state.height)
        switch key {
        case .escape:
            state.overlay = nil
            return []
        case .enter where !picker.multiple && picker.visible.isEmpty:
            // Nothing to pick: say so and stay (Enter never closes the list silently).
            picker.problem = picker.loading ? "still loading: wait a moment" : "nothing matches '\(picker.filter.text)': type less, or Esc and type the id"
        case .enter:
            state.overlay = nil
            guard case .form(var page) = state.page, page.form.fields.indices.contains(picker.field) else { return [] }
            if picker.multiple {
                page.form.fields[picker.field].items = picker.options.map(\.value).filter { picker.chosen.contains($0) }
            } else {
                let options = picker.visible
                guard options.indices.contains(picker.cursor.selected) else { return [] }
                let option = options[picker.cursor.selected]
                page.form.fields[picker.field].input = TextField(option.value)
                page.form.fields[picker.field].caption = option.label == option.value ? nil : option.label
            }
            page.visited.insert(page.form.fields[picker.field].key)
            validate(&page, context: context)
            var effects: [Effect] = []
            if page.operation == .update, page.form.fields[picker.field].key == "id" {
                effects = moveFocus(&page, to: picker.field + 1, wrap: false, &state, context: context)
            }
            if case .form = state.page { replaceTop(&state, .form(page)) }
            return effects
        case .character(" ") where picker.multiple:
            let options = picker.visible
            if options.indices.contains(picker.cursor.selected) {
                let value = options[picker.cursor.selected].value
                if picker.chosen.contains(value) { picker.chosen.remove(value) } else { picker.chosen.insert(value) }
            }
        case .up, .down, .pageUp, .pageDown, .home, .end:
            _ = picker.cursor.handle(key, count: picker.visible.count, visible: visibleRows)
        default:
            if picker.filter.handle(key) {
                picker.cursor = ListCursor()
                picker.problem = nil
            }
        }
        state.overlay = .picker(picker)
        return []
    }

    static func openReferencePicker(_ route: String, field: Int, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard let target = context.catalog.model(route: route), context.service.operations(of: target).contains(.list) else {
            setStatus(&state, "\(route) cannot be listed here: type the id", error: true)
            return []
        }
        var parameters: [String: JSONValue] = ["limit": .integer(Picker.limit(for: target))]
        if target.titleField != "_id" {
            parameters["sort"] = .string(target.titleField)
            // What a name is made of (a user's first and last name), and the email beside it.
            let select = NameLookup(model: target).select
            parameters["select"] = .string((select.isEmpty ? [target.titleField] : select).joined(separator: ","))
        }
        var picker = Picker(title: "Pick a \(target.name.lowercased()) (type to filter)", field: field, options: [], multiple: false)
        picker.loading = true
        state.overlay = .picker(picker)
        return request(&state, label: "list \(route)", purpose: .pickerOptions(target), model: target, operation: .list, parameters: .object(parameters), context: context)
    }

    static func handleItemsEditor(_ editor: ItemsEditor, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var editor = editor
        let visibleRows = Layout.dialogListRows(screenHeight: state.height)
        if var field = editor.editing {
            switch key {
            case .enter:
                let text = field.text
                if let row = editor.editingRow, editor.rows.indices.contains(row) {
                    editor.rows[row] = text
                } else if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                    editor.rows.append(text)
                    editor.cursor.selected = editor.rows.count - 1
                }
                editor.editing = nil
                editor.editingRow = nil
            case .escape:
                editor.editing = nil
                editor.editingRow = nil
            default:
                _ = field.handle(key)
                editor.editing = field
            }
            editor.cursor.clamp(count: editor.rows.count, visible: visibleRows)
            state.overlay = .items(editor)
            return []
        }
        switch key {
        case .escape, .control("s"):
            state.overlay = nil
            guard case .form(var page) = state.page, page.form.fields.indices.contains(editor.field) else { return [] }
            page.form.fields[editor.field].items = editor.rows
            page.visited.insert(page.form.fields[editor.field].key)
            validate(&page, context: context)
            replaceTop(&state, .form(page))
            return []
        case .character("a"), .character("o"), .character("+"):
            editor.editing = TextField()
            editor.editingRow = nil
        case .enter:
            if editor.rows.indices.contains(editor.cursor.selected) {
                editor.editing = TextField(editor.rows[editor.cursor.selected])
                editor.editingRow = editor.cursor.selected
            } else {
                editor.editing = TextField()
                editor.editingRow = nil
            }
        case .character("d"), .character("x"), .delete:
            if editor.rows.indices.contains(editor.cursor.selected) { editor.rows.remove(at: editor.cursor.selected) }
        case .character("K"):
            let row = editor.cursor.selected
            if row > 0, editor.rows.indices.contains(row) {
                editor.rows.swapAt(row, row - 1)
                editor.cursor.selected -= 1
            }
        case .character("J"):
            let row = editor.cursor.selected
            if row + 1 < editor.rows.count {
                editor.rows.swapAt(row, row + 1)
                editor.cursor.selected += 1
            }
        default:
            _ = editor.cursor.handle(key, count: editor.rows.count, visible: visibleRows)
        }
        editor.cursor.clamp(count: editor.rows.count, visible: visibleRows)
        state.overlay = .items(editor)
        return []
    }

    static func handlePreview(_ preview: RequestPreview, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var preview = preview
        switch key {
        case .escape, .character("n"):
            state.overlay = nil
            return []
        case .character("c"):
            setStatus(&state, "copied the curl command (token masked as $PLANHAT_API_TOKEN)")
            return [.copy(preview.curl)]
        case .enter, .character("y"):
            state.overlay = nil
            guard case .form(let page) = state.page else { return [] }
            switch preview.plan {
            case .single:
                let submission = Submission(model: page.model, operation: page.operation, draftKey: page.draftKey, name: page.original?[page.model.titleField]?.stringValue)
                return send(&state, label: "\(page.operation.rawValue) \(page.model.route)", purpose: .submitted(submission), request: preview.request)
            case .bulk:
                return sendChunk(BulkRun(request: preview.request, draftKey: page.draftKey), model: page.model, &state)
            }
        default:
            preview.offset = scroll(preview.offset, key: key, count: PreviewText.lines(preview).count, visible: Layout.previewRows(screenHeight: state.height))
            state.overlay = .preview(preview)
            return []
        }
    }

    static func handleDeleteConfirmation(_ confirmation: DeleteConfirmation, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var confirmation = confirmation
        switch key {
        case .escape:
            state.overlay = nil
            return []
        case .enter:
            guard confirmation.confirmed else {
                confirmation.wrongAnswer = true
                state.overlay = .confirmDelete(confirmation)
                return []
            }
            state.overlay = nil
            let submission = Submission(model: confirmation.model, operation: .delete, draftKey: confirmation.draftKey, name: confirmation.name)
            return request(
                &state, label: "delete \(confirmation.model.route) \(confirmation.id)", purpose: .submitted(submission), model: confirmation.model, operation: .delete,
                parameters: ["id": .string(confirmation.id)], context: context)
        default:
            _ = confirmation.answer.handle(key)
            confirmation.wrongAnswer = false
            state.overlay = .confirmDelete(confirmation)
            return []
        }
    }

    static func handleDiscard(_ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard case .form(let page) = state.page else {
            state.overlay = nil
            return []
        }
        switch key {
        case .character("y"), .character("d"):
            state.overlay = nil
            // Deleting a draft that is not there does nothing: no need to read the file to find out.
            let effects: [Effect] = context.drafts == nil ? [] : [.deleteDraft(page.draftKey)]
            return effects + back(&state)
        case .character("s"):
            state.overlay = nil
            let effects: [Effect] = context.drafts == nil ? [] : [.saveDraft(draft(of: page, reason: "kept when leaving the form", context: context))]
            return effects + back(&state)
        case .character("n"), .escape:
            state.overlay = nil
        default:
            break
        }
        return []
    }

    static func handleDraftOffer(_ draft: FormDraft, _ key: Key, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        switch key {
        case .enter, .character("r"):
            state.overlay = nil
            guard case .form(var page) = state.page else { return [] }
            page.form.restore(draft.states, clearingOthers: true)
            if !page.form.extras.isEmpty { page.allowsUnknownFields = true }
            if let original = draft.original { page.original = original }
            page.loadedID = page.recordID
            page.summary = "Restored the draft saved \(draft.savedAt.formatted(.iso8601)) (\(draft.reason))"
            replaceTop(&state, .form(page))
            return []
        case .character("d"):
            state.overlay = nil
            setStatus(&state, "discarded the draft")
            return [.deleteDraft(draft.key)]
        case .escape:
            state.overlay = nil
            setStatus(&state, "the draft is kept for later")
            return []
        default:
            return []
        }
    }
}
