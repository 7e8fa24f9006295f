import Foundation
import PlanhatKit
import TerminalUI

extension Keys {
    /// Saved views: `v` on the first screen, `S` on results (the `:` prompt takes `view NAME`).
    enum Views {
        static let open = KeyBinding([.character("v")], "v", "saved views (:view NAME)", footer: true, hint: "v views")
        static let save = KeyBinding([.character("S")], "S", "save as a view (model, filters, sort, columns)")
    }
}

extension ExplorerUpdate {
    // MARK: - Saved views

    /// `v`: the `:` prompt, offering the views by name.
    static func offerViews(_ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        var prompt = Prompt(kind: .jump, field: TextField("view "))
        prompt.choices = viewChoices("", state)
        state.overlay = .prompt(prompt)
        if state.views.isEmpty { setStatus(&state, "no saved views yet: S on a results table saves one") }
        return []
    }

    /// `view NAME` choices: `view renewals-90d`, the names containing what was typed.
    static func viewChoices(_ typed: String, _ state: ExplorerState) -> [String] {
        let query = typed.lowercased()
        return state.views.filter { query.isEmpty || $0.name.lowercased().contains(query) }.map { "view " + $0.name }
    }

    /// Opens a view: its records (every condition checked, read page by page) in a table of its columns.
    static func openView(named name: String, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard let view = state.views.first(where: { $0.name == name }) ?? state.views.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            var prompt = Prompt(kind: .jump, field: TextField("view " + name))
            prompt.problem = "no view is called '\(name)'" + (state.views.isEmpty ? "; S on results saves one" : "; ↑ ↓ choose")
            prompt.choices = viewChoices("", state)
            state.overlay = .prompt(prompt)
            return []
        }
        guard let model = context.catalog.model(route: view.model) else {
            setStatus(&state, "the view \(view.name) names the model \(view.model), which this session does not offer", error: true)
            return []
        }
        var page = ResultsPage(model: context.service.current(model), parameters: SavedViewRunner.parameters(for: view, model: model), columns: view.columns.filter { $0 != "_id" } + ["_id"], pageSize: Int.max)
        page.view = view
        if let layout = state.columnLayouts[model.route] { page.pinned = layout.pinned }
        return runView(view, purpose: .openResults(page), &state)
    }

    static func runView(_ view: SavedView, purpose: PendingCall.Purpose, _ state: inout ExplorerState) -> [Effect] {
        var effects: [Effect] = []
        if let pending = state.pending { effects.append(.cancel(id: pending.id)) }
        let id = state.nextRequestID
        state.nextRequestID += 1
        state.pending = PendingCall(id: id, label: "view \(view.name)", purpose: purpose)
        state.status = nil
        return effects + [.runView(id: id, view)]
    }

    /// `S`: a view of what the table shows now (its model, list filters, sort and columns).
    static func promptSaveView(_ page: ResultsPage, _ state: inout ExplorerState) -> [Effect] {
        state.overlay = .prompt(Prompt(kind: .saveView, field: TextField(page.view?.name ?? "")))
        return []
    }

    static func saveView(named name: String, _ page: ResultsPage, _ state: inout ExplorerState) -> [Effect] {
        let allowed = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        guard !name.isEmpty, allowed else {
            var prompt = Prompt(kind: .saveView, field: TextField(name))
            prompt.problem = "a view's name is letters, digits, - and _ (it is typed in :view NAME and planhat view run NAME)"
            state.overlay = .prompt(prompt)
            return []
        }
        var conditions = page.view?.conditions ?? []
        for (key, value) in page.parameters.sorted(by: { $0.key < $1.key }) where !["limit", "offset", "select", "sort"].contains(key) {
            let field = page.model.filters.first { $0.name == key }?.field ?? key
            if !conditions.contains(where: { $0.field == field && $0.op == .is }) { conditions.append(ViewCondition(field: field, op: .is, value: value)) }
        }
        let view = SavedView(name: name, title: page.view?.title, model: page.model.route, conditions: conditions, sort: page.sort, columns: page.columns.filter { $0 != "_id" })
        return [.saveView(view)]
    }

    static func viewsChanged(_ result: Result<[SavedView], PlanhatError>, saved: String?, _ state: inout ExplorerState) {
        switch result {
        case .success(let views):
            state.views = views
            if let saved { setStatus(&state, "saved the view in \(saved): :view opens it, planhat view run prints it") }
        case .failure(let error):
            setStatus(&state, "views: \(error.message)", error: true)
        }
    }
}
