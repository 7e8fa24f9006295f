import Foundation
import PlanhatKit
import TerminalUI

/// The tenant's custom fields arriving: read when the user first opens a model, and again on F5. Forms and schemas on the stack are built again with them, what was typed kept.
extension ExplorerUpdate {
    static func customFieldsLoaded(_ result: Result<CustomFields, PlanhatError>, refresh: Bool, _ state: inout ExplorerState, context: ExplorerContext) {
        switch result {
        case .failure(let error):
            // Forms work without them; F5 asks again.
            setStatus(&state, "custom fields left out: \(error.headline)", error: refresh)
        case .success(let fields):
            state.customFields = fields
            let context = context.merging(fields)
            let visible = FormLayout.visible(bodyHeight: state.bodyHeight)
            state.stack = state.stack.map { page in
                switch page {
                case .form(let form): return .form(rebuilt(form, context: context, visible: visible))
                case .schema(let schema): return .schema(rebuilt(schema, context: context))
                default: return page
                }
            }
            if refresh { setStatus(&state, "read \(English.count(fields.definitions.count, "custom field")) from \(fields.origin)") }
        }
    }

    /// The form built for the model as it is now, holding what the old one held: every value
    /// read into the new fields, text that is not a value yet kept as typed, the focus on the
    /// same field.
    static func rebuilt(_ page: FormPage, context: ExplorerContext, visible: Int) -> FormPage {
        let model = context.service.current(page.model)
        guard model != page.model else { return page }
        var fresh = FormPage(model: model, operation: page.operation, record: page.original)
        fresh.form.load(page.form.parameters().parameters)
        for field in page.form.fields {
            if case .invalid = field.outcome, let index = fresh.form.index(of: field.key) { fresh.form.fields[index].state = field.state }
        }
        fresh.focus = page.focused.flatMap { fresh.form.index(of: $0.key) } ?? min(page.focus, max(0, fresh.form.fields.count - 1))
        fresh.raw = page.raw
        fresh.visited = page.visited
        fresh.submitAttempted = page.submitAttempted
        fresh.loadedID = page.loadedID
        fresh.summary = page.summary
        fresh.scroll = FormLayout.scroll(fresh, visible: visible)
        if !fresh.visited.isEmpty || fresh.submitAttempted { _ = validate(&fresh, context: context) }
        return fresh
    }

    /// The schema shown again, as the model is now.
    static func rebuilt(_ page: SchemaPage, context: ExplorerContext) -> SchemaPage {
        var fresh = page
        fresh.model = context.service.current(page.model)
        fresh.lines = JSONLines.render(context.schema(fresh.model, page.operation))
        fresh.offset = min(page.offset, max(0, fresh.lines.count - 1))
        return fresh
    }
}
