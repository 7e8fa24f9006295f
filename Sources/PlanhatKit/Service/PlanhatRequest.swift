import Foundation

/// One query parameter of a `list` request.
public struct QueryItem: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A validated operation, ready for a backend: the model, the REST call it maps to, and the body.
///
/// The core builds it once from the parameters; the sandbox executes it, the remote client sends it,
/// and previews (curl, the form's "what will be sent") print it. They cannot disagree.
public struct PlanhatRequest: Sendable, Hashable {
    public var model: ModelDefinition
    public var operation: ModelOperation
    /// The record of `view`, `update` and `delete`: an `_id`, `extid-…` or `srcid-…`.
    public var recordID: String?
    /// The query of `list`, in a stable order.
    public var query: [QueryItem]
    /// The JSON body of `create`, `update` (the object) and `bulkUpsert` (the array).
    public var body: JSONValue?
    /// What preparing it decided that the user should hear (fields sent that the catalog does not know).
    public var notices: [Notice] = []

    public init(model: ModelDefinition, operation: ModelOperation, recordID: String? = nil, query: [QueryItem] = [], body: JSONValue? = nil) {
        self.model = model
        self.operation = operation
        self.recordID = recordID
        self.query = query
        self.body = body
    }

    /// The HTTP method Planhat's REST API uses for the operation.
    public var method: String {
        switch operation {
        case .list, .view: return "GET"
        case .create: return "POST"
        case .update, .bulkUpsert: return "PUT"
        case .delete: return "DELETE"
        }
    }

    /// The path below the base URL, with the id percent-encoded: `/companies/extid-SF%2012`.
    public var path: String {
        var path = "/" + model.path
        if let recordID {
            path += "/" + (recordID.addingPercentEncoding(withAllowedCharacters: .planhatPathSegment) ?? recordID)
        }
        return path
    }

    /// The path with the query string: `/companies?limit=3&sort=-arr`.
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.name, value: $0.value) }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return path + "?" + encoded
    }

    /// The value of a query parameter, if present.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// A copy-pasteable curl command. The token is always `$PLANHAT_API_TOKEN`, never its value.
    public func curlCommand(baseURL: String) -> String {
        var parts = ["curl", "-sS", "-X", method, shellQuote(baseURL + pathAndQuery),
                     "-H", "\"Authorization: Bearer $PLANHAT_API_TOKEN\""]
        if let body {
            let text = body.compactText()
            parts += ["-H", shellQuote("Content-Type: application/json"), "--data-binary", shellQuote(text)]
        }
        return parts.joined(separator: " ")
    }

    private func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension CharacterSet {
    /// The characters left as they are in one path segment.
    static let planhatPathSegment: CharacterSet = {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return allowed
    }()
}
