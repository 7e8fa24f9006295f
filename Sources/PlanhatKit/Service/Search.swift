import Foundation

/// A backend that searches records in full text and keeps documents: the sandbox does; Planhat's
/// REST API has neither (its hosted MCP server does).
public protocol SearchingBackend: PlanhatBackend {
    /// Records of `models` (routes) whose text matches every word of `text` (words match as
    /// prefixes), best first: `{model, _id, title, match}`.
    func searchRecords(_ text: String, models: [String], limit: Int) async throws -> [JSONValue]
    /// Stores a document and answers it: `{_id, name, content, owner, isPublic, createdAt}`.
    func createDocument(_ document: NewDocument) async throws -> JSONValue
    /// One document, or a 404.
    func document(id: String) async throws -> JSONValue
    /// Documents whose name or content matches every word of `text`, best first: `{_id, name, createdAt, match}`.
    func searchDocuments(_ text: String, limit: Int) async throws -> [JSONValue]
}

/// A document to store (Planhat keeps documents as Pages of type Document).
public struct NewDocument: Sendable, Hashable {
    public var name: String
    public var content: String
    /// A user `_id`.
    public var owner: String?
    public var isPublic: Bool

    public init(name: String, content: String, owner: String?, isPublic: Bool) {
        self.name = name
        self.content = content
        self.owner = owner
        self.isPublic = isPublic
    }
}

extension PlanhatService {
    /// The most results a search answers.
    public static let searchLimit = 25

    /// The backend's search, or a clear refusal naming `tool` when it has none.
    func searching(_ tool: String) throws -> any SearchingBackend {
        guard let backend = backend as? any SearchingBackend else {
            throw PlanhatError(
                .configuration,
                message: "\(tool) is not available on \(backend.info.badge): Planhat's REST API has no full-text search and no documents",
                details: ["Use list_model_records with a FILTER such as {\"name[contains]\": \"…\"} instead, or serve the sandbox (--sandbox), which has them."])
        }
        return backend
    }

    /// Records matching `text`, of one model or of every model offered (the allow-list applies).
    ///
    /// - Throws: ``PlanhatError`` 400 for an empty query, 404 for a model not offered.
    public func searchRecords(_ text: String, model: String?) async throws -> [JSONValue] {
        let backend = try searching("search_records")
        let query = try Self.searchText(text, field: "QUERY")
        let routes = try model.map { [try catalog.model(named: $0).route] } ?? catalog.models.map(\.route)
        return try await backend.searchRecords(query, models: routes, limit: Self.searchLimit)
    }

    /// Stores a document; refused when read-only.
    public func createDocument(_ document: NewDocument) async throws -> JSONValue {
        let backend = try searching("create_document")
        try check(document)
        return try await backend.createDocument(document)
    }

    /// The rules a document to store meets wherever it is stored (here or at Planhat's hosted
    /// server): refused when read-only, a name and content required.
    ///
    /// - Throws: ``PlanhatError`` 403 when read-only, 400 naming `NAME` or `CONTENT`.
    public func check(_ document: NewDocument) throws {
        if readOnly {
            throw PlanhatError(.readOnly, message: "create_document is a write and this session is read-only")
        }
        var issues: [FieldIssue] = []
        if document.name.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(FieldIssue(path: "NAME", value: nil, expected: "a non-empty name", problem: "missing")) }
        if document.content.isEmpty { issues.append(FieldIssue(path: "CONTENT", value: nil, expected: "the document's text", problem: "missing")) }
        guard issues.isEmpty else { throw PlanhatError(status: 400, message: issues.map(\.description).joined(separator: "; "), fieldIssues: issues) }
    }

    /// Whether the backend searches and keeps documents itself (the sandbox does; Planhat's REST API does not).
    public var searchesItself: Bool { backend is any SearchingBackend }

    /// One document by id.
    public func document(id: String) async throws -> JSONValue {
        try await searching("get_document").document(id: id)
    }

    /// Documents matching `text`.
    public func searchDocuments(_ text: String) async throws -> [JSONValue] {
        let backend = try searching("search_documents")
        return try await backend.searchDocuments(try Self.searchText(text, field: "QUERY"), limit: Self.searchLimit)
    }

    /// The words of a search, trimmed.
    ///
    /// - Throws: ``PlanhatError`` 400 naming `field` when there are no words in it.
    public static func searchText(_ text: String, field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.contains(where: { $0.isLetter || $0.isNumber }) else {
            let issue = FieldIssue(path: field, value: JSONValue.string(text).preview(), expected: "words to search for")
            throw PlanhatError(status: 400, message: issue.description, fieldIssues: [issue])
        }
        return trimmed
    }
}
