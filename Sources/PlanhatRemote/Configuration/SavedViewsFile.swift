import Foundation
import PlanhatKit
import Yams

/// The saved views file, `$XDG_CONFIG_HOME/planhat-explorer/views.yaml`, hand-editable:
///
/// ```yaml
/// views:
///   at-risk-renewals:
///     title: At-risk renewals
///     model: companies
///     where:
///       renewalDaysFromNow: {from: 0, to: 90}
///       h: {below: 50}
///       status: customer
///     sort: -arr
///     columns: [name, arr, renewalDaysFromNow, owner, h, custom.Seats]
/// ```
///
/// Loading checks every key and names the file, the line and the key of a problem; a value under
/// `where` is `is` (equality, or any of a list), or a map of `is`, `not`, `below`, `above`, `from`,
/// `to`, `withinDays`, `contains`. Saving rewrites the file (comments are not kept).
public struct SavedViewsFile: SavedViewStore {
    public let path: String
    let catalog: Catalog

    public init(path: String, catalog: Catalog = .shared) {
        self.path = path
        self.catalog = catalog
    }

    /// The standard file of this user.
    public static func standard(directories: UserDirectories = UserDirectories(), catalog: Catalog = .shared) -> SavedViewsFile {
        SavedViewsFile(path: directories.config("views.yaml"), catalog: catalog)
    }

    public func load() throws -> [SavedView] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        guard let text = String(data: data, encoding: .utf8) else { throw problem(nil, "views", "the file is not UTF-8 text") }
        return try Self.parse(text, path: path, catalog: catalog)
    }

    public func save(_ view: SavedView) throws -> String {
        var views = try load().filter { $0.name != view.name }
        views.append(view)
        let text = try Self.yaml(views)
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let staging = folder + "/.views-\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: staging, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PlanhatError.file("cannot write \(staging)")
        }
        guard rename(staging, path) == 0 else {
            unlink(staging)
            throw PlanhatError.file("cannot save the views as \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    // MARK: - Reading

    func problem(_ node: Node?, _ key: String, _ message: String) -> PlanhatError {
        Self.problem(path, node, key, message)
    }

    static func problem(_ path: String, _ node: Node?, _ key: String, _ message: String) -> PlanhatError {
        let line = node?.mark.map { ":\($0.line)" } ?? ""
        return PlanhatError.configuration("\(path)\(line): \(key): \(message)")
    }

    /// The views of a file's text, checked against the catalog.
    public static func parse(_ text: String, path: String, catalog: Catalog = .shared) throws -> [SavedView] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PlanhatError.configuration("\(path): not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard let top = root.mapping else { throw problem(path, root, "views", "expected a map with the key views") }
        var views: [SavedView] = []
        for (key, value) in top {
            guard key.string == "views" else { throw problem(path, key, key.string ?? "?", "unknown key; the file has one key, views") }
            guard let entries = value.mapping else { throw problem(path, value, "views", "expected a map of view names to views") }
            for (nameNode, body) in entries {
                guard let name = nameNode.string, !name.isEmpty else { throw problem(path, nameNode, "views", "a view needs a name") }
                views.append(try view(name, body, path: path, catalog: catalog))
            }
        }
        return views
    }

    static func view(_ name: String, _ node: Node, path: String, catalog: Catalog) throws -> SavedView {
        guard let body = node.mapping else { throw problem(path, node, name, "expected a map with model, where, sort, columns") }
        var model: String?
        var title: String?
        var sort: String?
        var columns: [String] = []
        var conditions: [ViewCondition] = []
        var modelNode: Node?
        for (keyNode, value) in body {
            let key = keyNode.string ?? "?"
            switch key {
            case "model":
                guard let text = value.string else { throw problem(path, value, "\(name).model", "expected a model name") }
                guard let found = try? catalog.model(named: text) else { throw problem(path, value, "\(name).model", "unknown model '\(text)'") }
                model = found.route
                modelNode = value
            case "title":
                title = value.string
            case "sort":
                guard let text = value.string else { throw problem(path, value, "\(name).sort", "expected a field, -field for descending") }
                sort = text
            case "columns":
                guard let items = value.sequence else { throw problem(path, value, "\(name).columns", "expected a list of fields: [name, arr]") }
                columns = try items.map { item in
                    guard let text = item.string, !text.isEmpty else { throw problem(path, item, "\(name).columns", "expected a field name") }
                    return text
                }
            case "where":
                guard let fields = value.mapping else { throw problem(path, value, "\(name).where", "expected a map of fields to values or {below: 50}") }
                for (fieldNode, condition) in fields {
                    let field = fieldNode.string ?? "?"
                    conditions += try self.conditions(field, condition, key: "\(name).where.\(field)", path: path)
                }
            default:
                throw problem(path, keyNode, "\(name).\(key)", "unknown key; a view has model, title, where, sort, columns")
            }
        }
        guard let model else { throw problem(path, node, "\(name).model", "a view needs a model") }
        let view = SavedView(name: name, title: title, model: model, conditions: conditions, sort: sort, columns: columns.isEmpty ? (catalog.model(route: model)?.columns.filter { $0 != "_id" } ?? ["name"]) : columns)
        if let first = SavedViewRunner.problems(view, catalog: catalog).first {
            let parts = first.split(separator: ":", maxSplits: 1).map(String.init)
            throw problem(path, modelNode ?? node, "\(name).\(parts.first ?? "")", (parts.last ?? first).trimmingCharacters(in: .whitespaces))
        }
        return view
    }

    static func conditions(_ field: String, _ node: Node, key: String, path: String) throws -> [ViewCondition] {
        if let operators = node.mapping {
            return try operators.map { operatorNode, value in
                let name = operatorNode.string ?? "?"
                guard let op = ViewCondition.Operator(rawValue: name) else {
                    throw problem(path, operatorNode, key + "." + name, "unknown comparison; expected one of " + ViewCondition.Operator.allCases.map(\.rawValue).joined(separator: ", "))
                }
                let converted = try json(value, key: key + "." + name, path: path)
                if [.below, .above, .from, .to, .withinDays].contains(op), converted.doubleValue == nil {
                    throw problem(path, value, key + "." + name, "expected a number, got '\(value.string ?? "?")'")
                }
                return ViewCondition(field: field, op: op, value: converted)
            }
        }
        return [ViewCondition(field: field, op: .is, value: try json(node, key: key, path: path))]
    }

    static func json(_ node: Node, key: String, path: String) throws -> JSONValue {
        if let items = node.sequence { return .array(try items.map { try json($0, key: key, path: path) }) }
        guard let scalar = node.scalar else { throw problem(path, node, key, "expected a value or a list of values") }
        if scalar.style == .plain {
            if scalar.string == "null" || scalar.string == "~" { return .null }
            if let int = node.int { return .integer(int) }
            if let number = node.float { return .number(number) }
            if scalar.string == "true" || scalar.string == "false" { return .bool(scalar.string == "true") }
        }
        return .string(scalar.string)
    }

    // MARK: - Writing

    static func yaml(_ views: [SavedView]) throws -> String {
        var entries: [(Node, Node)] = []
        for view in views where !view.builtIn {
            var body: [(Node, Node)] = []
            if let title = view.title { body.append((Node("title"), Node(title, Tag(.str), .doubleQuoted))) }
            body.append((Node("model"), Node(view.model)))
            if !view.conditions.isEmpty {
                var fields: [(Node, Node)] = []
                for condition in view.conditions {
                    let value = node(condition.value)
                    let entry: Node = condition.op == .is ? value : Node([(Node(condition.op.rawValue), value)])
                    if let index = fields.firstIndex(where: { $0.0.string == condition.field }), var merged = fields[index].1.mapping, condition.op != .is {
                        merged[Node(condition.op.rawValue)] = value
                        fields[index].1 = .mapping(merged)
                    } else {
                        fields.append((Node(condition.field), entry))
                    }
                }
                body.append((Node("where"), Node(fields)))
            }
            if let sort = view.sort { body.append((Node("sort"), Node(sort, Tag(.str), .doubleQuoted))) }
            body.append((Node("columns"), Node(view.columns.map { Node($0) }, Tag(.seq), .flow)))
            entries.append((Node(view.name), Node(body)))
        }
        let root = Node([(Node("views"), Node(entries))])
        return "# Saved views of planhat-explorer (see the README, \"Saved views\").\n" + (try Yams.serialize(node: root))
    }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .string(let text): return Node(text, Tag(.str), .doubleQuoted)
        case .array(let items): return Node(items.map(node), Tag(.seq), .flow)
        case .null: return Node("null")
        default: return Node(value.compactText())
        }
    }
}
