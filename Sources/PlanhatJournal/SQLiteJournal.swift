import Foundation
import GRDB
import PlanhatKit

#if canImport(Glibc)
    import Glibc
#endif

/// The write journal in SQLite (WAL, mode 0600): `$XDG_STATE_HOME/planhat-explorer/journal.sqlite`.
///
/// Append-only, enforced by triggers: an entry is inserted before its write is sent, and its
/// completion is another row, inserted once when the answer came. An entry without a completion
/// is `outcome unknown`. Processes (the CLI, the MCP server, the explorer) write to one file at
/// once; SQLite's locks (with a busy timeout) keep it consistent.
public final class SQLiteJournal: WriteJournal, @unchecked Sendable {
    /// The file.
    public let path: String
    private let pool: DatabasePool

    /// The journal's usual place.
    public static func standardPath(directories: UserDirectories = UserDirectories()) -> String {
        directories.state("journal.sqlite")
    }

    /// Opens (creating, 0600, in a 0700 folder) the journal at `path`.
    ///
    /// - Throws: ``PlanhatError`` when the file cannot be made or opened.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            // Made private before SQLite opens it; SQLite gives the -wal and -shm files the same mode.
            let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw JournalFileError(reason: String(cString: strerror(errno))) }
            fchmod(descriptor, 0o600)
            close(descriptor)
            var configuration = Configuration()
            configuration.busyMode = .timeout(15)
            configuration.label = "planhat.journal"
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in try db.execute(sql: Self.schema) }
        } catch {
            throw PlanhatError.file("cannot open the write journal \(path): \(error)")
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS entry (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            face TEXT NOT NULL,
            client TEXT,
            profile TEXT,
            backend TEXT NOT NULL,
            target TEXT NOT NULL,
            model TEXT NOT NULL,
            operation TEXT NOT NULL,
            record_id TEXT,
            subject_id TEXT,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            body TEXT,
            before TEXT,
            before_note TEXT,
            undo_of INTEGER,
            pid INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS completion (
            entry_id INTEGER PRIMARY KEY REFERENCES entry(id),
            time REAL NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER,
            answer TEXT,
            error TEXT,
            record_id TEXT
        );
        CREATE INDEX IF NOT EXISTS entry_time ON entry(time);
        CREATE INDEX IF NOT EXISTS entry_record ON entry(record_id);
        CREATE INDEX IF NOT EXISTS entry_subject ON entry(subject_id);
        CREATE INDEX IF NOT EXISTS completion_record ON completion(record_id);
        CREATE TRIGGER IF NOT EXISTS entry_no_update BEFORE UPDATE ON entry BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS entry_no_delete BEFORE DELETE ON entry BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS completion_no_update BEFORE UPDATE ON completion BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS completion_no_delete BEFORE DELETE ON completion BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
        """

    public func record(_ entry: JournalEntry) throws -> Int64 {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO entry (time, face, client, profile, backend, target, model, operation, record_id, subject_id,
                        method, path, body, before, before_note, undo_of, pid)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.time.timeIntervalSince1970, entry.face.rawValue, entry.client, entry.profile, entry.backend, entry.target,
                    entry.model, entry.operation.rawValue, entry.recordID, entry.before?["_id"]?.stringValue ?? entry.recordID,
                    entry.method, entry.path, entry.body?.compactText(), entry.before?.compactText(), entry.beforeNote,
                    entry.undoOf, Int(entry.pid),
                ])
            return db.lastInsertedRowID
        }
    }

    public func complete(_ id: Int64, _ completion: JournalCompletion) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO completion (entry_id, time, outcome, status, answer, error, record_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    id, completion.time.timeIntervalSince1970, completion.outcome.rawValue, completion.status,
                    completion.answer?.compactText(), completion.error, completion.answer?["_id"]?.stringValue,
                ])
        }
    }

    public func entries(_ query: JournalQuery) throws -> [JournalEntry] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let model = query.model {
            conditions.append("e.model = ?")
            arguments.append(model)
        }
        if let since = query.since {
            conditions.append("e.time >= ?")
            arguments.append(since.timeIntervalSince1970)
        }
        if let face = query.face {
            conditions.append("e.face = ?")
            arguments.append(face.rawValue)
        }
        if let client = query.client {
            // The whole client, or either part of `NAME, key KEY` (a client of `mcp --http --auth key`).
            conditions.append(#"(e.client = ? COLLATE NOCASE OR e.client = ? COLLATE NOCASE OR e.client LIKE ? ESCAPE '\' OR e.client LIKE ? ESCAPE '\')"#)
            let pattern = Self.likeEscaped(client)
            arguments += [client, "key " + client, pattern + ", key %", "%, key " + pattern]
        }
        if let record = query.recordID {
            conditions.append("(e.record_id = ? OR e.subject_id = ? OR c.record_id = ?)")
            arguments += [record, record, record]
        }
        var sql = "SELECT e.*, c.time AS c_time, c.outcome, c.status, c.answer, c.error FROM entry e LEFT JOIN completion c ON c.entry_id = e.id"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY e.id DESC"
        if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
        let statementArguments = StatementArguments(arguments)
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.entry)
        }
    }

    public func entry(_ id: Int64) throws -> JournalEntry? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT e.*, c.time AS c_time, c.outcome, c.status, c.answer, c.error FROM entry e LEFT JOIN completion c ON c.entry_id = e.id WHERE e.id = ?",
                arguments: [id]
            ).map(Self.entry)
        }
    }

    /// `PRAGMA integrity_check`'s answer (`ok` when sound).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// `text` as a literal inside a LIKE pattern (escaped with a backslash).
    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    private static func entry(_ row: Row) -> JournalEntry {
        func json(_ column: String) -> JSONValue? {
            (row[column] as String?).flatMap { try? JSONValue.parse($0) }
        }
        var entry = JournalEntry(
            id: row["id"], time: Date(timeIntervalSince1970: row["time"]), face: JournalFace(rawValue: row["face"]) ?? .cli,
            client: row["client"], profile: row["profile"], backend: row["backend"], target: row["target"], model: row["model"],
            operation: ModelOperation(rawValue: row["operation"]) ?? .update, recordID: row["record_id"], method: row["method"],
            path: row["path"], body: json("body"), before: json("before"), beforeNote: row["before_note"], undoOf: row["undo_of"],
            pid: Int32(truncatingIfNeeded: row["pid"] as Int))
        if let outcome = (row["outcome"] as String?).flatMap(JournalOutcome.init(rawValue:)) {
            entry.completion = JournalCompletion(
                time: Date(timeIntervalSince1970: row["c_time"]), outcome: outcome, status: row["status"], answer: json("answer"), error: row["error"])
        }
        return entry
    }
}

struct JournalFileError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
