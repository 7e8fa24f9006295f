import Foundation
import PlanhatKit
import TerminalUI

/// The columns a person chose for a model's results table: fields in order (documented fields,
/// `custom.NAME` for a tenant custom field, `a.b` for a nested value), widths they set, and whether
/// the first column stays on screen while the table scrolls right.
public struct ColumnLayout: Hashable, Sendable, Codable {
    /// The columns in order, without `_id` (the table keeps it last).
    public var columns: [String]
    /// Widths set by hand, by column.
    public var widths: [String: Int]
    /// Whether the first column (the name) stays while scrolling right.
    public var pinned: Bool

    public init(columns: [String], widths: [String: Int] = [:], pinned: Bool = false) {
        self.columns = columns
        self.widths = widths
        self.pinned = pinned
    }

    /// The table's columns: the chosen ones, then `_id`.
    public var tableColumns: [String] { columns.filter { $0 != "_id" } + ["_id"] }

    /// What a list asks the backend for: exactly the top-level fields the columns read
    /// (`custom` for `custom.Seats`), in order, once each.
    public static func select(for columns: [String]) -> [String] {
        var seen = Set<String>()
        return columns.compactMap { column in
            let top = column.split(separator: ".", maxSplits: 1).first.map(String.init) ?? column
            guard top != "_id", !top.isEmpty, seen.insert(top).inserted else { return nil }
            return top
        }
    }

    /// The value a column reads from a record: the field, or the nested value a dotted path names
    /// (an array yields the values of its elements).
    public static func value(of column: String, in record: JSONValue) -> JSONValue? {
        if let direct = record[column] { return direct }
        guard column.contains(".") else { return nil }
        var current: JSONValue? = record
        for part in column.split(separator: ".").map(String.init) {
            switch current {
            case .object(let members)?: current = members[part]
            case .array(let items)?: current = .array(items.compactMap { $0[part] })
            default: return nil
            }
        }
        return current
    }
}

/// The column layouts of one workspace (a sandbox file, or an API host and profile), one JSON file
/// under `$XDG_STATE_HOME/planhat-explorer/columns/`, readable by the owner only.
public struct ColumnStore: Sendable {
    public let file: URL

    public init(file: URL) {
        self.file = file
    }

    /// The store of a workspace at the standard place for this user.
    public static func standard(directories: UserDirectories = UserDirectories(), backend: BackendInfo) -> ColumnStore {
        let workspace = "\(backend.kind.rawValue) \(backend.location)" + (backend.profile.map { " (\($0))" } ?? "")
        let name = DraftStore.folderName(for: backend, workspace: workspace)
        return ColumnStore(file: URL(fileURLWithPath: directories.state("columns")).appendingPathComponent(name + ".json"))
    }

    /// The layouts by model route (none when the file is missing or unreadable).
    public func load() -> [String: ColumnLayout] {
        guard let data = FileManager.default.contents(atPath: file.path) else { return [:] }
        return (try? JSONDecoder().decode([String: ColumnLayout].self, from: data)) ?? [:]
    }

    /// Writes every layout (whole, then moved into place).
    public func save(_ layouts: [String: ColumnLayout]) throws {
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let staging = folder.appendingPathComponent(".\(UUID().uuidString).tmp")
        let handle = try FileOutput.createNew(staging.path)
        try handle.write(contentsOf: try encoder.encode(layouts))
        try handle.close()
        guard rename(staging.path, file.path) == 0 else {
            unlink(staging.path)
            throw PlanhatError.file("cannot save the columns as \(file.path): \(String(cString: strerror(errno)))")
        }
    }
}

/// The column chooser over a results table (`c`): every documented field, every tenant custom
/// field and any nested path typed in; Space shows or hides, `K` / `J` move, `+` / `-` set the
/// width, `p` pins the first column, Enter keeps (saved for the model and workspace).
public struct ColumnChooser: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        /// `arr`, `custom.Seats`, `usage.logins`.
        public var path: String
        /// What the field is: its label and where it comes from.
        public var detail: String
        public var chosen: Bool
    }

    public var model: ModelDefinition
    /// The chosen columns first, in table order, then every other field.
    public var entries: [Entry]
    public var cursor = ListCursor()
    public var widths: [String: Int]
    public var pinned: Bool
    /// `/` narrows the list; `a` types a nested path to add.
    public var filter: FilterState?
    public var adding: TextField?

    /// The entries the filter keeps (their indexes in ``entries``).
    public var visible: [Int] {
        guard let query = filter?.query.lowercased(), !query.isEmpty else { return Array(entries.indices) }
        return entries.indices.filter { entries[$0].path.lowercased().contains(query) || entries[$0].detail.lowercased().contains(query) }
    }

    /// Shows the entry as the last column, or hides it (it goes first among the hidden ones);
    /// the cursor stays on it.
    public mutating func toggle(at index: Int) {
        var entry = entries.remove(at: index)
        entry.chosen.toggle()
        let chosenCount = entries.filter(\.chosen).count
        entries.insert(entry, at: chosenCount)
        if let position = visible.firstIndex(of: chosenCount) { cursor.selected = position }
    }

    /// The layout as chosen now.
    public var layout: ColumnLayout {
        let columns = entries.filter(\.chosen).map(\.path)
        return ColumnLayout(columns: columns, widths: widths.filter { columns.contains($0.key) }, pinned: pinned)
    }

    /// A chooser for a table showing `columns`, offering the model's fields (the custom ones of
    /// the tenant, when known, as `custom.NAME`).
    public init(model: ModelDefinition, columns: [String], widths: [String: Int], pinned: Bool) {
        self.model = model
        self.widths = widths
        self.pinned = pinned
        let shown = columns.filter { $0 != "_id" }
        var offered: [Entry] = []
        for field in model.fields where field.name != "_id" {
            if field.isCustom {
                for custom in field.customFields ?? [] {
                    offered.append(Entry(path: "custom." + custom.name, detail: "custom · \(custom.type)", chosen: false))
                }
            } else {
                offered.append(Entry(path: field.name, detail: SchemaBuilder.humanize(field.name) + " · " + (field.format ?? field.type), chosen: false))
            }
        }
        let chosen = shown.map { path in
            var entry = offered.first { $0.path == path } ?? Entry(path: path, detail: "nested", chosen: true)
            entry.chosen = true
            return entry
        }
        entries = chosen + offered.filter { !shown.contains($0.path) }
    }
}
