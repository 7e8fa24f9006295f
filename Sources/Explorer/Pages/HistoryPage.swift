import Foundation
import PlanhatKit
import TerminalUI

/// `:history`, or a record's history (`H` on a record): the write journal, newest first; Enter
/// shows an entry in full with its field diff; `u` previews its undo and sends it once confirmed.
public struct HistoryPage: Hashable, Sendable {
    public var entries: [JournalEntry] = []
    public var cursor = ListCursor()
    /// The record whose history this is, when opened from a record.
    public var recordID: String?
    /// Whether the entries were read.
    public var loaded = false
    /// The entry shown in full (its index), and how far its text is scrolled.
    public var detail: Int?
    public var detailOffset = 0

    public init(recordID: String? = nil) {
        self.recordID = recordID
    }

    /// The entry under the cursor, or the one shown in full.
    public var selected: JournalEntry? {
        let index = detail ?? cursor.selected
        return entries.indices.contains(index) ? entries[index] : nil
    }
}

/// An undo previewed and waiting for the person's answer.
public struct UndoConfirmation: Hashable, Sendable {
    public var plan: UndoPlan
}

extension Keys {
    enum History {
        static let open = KeyBinding([.enter], "Enter", "show the entry with its field diff", footer: true, hint: "Enter diff")
        static let undo = KeyBinding([.character("u")], "u", "undo the entry (preview first)", footer: true)
        static let back = KeyBinding([.escape, .backspace, .left, .character("h")], "Esc ← h", "back", footer: true, hint: "Esc back")
        static let table = [open, undo, refresh, back] + ListKeys.list.bindings + global
        /// In the undo preview.
        static let confirm = KeyBinding([.enter, .character("y")], "Enter y", "send the undo")
        static let force = KeyBinding([.character("F")], "F", "send the undo although the record changed since")
        static let dismiss = KeyBinding([.escape, .character("n")], "Esc n", "send nothing")
    }

    /// `H` on a record.
    static let recordHistory = KeyBinding([.character("H")], "H", "this record's history (the write journal)")
}

extension ExplorerUpdate {
    // MARK: - History

    /// Opens the journal's entries (those of `recordID`, when given).
    static func openHistory(recordID: String?, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        state.overlay = nil
        guard context.service.journal != nil else {
            setStatus(&state, "writes are not journaled in this session (journal: off)", error: true)
            return []
        }
        state.stack.append(.history(HistoryPage(recordID: recordID)))
        setStatus(&state, "reading the journal…")
        return [.loadHistory(recordID: recordID)]
    }

    static func handleHistory(_ key: Key, _ page: inout HistoryPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        if let detail = page.detail {
            switch key {
            case Keys.History.back:
                page.detail = nil
                page.detailOffset = 0
            case Keys.History.undo:
                return planUndo(page.entries[detail], &state)
            default:
                let lines = JournalText.detail(page.entries[detail]).count
                page.detailOffset = scroll(page.detailOffset, key: key, count: lines, visible: state.listRows)
            }
            return []
        }
        if page.cursor.handle(key, count: page.entries.count, visible: state.listRows) { return [] }
        switch key {
        case Keys.History.back:
            return back(&state)
        case Keys.History.open where page.selected != nil:
            page.detail = page.cursor.selected
            page.detailOffset = 0
        case Keys.History.undo:
            if let entry = page.selected { return planUndo(entry, &state) }
        case Keys.refresh:
            return [.loadHistory(recordID: page.recordID)]
        default:
            break
        }
        return []
    }

    private static func planUndo(_ entry: JournalEntry, _ state: inout ExplorerState) -> [Effect] {
        setStatus(&state, "reading what the undo of #\(entry.id) would change…")
        return [.planUndo(entry)]
    }

    /// The journal's answers: entries read, an undo planned, an undo sent.
    static func journalAction(_ action: Action, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        switch action {
        case .historyLoaded(let result, let recordID):
            guard let index = state.stack.lastIndex(where: { if case .history(let page) = $0 { return page.recordID == recordID } else { return false } }),
                case .history(var page) = state.stack[index]
            else { return [] }
            switch result {
            case .success(let entries):
                // The same entries stay selected and shown as the newer ones come in on top.
                let selectedID = page.entries.indices.contains(page.cursor.selected) ? page.entries[page.cursor.selected].id : nil
                let shownID = page.detail.flatMap { page.entries.indices.contains($0) ? page.entries[$0].id : nil }
                page.entries = entries
                page.loaded = true
                page.cursor.selected = entries.firstIndex { $0.id == selectedID } ?? 0
                page.cursor.clamp(count: entries.count, visible: state.listRows)
                page.detail = shownID.flatMap { id in entries.firstIndex { $0.id == id } }
                state.stack[index] = .history(page)
                if state.status?.hasPrefix("reading the journal") == true { state.status = nil }
            case .failure(let error):
                state.overlay = .error(error)
            }
            return []
        case .undoPlanned(let result):
            switch result {
            case .success(let plan):
                state.status = nil
                state.overlay = .confirmUndo(UndoConfirmation(plan: plan))
            case .failure(let error):
                state.status = nil
                state.overlay = .error(error)
            }
            return []
        case .undone(let result):
            switch result {
            case .success(let text):
                setStatus(&state, text)
            case .failure(let error):
                state.status = nil
                state.overlay = .error(error)
            }
            guard case .history(let page) = state.page else { return [] }
            return [.loadHistory(recordID: page.recordID)]
        default:
            return []
        }
    }

    static func handleUndoConfirmation(_ confirmation: UndoConfirmation, _ key: Key, _ state: inout ExplorerState) -> [Effect] {
        let plan = confirmation.plan
        switch key {
        case Keys.History.dismiss:
            state.overlay = nil
            setStatus(&state, "nothing was sent")
        case Keys.History.confirm where plan.conflicts.isEmpty && !plan.steps.isEmpty:
            state.overlay = nil
            setStatus(&state, "undoing #\(plan.entry.id)…")
            return [.applyUndo(plan, force: false)]
        case Keys.History.force where !plan.conflicts.isEmpty && !plan.steps.isEmpty:
            state.overlay = nil
            setStatus(&state, "undoing #\(plan.entry.id) over the changes since…")
            return [.applyUndo(plan, force: true)]
        case Keys.History.confirm where plan.steps.isEmpty:
            state.overlay = nil
        default:
            break
        }
        return []
    }
}

/// What the app does for the history's effects, off the loop: read the journal, plan and apply undos.
enum JournalEffects {
    static func run(_ effect: Effect, service: PlanhatService, post: @escaping @Sendable (Action) -> Void) {
        switch effect {
        case .loadHistory(let recordID):
            Task.detached {
                do {
                    let entries = try service.journal?.journal.entries(JournalQuery(recordID: recordID, limit: 500)) ?? []
                    post(.historyLoaded(.success(entries), recordID: recordID))
                } catch {
                    post(.historyLoaded(.failure(asPlanhatError(error)), recordID: recordID))
                }
            }
        case .planUndo(let entry):
            Task {
                do {
                    post(.undoPlanned(.success(try await JournalUndo(service: service).plan(entry))))
                } catch {
                    post(.undoPlanned(.failure(asPlanhatError(error))))
                }
            }
        case .applyUndo(let plan, let force):
            Task {
                do {
                    let answers = try await JournalUndo(service: service).apply(plan, force: force)
                    let recreated = zip(plan.steps, answers).compactMap { step, answer in
                        step.kind == .recreate ? "created again as \(answer["_id"]?.stringValue ?? "?") (it was \(step.recordID))" : nil
                    }
                    post(.undone(.success((["undone entry #\(plan.entry.id)"] + recreated).joined(separator: "; "))))
                } catch {
                    post(.undone(.failure(asPlanhatError(error))))
                }
            }
        default:
            break
        }
    }

    private static func asPlanhatError(_ error: any Error) -> PlanhatError {
        error as? PlanhatError ?? PlanhatError(.internal, message: "\(error)")
    }
}

extension ExplorerView {
    static func history(_ buffer: inout CellBuffer, _ page: HistoryPage, _ body: Rect, theme: Theme) {
        let title = page.recordID.map { "History of \($0)" } ?? "History: every write through Planhat Explorer, newest first"
        buffer.put(title, x: 1, y: body.y, style: theme[.accent], maxWidth: body.width - 2)
        let visible = Layout.listRows(bodyHeight: body.height)
        if let detail = page.detail, page.entries.indices.contains(detail) {
            buffer.put("Entry \(detail + 1) of \(page.entries.count) · u undo · Esc back to the list", x: 1, y: body.y + 1, style: theme[.muted], maxWidth: body.width - 2)
            let lines = JournalText.detail(page.entries[detail])
            for (row, index) in (page.detailOffset..<min(lines.count, page.detailOffset + visible)).enumerated() {
                buffer.put(lines[index], x: 1, y: body.y + 2 + row, style: theme[.text], maxWidth: body.width - 2)
            }
            return
        }
        let info = !page.loaded ? "reading the journal…" : page.entries.isEmpty ? "no writes journaled yet" : "\(page.entries.count) entries · Enter diff · u undo"
        buffer.put(info, x: 1, y: body.y + 1, style: theme[.muted], maxWidth: body.width - 2)
        for (row, index) in (page.cursor.offset..<min(page.entries.count, page.cursor.offset + visible)).enumerated() {
            let entry = page.entries[index]
            let style = index == page.cursor.selected ? theme[.selection] : entry.outcome == .done ? theme[.text] : theme[.warning]
            if index == page.cursor.selected { buffer.fill(x: 0, y: body.y + 2 + row, width: body.width, height: 1, style: style) }
            buffer.put(" " + JournalText.line(entry), x: 0, y: body.y + 2 + row, style: style, maxWidth: body.width - 1)
        }
    }

    static func undoDialog(_ buffer: inout CellBuffer, _ confirmation: UndoConfirmation, theme: Theme) {
        let plan = confirmation.plan
        let width = min(buffer.width - 2, 96)
        var lines = plan.previewLines.flatMap { wrap($0, width: width - 4) }
        if !plan.conflicts.isEmpty { lines += [""] + plan.conflictLines.flatMap { wrap($0, width: width - 4) } }
        let closing =
            plan.steps.isEmpty ? "Enter or Esc closes" : plan.conflicts.isEmpty ? "Enter or y sends the undo · Esc or n sends nothing" : "F undoes anyway (overwrites what changed) · Esc or n sends nothing"
        let height = min(buffer.height - 2, lines.count + 4)
        let x = (buffer.width - width) / 2, y = max(1, (buffer.height - height) / 2)
        buffer.fill(x: x, y: y, width: width, height: height, style: theme[.text])
        buffer.box(
            x: x, y: y, width: width, height: height, style: plan.conflicts.isEmpty ? theme[.border] : theme[.error], title: "Undo #\(plan.entry.id)",
            titleStyle: theme[.accent])
        for (row, line) in lines.prefix(max(0, height - 3)).enumerated() {
            buffer.put(line, x: x + 2, y: y + 1 + row, style: theme[.text], maxWidth: width - 4)
        }
        buffer.put(closing, x: x + 2, y: y + height - 2, style: theme[.muted], maxWidth: width - 4)
    }
}
