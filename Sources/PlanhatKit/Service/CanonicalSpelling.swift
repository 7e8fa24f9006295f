import Foundation

/// Values Planhat stores as free text without checking them, in the spellings it expects.
///
/// Planhat keeps `todo` as a task status although its app only knows `To Do`, and its REST API wants
/// `Done` where its MCP server takes `done`. Where the catalog knows the spellings, a value that
/// matches one but for case, spaces, dashes or underscores is sent in that spelling (and the answer
/// says so); a value the workspace's own records hold is sent as it is (tenants define their own);
/// anything else is refused with the list, unless unknown values are allowed.
struct CanonicalSpelling {
    let model: ModelDefinition
    let memory: FieldMemory
    let policy: UnknownFields

    /// Rewrites the spelled fields of a create's or update's members, or of each bulk item.
    func apply(to members: inout [String: JSONValue], operation: ModelOperation) -> (issues: [FieldIssue], notices: [Notice]) {
        var issues: [FieldIssue] = []
        var rewrites: [String] = []
        switch operation {
        case .create, .update:
            rewrite(&members, prefix: "", issues: &issues, rewrites: &rewrites)
        case .bulkUpsert:
            guard var items = members["items"]?.arrayValue else { break }
            for index in items.indices {
                guard var item = items[index].objectValue else { continue }
                rewrite(&item, prefix: "items[\(index)].", issues: &issues, rewrites: &rewrites)
                items[index] = .object(item)
            }
            members["items"] = .array(items)
        default:
            break
        }
        let notices = rewrites.isEmpty ? [] : [Notice(.canonicalSpelling, "sent in the spelling Planhat expects: " + Self.summary(rewrites))]
        return (issues, notices)
    }

    private func rewrite(_ members: inout [String: JSONValue], prefix: String, issues: inout [FieldIssue], rewrites: inout [String]) {
        for field in model.fields {
            guard let spellings = field.canonical, let text = members[field.name]?.stringValue else { continue }
            if spellings.contains(text) || memory.values(of: field.name, on: model.route).contains(text) { continue }
            if let match = spellings.first(where: { Self.key($0) == Self.key(text) }) {
                members[field.name] = .string(match)
                rewrites.append("\(field.name) \"\(text)\" as \"\(match)\"")
            } else if policy != .allow {
                issues.append(FieldIssue(
                    path: prefix + field.name, value: JSONValue.string(text).preview(),
                    expected: "one of " + spellings.joined(separator: ", ")
                        + " (or a value this workspace's \(model.plural.lowercased()) hold); " + UnknownFields.howToAllow,
                    problem: "unknown value \(JSONValue.string(text).preview())"))
            }
        }
    }

    /// The spelling without case, spaces, dashes or underscores: `to-do`, `TODO` and `To Do` match.
    static func key(_ text: String) -> String {
        String(text.lowercased().filter { !" -_".contains($0) })
    }

    /// The first rewrites and how many more: a bulk upsert of 5 000 `done` tasks says so once.
    private static func summary(_ rewrites: [String]) -> String {
        var distinct: [String] = []
        for rewrite in rewrites where !distinct.contains(rewrite) { distinct.append(rewrite) }
        let shown = distinct.prefix(3).joined(separator: ", ")
        let times = rewrites.count > distinct.count ? " (\(English.count(rewrites.count, "value")) in all)" : ""
        return distinct.count > 3 ? "\(shown) and \(distinct.count - 3) more\(times)" : shown + times
    }
}
