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
    public static func entries(for page: Page) -> [Entry] {
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
        case .record:
            return [
                Entry(keys: "/", action: "search", inFooter: true),
                Entry(keys: "n N", action: "next / previous match", inFooter: true),
                Entry(keys: "y", action: "copy JSON", inFooter: true),
                Entry(keys: "r", action: "refresh", inFooter: false),
                Entry(keys: "Esc", action: "back", inFooter: true),
            ] + navigation + global
        case .schema:
            return [Entry(keys: "Esc", action: "back", inFooter: true)] + navigation + global
        }
    }
}
