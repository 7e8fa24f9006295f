import Foundation

/// The field names a workspace's records carry, per model, learned from every record the service
/// reads: a field the catalog does not document but the tenant's records hold is the tenant's, and
/// writing it is accepted ("the tenant is the source of truth").
///
/// With a cache (a remote backend's, beside its custom fields: ``CustomFieldsCache/learnedPath``),
/// what was learned is kept between runs: read when the memory is made, written when something new
/// is learned.
public final class FieldMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Set<String>] = [:]
    private var values: [String: Set<String>] = [:]
    private let cache: CustomFieldsCache?

    public init(_ snapshot: Snapshot = Snapshot()) {
        seen = snapshot.fields
        values = snapshot.values
        cache = nil
    }

    /// A memory kept in `cache`'s learned file (`nil`: in this process only).
    public init(keptIn cache: CustomFieldsCache?) {
        let snapshot = cache?.readLearned() ?? Snapshot()
        seen = snapshot.fields
        values = snapshot.values
        self.cache = cache
    }

    /// What a memory holds, to keep between runs (beside the tenant's custom fields).
    public struct Snapshot: Sendable, Codable, Hashable {
        /// Field names by route.
        public var fields: [String: Set<String>] = [:]
        /// Values by `route.field`.
        public var values: [String: Set<String>] = [:]

        public init(fields: [String: Set<String>] = [:], values: [String: Set<String>] = [:]) {
            self.fields = fields
            self.values = values
        }
    }

    /// Remembers the top-level fields of records of `model` (a list's rows or one record), and the
    /// values they hold in the fields whose spellings the catalog knows (a tenant's own task statuses).
    public func learn(_ answer: JSONValue, model: ModelDefinition) {
        let records = (answer.arrayValue ?? [answer]).prefix(Self.recordsLearned)
        let spelled = model.fields.filter { $0.canonical != nil }.map(\.name)
        var names = Set<String>()
        var found: [String: Set<String>] = [:]
        for record in records {
            guard let members = record.objectValue else { continue }
            names.formUnion(members.keys)
            for name in spelled { if let text = members[name]?.stringValue { found[name, default: []].insert(text) } }
        }
        remember(names, found, model: model)
    }

    /// The same for records kept as bytes (an export's pages): only the names and the spelled
    /// fields of each record are read.
    public func learn(_ records: RawRecords, model: ModelDefinition) {
        let spelled = Set(model.fields.filter { $0.canonical != nil }.map(\.name))
        var names = Set<String>()
        var found: [String: Set<String>] = [:]
        for index in 0..<min(records.count, Self.recordsLearned) {
            names.formUnion(records.keys(index))
            guard !spelled.isEmpty else { continue }
            for (name, value) in records.members(index, named: spelled) {
                if let text = value.stringValue { found[name, default: []].insert(text) }
            }
        }
        remember(names, found, model: model)
    }

    /// How many records of an answer are learned from.
    static let recordsLearned = 500

    private func remember(_ names: Set<String>, _ found: [String: Set<String>], model: ModelDefinition) {
        guard !names.isEmpty else { return }
        let learned: Snapshot? = lock.withLock {
            let before = (seen[model.route]?.count ?? 0) + found.keys.reduce(0) { $0 + (values["\(model.route).\($1)"]?.count ?? 0) }
            seen[model.route, default: []].formUnion(names)
            for (name, texts) in found { values["\(model.route).\(name)", default: []].formUnion(texts) }
            let after = (seen[model.route]?.count ?? 0) + found.keys.reduce(0) { $0 + (values["\(model.route).\($1)"]?.count ?? 0) }
            return after > before ? Snapshot(fields: seen, values: values) : nil
        }
        // Kept for the next run only when something new was learned; a cache that cannot be written is no failure.
        if let learned, let cache { try? cache.writeLearned(learned) }
    }

    /// Whether records of `route` were seen carrying `field`.
    public func hasSeen(_ field: String, on route: String) -> Bool {
        lock.withLock { seen[route]?.contains(field) ?? false }
    }

    /// The values records of `route` were seen holding in `field` (learned only for fields whose
    /// spellings the catalog knows).
    public func values(of field: String, on route: String) -> Set<String> {
        lock.withLock { values["\(route).\(field)"] ?? [] }
    }

    /// Everything learned so far (for a cache to keep).
    public var snapshot: Snapshot { lock.withLock { Snapshot(fields: seen, values: values) } }
}

/// What the service does with a field the operation's schema does not document.
public enum UnknownFields: String, Sendable, Hashable, CaseIterable {
    /// Accepted when the workspace's records carry it, else refused with the closest names.
    case whenSeen
    /// Sent whatever it is (`--allow-unknown-fields`); what Planhat stores is then verified.
    case allow

    /// The way out of a refusal, in every face's words at once.
    public static let howToAllow = "to send it anyway, allow unknown fields (--allow-unknown-fields on the CLI and the MCP server, F6 in a form)"
}

/// Something a face must tell the user about an answer: a filter the server ignored, fields it did
/// not store, a value sent in its canonical spelling, fields sent that the catalog does not know.
public struct Notice: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case filterIgnored, notStored, notVerified, canonicalSpelling, unknownFieldSent
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Notices with what went wrong first (fields not stored, a filter ignored), then what was adjusted.
    public static func mostImportantFirst(_ notices: [Notice]) -> [Notice] {
        let rank: [Kind: Int] = [.notStored: 0, .filterIgnored: 1, .notVerified: 2, .canonicalSpelling: 3, .unknownFieldSent: 4]
        return notices.enumerated().sorted { (rank[$0.element.kind] ?? 9, $0.offset) < (rank[$1.element.kind] ?? 9, $1.offset) }.map(\.element)
    }
    public var jsonValue: JSONValue { ["kind": .string(kind.rawValue), "message": .string(message)] }
}
