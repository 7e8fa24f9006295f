import PlanhatKit
import TerminalUI

/// The request preview as lines of text: what the view draws and the update scrolls over. Built
/// from the request the core made, so what it shows is what is sent.
enum PreviewText {
    typealias Span = JSONLines.Span

    /// The longest rendering of one value in a change line, so `old → new` always fits both.
    static let valueWidth = 60

    static func lines(_ preview: RequestPreview, width: Int = 96) -> [[Span]] {
        let request = preview.request
        var lines: [[Span]] = []
        switch preview.plan {
        case .single:
            lines += [[Span(text: "\(request.method) \(request.target)", slot: .accent)], []]
            lines += noticeLines(request)
            if let changes = preview.changes {
                lines.append([Span(text: "Changes (only these are sent; null clears a field):", slot: .muted)])
                for change in changes { lines += changeLines(change, width: width, model: request.model, names: preview.names) }
                lines.append([])
            }
            if let body = request.body {
                lines.append([Span(text: "Body:", slot: .muted)])
                lines += JSONLines.render(body)
            }
            lines += [[], [Span(text: "c copies this as curl, the token masked as $PLANHAT_API_TOKEN:", slot: .muted)]]
            lines += ExplorerView.wrap(preview.curl, width: width).map { [Span(text: $0, slot: .muted)] }
        case .bulk:
            let items = request.body?.arrayValue ?? []
            let byID = items.filter { $0["_id"] != nil }.count
            let byKey = items.filter { item in item["_id"] == nil && preview.keyables.contains { item[$0] != nil } }.count
            let chunks = BulkItems.chunks(items).count
            lines += [
                [Span(text: "\(request.method) \(request.target)  (bulk upsert)", slot: .accent)], [],
                [Span(text: "\(English.count(items.count, "item")) in \(English.count(chunks, "request")) of at most \(CellText.grouped(BulkItems.chunkSize))", slot: .text)],
                [Span(text: "  \(CellText.grouped(byID)) carry an _id: they update that record", slot: .text)],
                [Span(text: "  \(CellText.grouped(byKey)) carry \(preview.keyables.joined(separator: " or ")): updated when a record has it", slot: .text)],
                [Span(text: "  \(CellText.grouped(items.count - byID - byKey)) carry no key: created", slot: .text)], [],
            ]
            if let note = preview.note { lines += [[Span(text: note, slot: .warning)], []] }
            lines += noticeLines(request)
            if let diffs = preview.recordDiffs {
                let fields = diffs.first?.changes.count ?? 0
                lines.append([Span(text: "\(English.count(diffs.count, "record")) × \(English.count(fields, "field")) (before as loaded → after):", slot: .muted)])
                for diff in diffs {
                    lines.append([Span(text: "  " + (diff.name ?? diff.id), slot: .accent), Span(text: "  _id \(diff.id)", slot: .muted)])
                    for change in diff.changes {
                        let unloaded = diff.unloaded.contains(change.key)
                        lines += changeLines(change, width: width, model: request.model, names: preview.names, oldText: unloaded ? "(not loaded)" : nil).map { [Span(text: "  ", slot: .text)] + $0 }
                    }
                }
                lines.append([])
            } else if let first = items.first {
                lines.append([Span(text: "First item:", slot: .muted)])
                lines += JSONLines.render(first)
            }
            lines += [[], [Span(text: "c copies the first request as curl, the token masked as $PLANHAT_API_TOKEN", slot: .muted)]]
        }
        return lines
    }

    /// What preparing the request decided the user should hear (a value respelled, fields sent that
    /// the catalog does not document), as warning lines and a blank line.
    static func noticeLines(_ request: PlanhatRequest) -> [[Span]] {
        guard !request.notices.isEmpty else { return [] }
        return request.notices.map { [Span(text: "! " + $0.message, slot: .warning)] } + [[]]
    }

    /// `  phase: "Onboarding" → null (cleared)`, wrapped when it does not fit on one line.
    /// A reference's ids are followed by the names of their records (`"666b…" (Ada Lovelace)`).
    static func changeLines(_ change: FieldChange, width: Int, model: ModelDefinition? = nil, names: ReferenceNames = ReferenceNames(), oldText: String? = nil) -> [[Span]] {
        let route = model.flatMap { ReferenceFields.route(of: change.key, in: $0) }
        func text(_ value: JSONValue) -> String {
            let named = route.flatMap { ReferenceFields.readable(value, route: $0, names: names) }
            return DisplayWidth.truncate(value.compactText() + (named.map { " (\($0))" } ?? ""), to: valueWidth)
        }
        let old = oldText ?? change.old.map(text) ?? "(not set)"
        let new = change.new.map(text) ?? "null (cleared)"
        let key = Span(text: "  \(change.key): ", slot: .jsonKey)
        let before = Span(text: old, slot: .error), arrow = Span(text: " → ", slot: .muted), after = Span(text: new, slot: change.new == nil ? .warning : .success)
        let oneLine = DisplayWidth.of(key.text + old + arrow.text + new)
        if oneLine <= width { return [[key, before, arrow, after]] }
        return [[key, before], [Span(text: "    ", slot: .text), arrow, after]]
    }
}
