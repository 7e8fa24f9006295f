import Foundation
import PlanhatKit
import TerminalUI

extension ExplorerUpdate {
    // MARK: - The mouse

    /// Rows the wheel moves by.
    static let wheelStep = 3

    /// A click or a wheel turn: on results a click selects the row (on a header: sorts by that
    /// column), the wheel moves the selection; on the models and operations lists a click selects;
    /// on a record or a schema the wheel scrolls. Over a dialog the mouse does nothing.
    static func mouse(_ event: MouseEvent, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard state.overlay == nil, !state.isTyping else { return [] }
        switch state.page {
        case .results(var page):
            let effects = resultsMouse(event, &page, &state, context: context)
            if case .results = state.page { replaceTop(&state, .results(page)) }
            return effects
        case .models(var page):
            let count = visibleModels(page, context: context).count
            listMouse(event, &page.cursor, count: count, firstRowY: 3, visible: state.listRows)
            replaceTop(&state, .models(page))
        case .operations(var page):
            listMouse(event, &page.cursor, count: page.visibleOperations.count, firstRowY: 4, visible: state.listRows - 1)
            replaceTop(&state, .operations(page))
        case .record(var page):
            if let key = wheelKey(event) {
                for _ in 0..<wheelStep { page.offset = scroll(page.offset, key: key, count: page.lines.count, visible: state.listRows) }
                replaceTop(&state, .record(page))
            }
        case .schema(var page):
            if let key = wheelKey(event) {
                for _ in 0..<wheelStep { page.offset = scroll(page.offset, key: key, count: page.lines.count, visible: state.listRows) }
                replaceTop(&state, .schema(page))
            }
        default:
            break
        }
        return []
    }

    private static func wheelKey(_ event: MouseEvent) -> Key? {
        switch event.kind {
        case .wheelUp: return .up
        case .wheelDown: return .down
        case .click: return nil
        }
    }

    /// A list whose rows start at `firstRowY`: a click selects the row under it, the wheel moves.
    private static func listMouse(_ event: MouseEvent, _ cursor: inout ListCursor, count: Int, firstRowY: Int, visible: Int) {
        switch event.kind {
        case .click:
            let row = cursor.offset + event.y - firstRowY
            guard event.y >= firstRowY, event.y < firstRowY + visible, row < count else { return }
            cursor.selected = row
        case .wheelUp:
            cursor.selected -= wheelStep
        case .wheelDown:
            cursor.selected += wheelStep
        }
        cursor.clamp(count: count, visible: visible)
    }

    private static func resultsMouse(_ event: MouseEvent, _ page: inout ResultsPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        let headerY = 2
        if event.kind == .click, event.y == headerY {
            guard let column = ExplorerView.resultsColumn(at: event.x, page, width: state.width, bodyHeight: state.bodyHeight) else { return [] }
            page.column = column
            return sortByColumn(&page, &state, context: context)
        }
        listMouse(event, &page.cursor, count: page.visibleRows.count, firstRowY: headerY + 1, visible: state.listRows)
        return loadMoreIfNeeded(page, &state, context: context)
    }
}
