import Foundation
import PlanhatKit
import TerminalUI

/// Renders the explorer's state into a cell buffer. Pure: the same state draws the same screen,
/// and only visible rows are drawn, whatever the number of records.
public enum ExplorerView {
    public static let minimumWidth = 30
    public static let minimumHeight = 8
    static let spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    public static func render(_ state: ExplorerState, context: ExplorerContext, theme: Theme) -> CellBuffer {
        let context = context.merging(state.customFields)
        var buffer = CellBuffer(width: state.width, height: state.height, fill: theme[.text])
        guard state.width >= minimumWidth, state.height >= minimumHeight else {
            let message = "Terminal too small (\(state.width)×\(state.height)); need \(minimumWidth)×\(minimumHeight)"
            for (index, line) in wrap(message, width: max(1, state.width)).enumerated() {
                buffer.put(line, x: 0, y: state.height / 2 - 1 + index, style: theme[.warning])
            }
            return buffer
        }
        header(&buffer, state: state, context: context, theme: theme)
        let body = Rect(x: 0, y: 2, width: state.width, height: state.bodyHeight)
        switch state.page {
        case .models(let page): models(&buffer, page, body, context: context, theme: theme)
        case .operations(let page): operations(&buffer, page, body, context: context, theme: theme)
        case .parameters(let page): parameters(&buffer, page, body, theme: theme)
        case .results(let page): results(&buffer, page, body, theme: theme)
        case .record(let page): record(&buffer, page, body, theme: theme)
        case .schema(let page): schema(&buffer, page, body, theme: theme)
        case .form(let page): form(&buffer, page, body, context: context, theme: theme)
        case .history(let page): history(&buffer, page, body, theme: theme)
        }
        footer(&buffer, state: state, readOnly: context.service.readOnly, theme: theme)
        switch state.overlay {
        case .help?: help(&buffer, state: state, readOnly: context.service.readOnly, theme: theme)
        case .error(let error)?: errorDialog(&buffer, error, theme: theme)
        case .picker(let picker)?: pickerDialog(&buffer, picker, theme: theme)
        case .items(let editor)?: itemsEditor(&buffer, editor, theme: theme)
        case .preview(let preview)?: previewDialog(&buffer, preview, theme: theme)
        case .confirmDelete(let confirmation)?: deleteConfirmation(&buffer, confirmation, theme: theme)
        case .confirmBulkDelete(let confirmation)?: bulkDeleteConfirmation(&buffer, confirmation, theme: theme)
        case .confirmDiscard?: discardDialog(&buffer, theme: theme)
        case .draftOffer(let draft)?: draftOffer(&buffer, draft, theme: theme)
        case .exportChoice(let plan)?: exportChoice(&buffer, plan, context: context, theme: theme)
        case .confirmReplace(let job)?: replaceDialog(&buffer, job, context: context, theme: theme)
        case .confirmUndo(let confirmation)?: undoDialog(&buffer, confirmation, theme: theme)
        case .columns(let chooser)?: columnChooser(&buffer, chooser, theme: theme)
        case .related(let menu)?: relatedMenu(&buffer, menu, context: context, theme: theme)
        case .prompt?, nil: break
        }
        return buffer
    }

    struct Rect {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
    }

    // MARK: - Frame

    private static func header(_ buffer: inout CellBuffer, state: ExplorerState, context: ExplorerContext, theme: Theme) {
        let info = context.service.backend.info
        var badge = info.kind == .sandbox ? "SANDBOX \(context.directories.abbreviate(info.location))" : info.badge + (info.profile.map { " (\($0))" } ?? "")
        if context.service.readOnly { badge += "  READ-ONLY" }
        let used = buffer.put(" Planhat Explorer ", x: 0, y: 0, style: theme[.accent])
        let badgeWidth = min(DisplayWidth.of(badge), max(0, state.width - used - 2))
        buffer.put(badge, x: state.width - badgeWidth - 1, y: 0, style: info.kind == .sandbox ? theme[.warning] : theme[.success], maxWidth: badgeWidth)
        buffer.put(breadcrumb(state), x: 1, y: 1, style: theme[.muted], maxWidth: state.width - 2)
    }

    /// `Models › companies › list › record`
    public static func breadcrumb(_ state: ExplorerState) -> String {
        var parts = ["Models"]
        for page in state.stack.dropFirst() {
            switch page {
            case .models: break
            case .operations(let page): parts.append(page.model.route)
            case .parameters: parts.append("list")
            case .results(let page):
                let details = [page.scope, page.localSort.map { "sorted here by \($0)" } ?? page.sort.map { "sort \($0)" }].compactMap { $0 }
                parts.append(details.isEmpty ? "results" : "results (\(details.joined(separator: ", ")))")
            case .record(let page): parts.append(page.record["_id"]?.stringValue ?? "record")
            case .schema: parts.append("schema")
            case .form(let page): parts.append(page.operation.rawValue)
            case .history(let page): parts.append(page.recordID.map { "history of \($0)" } ?? "history")
            }
        }
        return parts.joined(separator: " › ")
    }

    private static func footer(_ buffer: inout CellBuffer, state: ExplorerState, readOnly: Bool, theme: Theme) {
        let y = state.height - 1
        buffer.fill(x: 0, y: y, width: state.width, height: 1, style: theme[.text])
        if case .prompt(let prompt)? = state.overlay {
            let label = prompt.kind == .jump ? ":" : prompt.kind == .saveView ? "Save the view as: " : "Export to (.csv or .json): "
            let used = buffer.put(label, x: 0, y: y, style: theme[.accent])
            prompt.field.render(into: &buffer, x: used, y: y, width: state.width - used, style: theme[.text], cursorStyle: theme[.selection], focused: true)
            if prompt.kind == .jump, y > 0 { jumpChoices(&buffer, prompt, y: y - 1, width: state.width, theme: theme) }
            return
        }
        var right = ""
        var rightStyle = theme[.muted]
        if let pending = state.pending {
            right = "\(spinnerFrames[state.spinner % spinnerFrames.count]) \(pending.label)… (Esc cancels)"
            rightStyle = theme[.accent]
        } else if let job = state.job {
            right = "\(spinnerFrames[state.spinner % spinnerFrames.count]) \(job.label): \(English.count(job.done, "record")) written… (Esc cancels)"
            rightStyle = theme[.accent]
        } else if let status = state.status {
            right = status
            rightStyle = state.statusIsError ? theme[.error] : theme[.success]
        }
        let hints = Keys.table(for: state.page, readOnly: readOnly).filter(\.inFooter).map(\.footerText).joined(separator: " · ")
        let wide = state.statusIsWide && state.pending == nil && state.job == nil
        let rightWidth = min(DisplayWidth.of(right), wide ? state.width - 2 : state.width * 2 / 3)
        buffer.put(" " + hints, x: 0, y: y, style: theme[.muted], maxWidth: max(0, state.width - rightWidth - 2))
        if !right.isEmpty { buffer.put(right, x: state.width - rightWidth - 1, y: y, style: rightStyle, maxWidth: rightWidth) }
    }

    /// Above the `:` prompt: why the last Enter did nothing, or the models the text may mean.
    private static func jumpChoices(_ buffer: inout CellBuffer, _ prompt: Prompt, y: Int, width: Int, theme: Theme) {
        buffer.fill(x: 0, y: y, width: width, height: 1, style: theme[.text])
        var x = buffer.put(" ", x: 0, y: y, style: theme[.text])
        if let problem = prompt.problem {
            x += buffer.put(problem + "  ", x: x, y: y, style: theme[.error], maxWidth: width - x - 1)
        }
        for (index, route) in prompt.choices.prefix(8).enumerated() where x < width - 4 {
            x += buffer.put(route, x: x, y: y, style: index == prompt.choice ? theme[.selection] : theme[.muted], maxWidth: width - x - 1)
            x += buffer.put("  ", x: x, y: y, style: theme[.text])
        }
        if prompt.problem == nil, !prompt.choices.isEmpty, x < width - 30 {
            buffer.put("↑ ↓ choose · Tab completes · Enter jumps", x: x, y: y, style: theme[.muted], maxWidth: width - x - 1)
        }
    }

    // MARK: - Pages

    private static func models(_ buffer: inout CellBuffer, _ page: ModelsPage, _ body: Rect, context: ExplorerContext, theme: Theme) {
        let rows = ExplorerUpdate.visibleModels(page, context: context).map { entry in
            [entry.model.name, entry.model.route, entry.operations.map(\.rawValue).joined(separator: " ")]
        }
        table(&buffer, headers: ["NAME", "ROUTE", "OPERATIONS"], rows: rows, cursor: page.cursor, focusedColumn: nil, body: Rect(x: body.x, y: body.y, width: body.width, height: body.height - 1), theme: theme)
        let info = page.filter.map { "/\($0.query)" } ?? "\(rows.count) models"
        infoLine(&buffer, info, editing: page.filter?.editing == true, field: page.filter?.field, y: body.y + body.height - 1, width: body.width, theme: theme)
    }

    private static func operations(_ buffer: inout CellBuffer, _ page: OperationsPage, _ body: Rect, context: ExplorerContext, theme: Theme) {
        buffer.put("\(page.model.name) · /\(page.model.path)", x: 1, y: body.y, style: theme[.accent], maxWidth: body.width - 2)
        let rows = page.visibleOperations.map { operation -> [String] in
            let schema = context.schema(page.model, operation)
            return [operation.rawValue, schema["description"]?.stringValue ?? ""]
        }
        table(&buffer, headers: ["OPERATION", "WHAT IT DOES"], rows: rows, cursor: page.cursor, focusedColumn: nil, body: Rect(x: body.x, y: body.y + 1, width: body.width, height: Layout.listRows(bodyHeight: body.height)), theme: theme)
        let info = page.filter.map { "/\($0.query)" } ?? "\(rows.count) operations"
        infoLine(&buffer, info, editing: page.filter?.editing == true, field: page.filter?.field, y: body.y + body.height - 1, width: body.width, theme: theme)
    }

    private static func parameters(_ buffer: inout CellBuffer, _ page: ParametersPage, _ body: Rect, theme: Theme) {
        buffer.put("List \(page.model.plural.lowercased()): parameters (Ctrl-S or Enter runs)", x: 1, y: body.y, style: theme[.accent], maxWidth: body.width - 2)
        let labelWidth = min(12, (page.fields.map { DisplayWidth.of($0.name) }.max() ?? 6) + 1)
        let inputWidth = max(8, min(40, body.width - labelWidth - 4))
        var y = body.y + 2
        for (index, field) in page.fields.enumerated() where y < body.y + body.height {
            let focused = index == page.focus
            buffer.put(DisplayWidth.pad(field.name, to: labelWidth), x: 1, y: y, style: focused ? theme[.accent] : theme[.text])
            field.input.render(into: &buffer, x: labelWidth + 2, y: y, width: inputWidth, style: focused ? theme[.text] : theme[.muted], cursorStyle: theme[.selection], focused: focused)
            let helpX = labelWidth + inputWidth + 4
            if helpX < body.width - 4 {
                buffer.put(field.help, x: helpX, y: y, style: theme[.muted], maxWidth: body.width - helpX - 1)
            } else if focused, y + 1 < body.y + body.height {
                y += 1
                buffer.put(field.help, x: labelWidth + 2, y: y, style: theme[.muted], maxWidth: body.width - labelWidth - 3)
            }
            y += 1
        }
    }

    private static func results(_ buffer: inout CellBuffer, _ page: ResultsPage, _ body: Rect, theme: Theme) {
        let indexes = page.visibleRows
        let (headers, rows, sample, shown) = resultsTable(page, bodyHeight: body.height)
        var cursor = page.cursor
        cursor.offset = 0
        cursor.selected = page.cursor.selected - page.cursor.offset
        table(
            &buffer, headers: headers, rows: rows, cursor: cursor, focusedColumn: page.column, body: Rect(x: body.x, y: body.y, width: body.width, height: body.height - 1),
            theme: theme, widthSample: sample, numericColumns: numericColumns(page), fixedWidths: page.columns.map { page.widths[$0] }, pinned: page.pinned,
            cellStyle: cellStyles(page, rows: Array(shown), theme: theme))
        // A marked row carries a glyph in the left margin: seen without colours too (NO_COLOR).
        if !page.marked.isEmpty {
            for (row, index) in shown.enumerated() where row < body.height - 2 {
                guard let id = page.rowID(index), page.marked.contains(id) else { continue }
                let selected = row == cursor.selected
                buffer.put(markGlyph, x: body.x, y: body.y + 1 + row, style: selected ? theme[.selection] : theme[.accent])
            }
        }
        var info = page.exhausted ? "\(page.rows.count) records" : "\(page.rows.count) loaded, more… (scroll down)"
        if let filter = page.filter {
            info = "/\(filter.query)  \(indexes.count) of \(page.rows.count)" + (page.exhausted ? ", the whole list" : " loaded · L loads the rest")
        }
        if indexes.isEmpty, page.filter == nil { info = "no records" }
        if !page.marked.isEmpty { info += "  · \(page.marked.count) marked (u change · D delete · e export)" }
        infoLine(&buffer, info, editing: page.filter?.editing == true, field: page.filter?.field, y: body.y + body.height - 1, width: body.width, theme: theme)
    }

    /// The glyph in the left margin of a marked row.
    public static let markGlyph = "*"

    /// `NAME`, `ID`, a custom field by its own name (`SEATS` for `custom.Seats`), a nested path as it is.
    public static func columnTitle(_ column: String) -> String {
        if column == "_id" { return "ID" }
        if column.hasPrefix("custom.") { return String(column.dropFirst(7)).uppercased() }
        if column.contains(".") { return column.uppercased() }
        return SchemaBuilder.humanize(column).uppercased()
    }

    /// Health in colour: low in the error colour, middling in the warning colour, good in green
    /// (without colours the number reads alone).
    private static func cellStyles(_ page: ResultsPage, rows: [Int], theme: Theme) -> (Int, Int) -> Style? {
        guard let health = page.columns.firstIndex(of: "h") else { return { _, _ in nil } }
        let values = rows.map { page.value(at: $0, column: health)?.doubleValue }
        return { row, column in
            guard column == health, values.indices.contains(row), let value = values[row] else { return nil }
            return theme[value < 40 ? .error : value < 70 ? .warning : .success]
        }
    }

    private static func numericColumns(_ page: ResultsPage) -> Set<Int> {
        Set(page.columns.indices.filter { index in
            let type = page.model.field(named: page.columns[index])?.type
            return type == "number" || type == "integer"
        })
    }

    private static func record(_ buffer: inout CellBuffer, _ page: RecordPage, _ body: Rect, theme: Theme) {
        if let heading = page.heading {
            buffer.put(heading, x: 1, y: body.y, style: page.warnings.isEmpty ? theme[.success] : theme[.warning], maxWidth: body.width - 2)
        } else {
            let title = page.record[page.model.titleField].map { CellText.of($0) } ?? page.model.name
            buffer.put("\(page.model.name): \(title)", x: 1, y: body.y, style: theme[.accent], maxWidth: body.width - 2)
        }
        let matches = page.matches
        let current = matches.isEmpty ? nil : matches[page.match % matches.count]
        let matchSet = Set(matches)
        let visible = Layout.listRows(bodyHeight: body.height)
        for (row, index) in (page.offset..<min(page.lines.count, page.offset + visible)).enumerated() {
            let y = body.y + 1 + row
            var x = 1
            for span in page.lines[index] {
                var style = theme[span.slot]
                if index == current || index == page.referenceFocus { style = theme[.selection] } else if matchSet.contains(index) { style.underline = true }
                x += buffer.put(span.text, x: x, y: y, style: style, maxWidth: body.width - x - 1)
            }
        }
        var info = "line \(min(page.lines.count, page.offset + 1))–\(min(page.lines.count, page.offset + visible)) of \(page.lines.count)"
        if let search = page.search {
            info = "/\(search.query)  " + (matches.isEmpty ? "no match" : "match \(page.match % matches.count + 1) of \(matches.count)")
        }
        infoLine(&buffer, info, editing: page.search?.editing == true, field: page.search?.field, y: body.y + body.height - 1, width: body.width, theme: theme)
    }

    private static func schema(_ buffer: inout CellBuffer, _ page: SchemaPage, _ body: Rect, theme: Theme) {
        buffer.put("\(page.operation.rawValue) \(page.model.route): parameters (JSON Schema)", x: 1, y: body.y, style: theme[.accent], maxWidth: body.width - 2)
        buffer.put("The same schema get_model_action_parameters and planhat schema \(page.model.route) \(page.operation.rawValue) show · Esc back", x: 1, y: body.y + 1, style: theme[.muted], maxWidth: body.width - 2)
        for (row, index) in (page.offset..<min(page.lines.count, page.offset + Layout.listRows(bodyHeight: body.height))).enumerated() {
            var x = 1
            for span in page.lines[index] {
                x += buffer.put(span.text, x: x, y: body.y + 2 + row, style: theme[span.slot], maxWidth: body.width - x - 1)
            }
        }
    }

    // MARK: - Pieces

    private static func infoLine(_ buffer: inout CellBuffer, _ text: String, editing: Bool, field: TextField?, y: Int, width: Int, theme: Theme) {
        if editing, let field {
            let used = buffer.put(" /", x: 0, y: y, style: theme[.accent])
            field.render(into: &buffer, x: used, y: y, width: min(40, width - used - 1), style: theme[.text], cursorStyle: theme[.selection], focused: true)
        } else {
            buffer.put(" " + text, x: 0, y: y, style: theme[.muted], maxWidth: width - 1)
        }
    }

    /// A table: header, rows with the selection highlighted, columns sized by display width and
    /// scrolled horizontally so the focused column is on screen.
    private static func table(
        _ buffer: inout CellBuffer, headers: [String], rows: [[String]], cursor: ListCursor, focusedColumn: Int?, body: Rect,
        theme: Theme, widthSample: [[String]]? = nil, numericColumns: Set<Int> = [], fixedWidths: [Int?] = [], pinned: Bool = false,
        cellStyle: (_ row: Int, _ column: Int) -> Style? = { _, _ in nil }
    ) {
        guard body.height >= 1, !headers.isEmpty else { return }
        let layout = tableLayout(headers: headers, sample: widthSample ?? rows, fixedWidths: fixedWidths, focusedColumn: focusedColumn, pinned: pinned, body: body)
        let first = layout.first, pinnedWidth = layout.pinnedWidth
        func draw(_ cells: [String], y: Int, style: (Int) -> Style) {
            for span in layout.spans {
                let text = numericColumns.contains(span.column) ? leftPad(cells[span.column], to: span.width) : cells[span.column]
                buffer.put(DisplayWidth.pad(text, to: span.width), x: span.x, y: y, style: style(span.column))
            }
        }
        draw(headers, y: body.y) { column in
            var style = theme[.accent]
            if column == focusedColumn { style.reverse = true }
            return style
        }
        for (row, cells) in rows.enumerated() where row < body.height - 1 {
            let y = body.y + 1 + row
            let selected = row == cursor.selected - cursor.offset
            if selected { buffer.fill(x: body.x, y: y, width: body.width, height: 1, style: theme[.selection]) }
            draw(cells, y: y) { column in selected ? theme[.selection] : cellStyle(row, column) ?? theme[.text] }
        }
        if first > (pinnedWidth > 0 ? 1 : 0) { buffer.put("‹", x: body.x + (pinnedWidth > 0 ? pinnedWidth : 0), y: body.y, style: theme[.muted]) }
    }

    /// Where each column of a table is drawn (the columns on screen, left to right), the first
    /// column shown after a pinned one, and the pinned column's room.
    struct TableGeometry {
        var spans: [(column: Int, x: Int, width: Int)]
        var first: Int
        var pinnedWidth: Int
    }

    /// The one computation of a table's columns: the view draws by it, a click on a header reads it.
    static func tableLayout(headers: [String], sample: [[String]], fixedWidths: [Int?], focusedColumn: Int?, pinned: Bool, body: Rect) -> TableGeometry {
        var widths = TableLayout.widths(headers: headers, rows: sample)
        for (index, fixed) in fixedWidths.enumerated() where widths.indices.contains(index) {
            if let fixed { widths[index] = fixed }
        }
        if widths.count == 1 { widths[0] = body.width - 2 }
        if let last = widths.indices.last, focusedColumn == nil {
            let used = widths.dropLast().reduce(0) { $0 + $1 + 2 }
            widths[last] = max(widths[last], body.width - 2 - used)
        }
        var first = 0
        // A pinned first column stays on the left: the others scroll in the room beside it.
        let pinnedWidth = pinned && headers.count > 1 ? widths[0] + 2 : 0
        if let focus = focusedColumn {
            let lowest = pinnedWidth > 0 ? 1 : 0
            first = lowest
            while first < focus, widths[first...focus].reduce(0, { $0 + $1 + 2 }) > body.width - 1 - pinnedWidth { first += 1 }
            if pinnedWidth == 0 || focus == 0 { first = min(first, focus) }
        }
        let columns = (pinnedWidth > 0 && first > 0 ? [0] : []) + Array(first..<headers.count)
        var spans: [(column: Int, x: Int, width: Int)] = []
        var x = body.x + 1
        for column in columns where x < body.x + body.width - 1 {
            let width = min(widths[column], body.x + body.width - 1 - x)
            spans.append((column, x, width))
            x += width + 2
        }
        return TableGeometry(spans: spans, first: first, pinnedWidth: pinnedWidth)
    }

    /// The results table's headers (with the sort's arrow) and the cell texts its widths fit.
    static func resultsTable(_ page: ResultsPage, bodyHeight: Int) -> (headers: [String], rows: [[String]], sample: [[String]], shown: [Int]) {
        let visible = Layout.listRows(bodyHeight: bodyHeight)
        let shown = Array(page.visibleRows.dropFirst(page.cursor.offset).prefix(max(0, visible)))
        let rows = shown.map { index in page.cellTexts(index) }
        let headers = page.columns.map { column -> String in
            let title = columnTitle(column)
            let sort = page.localSort ?? page.sort
            if sort == column { return title + " ▲" }
            if sort == "-" + column { return title + " ▼" }
            return title
        }
        // Widths fit the rows on screen and the first rows, so scrolling far down never truncates.
        return (headers, rows, page.sample + rows, shown)
    }

    /// The column whose header is at column `x` of the screen, on a results table of `width`.
    static func resultsColumn(at x: Int, _ page: ResultsPage, width: Int, bodyHeight: Int) -> Int? {
        let table = resultsTable(page, bodyHeight: bodyHeight)
        let layout = tableLayout(
            headers: table.headers, sample: table.sample, fixedWidths: page.columns.map { page.widths[$0] }, focusedColumn: page.column, pinned: page.pinned,
            body: Rect(x: 0, y: 2, width: width, height: bodyHeight - 1))
        return layout.spans.first { x >= $0.x && x < $0.x + $0.width + 2 }?.column
    }

    private static func leftPad(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - DisplayWidth.of(text))) + text
    }

    /// The page's key bindings, in one or two columns; what does not fit is counted, never hidden.
    private static func help(_ buffer: inout CellBuffer, state: ExplorerState, readOnly: Bool, theme: Theme) {
        let entries = Keys.table(for: state.page, readOnly: readOnly)
        let keyWidth = entries.map { DisplayWidth.of($0.label) }.max() ?? 4
        let columnWidth = keyWidth + 2 + (entries.map { DisplayWidth.of($0.action) }.max() ?? 10)
        let rowsAvailable = max(1, state.height - 5)
        let columns = entries.count > rowsAvailable && state.width >= 2 * columnWidth + 8 ? 2 : 1
        let rows = min(rowsAvailable, (entries.count + columns - 1) / columns)
        let width = min(state.width - 2, max(30, columns * columnWidth + (columns - 1) * 3 + 4))
        let height = min(state.height - 2, rows + 3)
        let x = (state.width - width) / 2, y = max(1, (state.height - height) / 2)
        buffer.fill(x: x, y: y, width: width, height: height, style: theme[.text])
        buffer.box(x: x, y: y, width: width, height: height, style: theme[.border], title: "Keys: \(pageName(state.page))", titleStyle: theme[.accent])
        let cellWidth = (width - 4 - (columns - 1) * 3) / columns
        for (index, entry) in entries.prefix(rows * columns).enumerated() {
            let column = index / rows, row = index % rows
            let left = x + 2 + column * (cellWidth + 3)
            buffer.put(DisplayWidth.pad(entry.label, to: keyWidth), x: left, y: y + 1 + row, style: theme[.accent], maxWidth: cellWidth)
            buffer.put(entry.action, x: left + keyWidth + 2, y: y + 1 + row, style: theme[.text], maxWidth: max(0, cellWidth - keyWidth - 2))
        }
        let hidden = entries.count - rows * columns
        let closing = hidden > 0 ? "… \(hidden) more: enlarge the window · Esc or ? closes" : "Esc or ? closes"
        buffer.put(closing, x: x + 2, y: y + height - 2, style: theme[.muted], maxWidth: width - 4)
    }

    static func pageName(_ page: Page) -> String {
        switch page {
        case .models: return "models"
        case .operations: return "operations"
        case .parameters: return "list parameters"
        case .results: return "results"
        case .record: return "record"
        case .schema: return "schema"
        case .form(let page): return "\(page.operation.rawValue) form"
        case .history: return "history"
        }
    }

    private static func errorDialog(_ buffer: inout CellBuffer, _ error: PlanhatError, theme: Theme) {
        let width = min(buffer.width - 2, 72)
        var lines = wrap(error.message, width: width - 4)
        for issue in error.fieldIssues.prefix(6) where error.fieldIssues.count > 1 {
            lines += wrap("• \(issue)", width: width - 4)
        }
        lines.append("")
        let guidance = wrap(error.guidance(for: .explorer), width: width - 4)
        let height = min(buffer.height - 2, lines.count + guidance.count + 4)
        let x = (buffer.width - width) / 2, y = max(1, (buffer.height - height) / 2)
        buffer.fill(x: x, y: y, width: width, height: height, style: theme[.text])
        buffer.box(x: x, y: y, width: width, height: height, style: theme[.error], title: error.label, titleStyle: theme[.error])
        var row = y + 1
        for line in lines where row < y + height - 2 {
            buffer.put(line, x: x + 2, y: row, style: theme[.text], maxWidth: width - 4)
            row += 1
        }
        for line in guidance where row < y + height - 2 {
            buffer.put(line, x: x + 2, y: row, style: theme[.muted], maxWidth: width - 4)
            row += 1
        }
        buffer.put("Enter or Esc closes", x: x + 2, y: y + height - 2, style: theme[.muted], maxWidth: width - 4)
    }

    /// Words wrapped to `width` display columns (long words are cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if DisplayWidth.of(candidate) <= width {
                current = candidate
            } else {
                if !current.isEmpty { lines.append(current) }
                current = DisplayWidth.of(word) > width ? DisplayWidth.truncate(word, to: width) : word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
