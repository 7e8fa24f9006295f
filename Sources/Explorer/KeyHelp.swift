/// The keys of each screen: one table feeds the footer hints and the `?` help overlay.
public enum KeyHelp {
    public struct Entry: Hashable, Sendable {
        public var keys: String
        public var action: String
        /// Whether the footer shows it (the help overlay shows all).
        public var inFooter: Bool
    }

    static let navigation = [
        Entry(keys: "↑↓ j k", action: "move", inFooter: false),
        Entry(keys: "g G", action: "first / last", inFooter: false),
        Entry(keys: "PgUp PgDn ^U ^D", action: "page / half page", inFooter: false),
    ]
    static let global = [
        Entry(keys: ":", action: "jump to a model (:companies)", inFooter: true),
        Entry(keys: "?", action: "help", inFooter: true),
        Entry(keys: "q ^C", action: "quit", inFooter: true),
    ]

    /// The keys that work on `page`.
    public static func entries(for page: Page, readOnly: Bool = false) -> [Entry] {
        switch page {
        case .models:
            return [Entry(keys: "Enter", action: "open model", inFooter: true), Entry(keys: "/", action: "filter", inFooter: true)] + navigation + global
        case .operations:
            return [
                Entry(keys: "Enter", action: "open operation", inFooter: true), Entry(keys: "/", action: "filter", inFooter: true),
                Entry(keys: "Esc", action: "back", inFooter: true),
            ] + navigation + global
        case .parameters:
            return [
                Entry(keys: "^S Enter", action: "run the list", inFooter: true),
                Entry(keys: "Tab ↓ / S-Tab ↑", action: "next / previous field", inFooter: true),
                Entry(keys: "typing", action: "edits the focused field", inFooter: false),
                Entry(keys: "^U", action: "clear the field", inFooter: false),
                Entry(keys: "Esc", action: "back", inFooter: true),
                Entry(keys: "^C", action: "quit", inFooter: false),
            ]
        case .results:
            return [
                Entry(keys: "Enter", action: "open record", inFooter: true),
                Entry(keys: "/", action: "filter", inFooter: true),
                Entry(keys: "← → h l", action: "column", inFooter: false),
                Entry(keys: "s", action: "sort by column", inFooter: true),
                Entry(keys: "r", action: "refresh", inFooter: false),
                Entry(keys: "y", action: "copy row JSON", inFooter: false),
                Entry(keys: "e", action: "export (CSV/JSON)", inFooter: true),
                Entry(keys: "Esc", action: "back / cancel call", inFooter: true),
            ] + navigation + global
        case .form(let form):
            return [
                Entry(keys: "^S", action: form.operation.isWrite ? "check, preview, send" : "run", inFooter: true),
                Entry(keys: "Tab S-Tab ↑↓", action: "next / previous field", inFooter: true),
                Entry(keys: "typing", action: "edits a text field", inFooter: false),
                Entry(keys: "Enter Space", action: "choose, toggle, edit a list, pick a record", inFooter: false),
                Entry(keys: "←→", action: "previous / next choice", inFooter: false),
                Entry(keys: "^T", action: "today / now in a date field", inFooter: false),
                Entry(keys: "^O", action: "edit the field in $EDITOR", inFooter: false),
                Entry(keys: "^U Del", action: "clear the field", inFooter: false),
                Entry(keys: "F4", action: "edit the whole form as JSON", inFooter: true),
                Entry(keys: "F2", action: "show the JSON Schema", inFooter: false),
                Entry(keys: "Esc", action: "leave (asks when changed)", inFooter: true),
                Entry(keys: "? q", action: "help, quit (outside text fields)", inFooter: false),
                Entry(keys: "^C", action: "quit (a changed form is kept as a draft)", inFooter: false),
            ]
        case .record(let record):
            return [
                Entry(keys: "/", action: "search", inFooter: true),
                Entry(keys: "n N", action: "next / previous match", inFooter: true),
                Entry(keys: "y", action: "copy JSON", inFooter: true),
                Entry(keys: "r", action: "refresh", inFooter: false),
            ] + (!readOnly && record.model.operations.contains(.update) ? [Entry(keys: "u", action: "update", inFooter: true)] : [])
                + (!readOnly && record.model.operations.contains(.delete) ? [Entry(keys: "d", action: "delete (asks)", inFooter: true)] : [])
                + [Entry(keys: "Esc", action: "back", inFooter: true)] + navigation + global
        case .schema:
            return [Entry(keys: "Esc", action: "back", inFooter: true)] + navigation + global
        }
    }
}
