import Foundation
import GRDB
import PlanhatKit

/// Full-text search over every record's text (SQLite FTS5, kept in step with writes by triggers)
/// and the documents the hosted tools create, search and read.
///
/// Every string in a record is searchable (names, emails, descriptions, custom fields). A query's
/// words must all match, each as a prefix (`acme logi` finds "Acme Logistics"), accents ignored.
enum SandboxSearch {
    /// The text of a record: every string in its document, joined.
    private static let recordText = "(SELECT group_concat(value, ' ') FROM json_tree(%@) WHERE type = 'text')"

    static func migrate(_ db: Database) throws {
        let newText = String(format: recordText, "new.doc")
        try db.execute(sql: """
            CREATE VIRTUAL TABLE record_text USING fts5(text, tokenize = "unicode61 remove_diacritics 2");
            INSERT INTO record_text(rowid, text) SELECT seq, \(String(format: recordText, "doc")) FROM record;
            \(insertTrigger)
            CREATE TRIGGER record_text_update AFTER UPDATE OF doc ON record BEGIN
                DELETE FROM record_text WHERE rowid = old.seq;
                INSERT INTO record_text(rowid, text) VALUES (new.seq, \(newText));
            END;
            CREATE TRIGGER record_text_delete AFTER DELETE ON record BEGIN
                DELETE FROM record_text WHERE rowid = old.seq;
            END;
            CREATE TABLE document (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                content TEXT NOT NULL,
                owner TEXT,
                is_public INTEGER NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE VIRTUAL TABLE document_text USING fts5(name, content, tokenize = "unicode61 remove_diacritics 2");
            """)
    }

    /// Runs `body` (a bulk load into `record`) with the insert trigger dropped, then indexes the
    /// new rows in one pass and puts the trigger back: one `INSERT … SELECT` instead of a trigger
    /// and a `json_tree` statement per row. The index ends the same as the trigger would leave it.
    static func indexingAfter(_ db: Database, _ body: () throws -> Void) throws {
        let firstNew = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM record") ?? 0
        try db.execute(sql: "DROP TRIGGER IF EXISTS record_text_insert")
        try body()
        try db.execute(
            sql: "INSERT INTO record_text(rowid, text) SELECT seq, \(String(format: recordText, "doc")) FROM record WHERE seq > ?",
            arguments: [firstNew])
        try db.execute(sql: insertTrigger)
    }

    private static let insertTrigger = """
        CREATE TRIGGER record_text_insert AFTER INSERT ON record BEGIN
            INSERT INTO record_text(rowid, text) VALUES (new.seq, \(String(format: recordText, "new.doc")));
        END;
        """

    /// `acme logi` as FTS5 takes it: every word quoted, as a prefix.
    static func match(_ text: String) -> String {
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { "\"\($0)\"*" }.joined(separator: " ")
    }

    static func records(_ db: Database, text: String, models: [String], catalog: Catalog, limit: Int) throws -> [JSONValue] {
        guard !models.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: models.count).joined(separator: ",")
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.model, r.id, r.doc, snippet(record_text, 0, '', '', '…', 8) AS match
            FROM record_text JOIN record r ON r.seq = record_text.rowid
            WHERE record_text MATCH ? AND r.model IN (\(placeholders))
            ORDER BY bm25(record_text) LIMIT ?
            """, arguments: StatementArguments([match(text) as any DatabaseValueConvertible] + models.map { $0 as any DatabaseValueConvertible } + [limit]))
        return try rows.map { row in
            let route: String = row["model"]
            let doc = try JSONValue.parse(row["doc"] as String)
            let model = catalog.model(route: route)
            var hit: [String: JSONValue] = ["model": .string(model?.name ?? route), "route": .string(route), "_id": .string(row["id"])]
            if let title = model.flatMap({ doc[$0.titleField] }), !title.isNull { hit["title"] = title }
            hit["match"] = .string(row["match"])
            return .object(hit)
        }
    }

    static func create(_ db: Database, _ document: NewDocument, id: String, at date: Date) throws -> JSONValue {
        let created = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        try db.execute(
            sql: "INSERT INTO document (id, name, content, owner, is_public, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [id, document.name, document.content, document.owner, document.isPublic, created])
        try db.execute(sql: "INSERT INTO document_text(rowid, name, content) VALUES (?, ?, ?)", arguments: [db.lastInsertedRowID, document.name, document.content])
        return try self.document(db, id: id)
    }

    static func document(_ db: Database, id: String) throws -> JSONValue {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM document WHERE id = ?", arguments: [id]) else {
            throw PlanhatError(.notFound, message: "no document has the id '\(id)'", details: ["search_documents finds documents by their words."])
        }
        let owner: String? = row["owner"]
        return [
            "_id": .string(row["id"]), "name": .string(row["name"]), "content": .string(row["content"]),
            "owner": owner.map(JSONValue.string) ?? .null, "isPublic": .bool(row["is_public"]), "createdAt": .string(row["created_at"]),
        ]
    }

    static func documents(_ db: Database, text: String, limit: Int) throws -> [JSONValue] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT d.id, d.name, d.created_at, snippet(document_text, 1, '', '', '…', 10) AS match
            FROM document_text JOIN document d ON d.seq = document_text.rowid
            WHERE document_text MATCH ? ORDER BY bm25(document_text) LIMIT ?
            """, arguments: [match(text), limit])
        return rows.map { row in
            ["_id": .string(row["id"]), "name": .string(row["name"]), "createdAt": .string(row["created_at"]), "match": .string(row["match"])]
        }
    }
}

extension SandboxBackend: SearchingBackend {
    public func searchRecords(_ text: String, models: [String], limit: Int) async throws -> [JSONValue] {
        try await store.database.read { db in try SandboxSearch.records(db, text: text, models: models, catalog: self.catalog, limit: limit) }
    }

    public func createDocument(_ document: NewDocument) async throws -> JSONValue {
        let now = clock()
        return try await store.database.write { db in try SandboxSearch.create(db, document, id: ObjectID.make(date: now), at: now) }
    }

    public func document(id: String) async throws -> JSONValue {
        try await store.database.read { db in try SandboxSearch.document(db, id: id) }
    }

    public func searchDocuments(_ text: String, limit: Int) async throws -> [JSONValue] {
        try await store.database.read { db in try SandboxSearch.documents(db, text: text, limit: limit) }
    }
}
