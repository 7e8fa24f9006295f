import TerminalUI

/// The key bindings of every screen, one table per page: the update matches keys against them,
/// the footer and the `?` help list them. A key a screen acts on is in its table (a test checks it).
enum Keys {
    // MARK: Everywhere

    static let interrupt = KeyBinding([.control("c")], "^C", "quit (a changed form is kept as a draft)")
    static let quit = KeyBinding([.character("q")], "q", "quit", footer: true)
    static let help = KeyBinding([.character("?")], "?", "help", footer: true)
    static let jump = KeyBinding([.character(":")], ":", "jump to a model's list (:companies)", footer: true, hint: ": jump")
    static let cancel = KeyBinding([.escape], "Esc", "cancel the call or export in flight")
    /// Works in text fields too (a function key types nothing).
    static let customFields = KeyBinding([.function(5)], "F5", "read the tenant's custom fields again")
    static let global = [jump, customFields, help, quit, interrupt]

    // MARK: Shared by pages

    static let filter = KeyBinding([.character("/")], "/", "filter", footer: true)
    static let dropFilter = KeyBinding([.escape], "Esc", "drop the filter")
    static let open = KeyBinding([.enter, .right, .character("l")], "Enter → l", "open", footer: true)
    /// Back to the page below (lists and texts; the results table keeps ← → for its columns).
    static let back = KeyBinding([.escape, .backspace, .left, .character("h")], "Esc ← h", "back", footer: true, hint: "Esc back")
    static let copy = KeyBinding([.character("y")], "y", "copy JSON (OSC 52)")
    static let refresh = KeyBinding([.character("r")], "r", "refresh")

    // MARK: Pages

    enum Models {
        static let open = Keys.open.described("open model", hint: "Enter open model")
        static let table = [open, filter, dropFilter, Views.open] + ListKeys.list.bindings + global
    }

    enum Operations {
        static let open = Keys.open.described("open operation", hint: "Enter open operation")
        static let table = [open, filter, dropFilter, back] + ListKeys.list.bindings + global
    }

    enum Parameters {
        static let run = KeyBinding([.control("s"), .enter], "^S Enter", "run the list", footer: true)
        static let next = KeyBinding([.tab, .down], "Tab ↓", "next field", footer: true)
        static let previous = KeyBinding([.backTab, .up], "S-Tab ↑", "previous field")
        static let back = KeyBinding([.escape], "Esc", "back", footer: true)
        static let typing = KeyBinding([], "typing", "edits the focused field")
        static let table = [run, next, previous, back, typing] + TextField.Keys.all + [customFields, interrupt]
    }

    enum Results {
        static let open = KeyBinding([.enter], "Enter", "open record", footer: true)
        static let columnLeft = KeyBinding([.left, .character("h")], "← h", "previous column")
        static let columnRight = KeyBinding([.right, .character("l")], "→ l", "next column")
        static let sort = KeyBinding([.character("s")], "s", "sort by the column (again: the other way); on the server, or here where it reads names", footer: true, hint: "s sort")
        static let export = KeyBinding([.character("e")], "e", "export (CSV, JSON, NDJSON)", footer: true)
        static let back = KeyBinding([.escape, .backspace], "Esc", "back / cancel the call", footer: true)
        static let ids = KeyBinding([.character("i")], "i", "references: names or ids")
        static let mouse = KeyBinding([], "mouse", "click selects a row, the wheel scrolls, a click on a header sorts (--no-mouse: off)")
        static let loadRest = KeyBinding([.character("L")], "L", "load the rest of the list (every page; Esc stops), so / covers it all")
        static let mark = KeyBinding([.character(" ")], "Space", "mark / unmark the row (then the next row)", footer: true, hint: "Space mark")
        static let markAll = KeyBinding([.character("*")], "*", "mark every row the filter shows (again: unmark them)")
        static let changeMarked = KeyBinding([.character("u")], "u", "change fields of the marked rows (bulk upsert by _id, preview first)")
        static let deleteMarked = KeyBinding([.character("D")], "D", "delete the marked rows (type their count to confirm)")
        static let table = [open, filter, dropFilter, columnLeft, columnRight, sort, refresh, copy.described("copy the row's JSON"), export.described("export (CSV, JSON, NDJSON; the marked rows too)"), ids, Columns.open, Views.save,
            loadRest, mark, markAll, changeMarked, deleteMarked, mouse, back]
            + ListKeys.list.bindings + global
    }

    enum Record {
        static let search = KeyBinding([.character("/")], "/", "search", footer: true)
        static let endSearch = KeyBinding([.escape], "Esc", "end the search")
        static let next = KeyBinding([.character("n")], "n", "next match", footer: true)
        static let previous = KeyBinding([.character("N")], "N", "previous match")
        static let update = KeyBinding([.character("u")], "u", "update", footer: true)
        static let delete = KeyBinding([.character("d")], "d", "delete (asks first)", footer: true)
        static let ids = KeyBinding([.character("i")], "i", "references: names beside ids, or ids only")
        static let related = KeyBinding([.character("R")], "R", "related records: the lists pointing at it, its references", footer: true, hint: "R related")
        static let nextReference = KeyBinding([.tab], "Tab", "next reference field (owner, companyId…)")
        static let previousReference = KeyBinding([.backTab], "S-Tab", "previous reference field")
        static let openReference = KeyBinding([.enter], "Enter", "open the reference focused with Tab (else: related records)")
        static let web = KeyBinding([.character("o")], "o", "copy (OSC 52) and open the record's page in the Planhat web app")

        static func table(_ page: RecordPage, readOnly: Bool) -> [KeyBinding] {
            let writable = !readOnly && page.kind == .stored
            return [search, endSearch, next, previous, copy.described("copy JSON", footer: true), refresh, ids]
                + (writable && page.model.supports(.update) ? [update] : [])
                + (writable && page.model.supports(.delete) ? [delete] : [])
                + (page.kind == .stored ? [Keys.recordHistory, related, nextReference, previousReference, openReference, web] : [])
                + [back] + ListKeys.pager.bindings + global
        }
    }

    enum Schema {
        static let table = [back] + ListKeys.pager.bindings + global
    }

    enum Form {
        static let submit = KeyBinding([.control("s")], "^S", "check, preview, send", footer: true)
        static let next = KeyBinding([.tab, .down], "Tab ↓", "next field", footer: true)
        static let previous = KeyBinding([.backTab, .up], "S-Tab ↑", "previous field", footer: true)
        static let pageDown = KeyBinding([.pageDown], "PgDn", "fields further down")
        static let pageUp = KeyBinding([.pageUp], "PgUp", "fields further up")
        static let raw = KeyBinding([.function(4)], "F4", "edit the whole form as JSON", footer: true)
        static let schema = KeyBinding([.function(2)], "F2", "show the JSON Schema")
        static let unknownFields = KeyBinding([.function(6)], "F6", "allow fields the schema does not know (type them in F4)")
        static let leave = KeyBinding([.escape], "Esc", "leave (asks when changed)", footer: true)
        static let choose = KeyBinding([.enter, .character(" ")], "Enter Space", "choose, toggle, edit a list")
        static let pick = KeyBinding([.enter], "Enter", "pick a record (in an id field)")
        static let moveOn = KeyBinding([.enter], "Enter", "next field (in a text field; the file field sends)")
        static let step = KeyBinding([.left, .right], "← →", "previous / next choice")
        static let clear = KeyBinding([.delete, .backspace, .control("u")], "Del ^U", "clear the field")
        static let now = KeyBinding([.control("t")], "^T", "today / now in a date field")
        static let editor = KeyBinding([.control("o")], "^O", "edit the field in $VISUAL / $EDITOR")
        static let typing = KeyBinding([], "typing", "edits a text field (q and ? type there)")

        static func table(_ page: FormPage) -> [KeyBinding] {
            [submit.described(page.operation.isWrite ? "check, preview, send" : "run"), next, previous, pageDown, pageUp, raw, schema]
                + (page.operation.isWrite ? [unknownFields] : []) + [leave,
             choose, pick, moveOn, step, clear, now, editor, typing] + TextField.Keys.all + [jump.described("jump to a model's list (outside text fields)"), help.described("help (outside text fields)"),
             quit.described("quit (outside text fields)"), customFields, interrupt]
        }
    }

    /// The table of the page on top.
    static func table(for page: Page, readOnly: Bool) -> [KeyBinding] {
        switch page {
        case .models: return Models.table
        case .operations: return Operations.table
        case .parameters: return Parameters.table
        case .results: return Results.table
        case .record(let record): return Record.table(record, readOnly: readOnly)
        case .schema: return Schema.table
        case .form(let form): return Form.table(form)
        case .history: return History.table
        }
    }
}
