import Foundation
import GRDB
import PlanhatKit

/// The sandbox's SQLite file: one `record` table holding every model's documents as JSON, with the
/// keys Planhat looks records up by (`_id`, external id, source id, email, company) as columns.
///
/// Every write runs in one transaction, so a failed bulk upsert leaves nothing half-written.
public final class SandboxStore: Sendable {
    /// The database: a WAL pool on disk, or an in-memory queue for tests.
    let database: any DatabaseWriter
    /// The file, or `:memory:`.
    public let path: String

    /// Opens (and creates, with its folder) the sandbox at `path`, or an in-memory one when `nil`.
    ///
    /// - Parameter pageCacheKiB: each connection's page cache (SQLite's default is 2 000 KiB); the
    ///   explorer, which keeps its rows itself, asks for less.
    /// - Throws: ``PlanhatError`` 500 naming the file when it cannot be opened.
    public init(path: String?, pageCacheKiB: Int? = nil) throws {
        do {
            if let path {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                var configuration = Configuration()
                configuration.busyMode = .timeout(10)
                if let pageCacheKiB {
                    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(pageCacheKiB)") }
                }
                database = try DatabasePool(path: path, configuration: configuration)
                self.path = path
            } else {
                database = try DatabaseQueue()
                self.path = ":memory:"
            }
            try Self.migrator.migrate(database)
        } catch let error as PlanhatError {
            throw error
        } catch {
            throw PlanhatError(
                status: 500, message: "cannot open the sandbox database at \(path ?? ":memory:"): \(error)",
                details: ["Move or delete the file, or choose another with --sandbox-path / PLANHAT_SANDBOX_PATH."])
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE record (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    model TEXT NOT NULL,
                    id TEXT NOT NULL UNIQUE,
                    external_id TEXT,
                    source_id TEXT,
                    email TEXT,
                    company_id TEXT,
                    doc TEXT NOT NULL
                );
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
            try createSecondaryIndexes(db)
        }
        migrator.registerMigration("v2-search") { db in try SandboxSearch.migrate(db) }
        return migrator
    }

    /// The lookup indexes (model order, keys, company) and the sort indexes.
    static let secondaryIndexes: [(name: String, definition: String)] = [
        ("record_by_model", "record(model, seq)"),
        ("record_by_external_id", "record(model, external_id) WHERE external_id IS NOT NULL"),
        ("record_by_source_id", "record(model, source_id) WHERE source_id IS NOT NULL"),
        ("record_by_email", "record(model, email) WHERE email IS NOT NULL"),
        ("record_by_company", "record(model, company_id) WHERE company_id IS NOT NULL"),
    ] + SortIndex.fields(in: .shared).map { (SortIndex.name(model: $0.model, field: $0.field), SortIndex.definition(model: $0.model, field: $0.field)) }

    static func createSecondaryIndexes(_ db: Database) throws {
        for index in secondaryIndexes {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.definition)")
        }
    }

    /// Drops the secondary indexes, runs `body`, and builds them again: far faster for bulk loads.
    static func withoutSecondaryIndexes(_ db: Database, _ body: () throws -> Void) throws {
        for index in secondaryIndexes {
            try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)")
        }
        try body()
        try createSecondaryIndexes(db)
    }

    /// Whether the sandbox holds demo data (or was deliberately emptied by a reset).
    public func isSeeded() throws -> Bool {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'seeded'") != nil
        }
    }

    /// How many records each storage model holds.
    public func counts() throws -> [String: Int] {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT model, COUNT(*) AS n FROM record GROUP BY model")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["model"] as String, $0["n"] as Int) })
        }
    }

    /// Runs SQLite's own consistency check; `ok` when the file is sound.
    public func integrityCheck() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}

/// Partial expression indexes for the sorts people use most on large workspaces (the catalog's
/// `sortIndexes`). A query uses one only when it names the model as a literal
/// (`model = 'companies'`), which list queries do.
enum SortIndex {
    /// Every model path and field the catalog asks a sort index for, once each.
    static func fields(in catalog: Catalog) -> [(model: String, field: String)] {
        var seen: Set<String> = []
        return catalog.models.flatMap { model in (model.sortIndexes ?? []).map { (model: model.path, field: $0) } }
            .filter { seen.insert(name(model: $0.model, field: $0.field)).inserted }
    }

    static func name(model: String, field: String) -> String {
        "record_sort_\(model)_\(field)"
    }

    static func definition(model: String, field: String) -> String {
        "record(\(JSONPath.extract(field)), seq) WHERE model = '\(model)'"
    }
}

/// SQLite JSON paths for field names, quoted only when needed so expression indexes still match.
enum JSONPath {
    /// `json_extract(doc, '$.arr')`, `json_extract(doc, '$.custom."Renewal Risk"')`.
    static func extract(_ field: String) -> String {
        "json_extract(doc, '\(path(field))')"
    }

    static func path(_ field: String) -> String {
        let segments = field.split(separator: ".", omittingEmptySubsequences: false).map { segment -> String in
            let plain = !segment.isEmpty && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                && !(segment.first?.isNumber ?? false)
            if plain { return String(segment) }
            let escaped = segment.replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return ("$." + segments.joined(separator: ".")).replacingOccurrences(of: "'", with: "''")
    }
}
