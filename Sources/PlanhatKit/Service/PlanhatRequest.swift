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

/// Which of Planhat's hosts a request goes to.
public enum PlanhatHost: String, Sendable, Hashable {
    /// The REST API: `https://api.planhat.com`, a region's or the demo's, with the Bearer token.
    case api
    /// The tracking and metrics host, `https://analytics.planhat.com` wherever the tenant lives:
    /// an open endpoint, authorised by the tenant UUID in the path instead of the token.
    case analytics

    init(_ name: String?) {
        self = name == "analytics" ? .analytics : .api
    }
}

/// A validated operation, ready for a backend: the model, the REST call it maps to, and the body.
///
/// The core builds it once from the parameters; the sandbox executes it, the remote client sends it,
/// and previews (curl, the form's "what will be sent") print it. They cannot disagree.
public struct PlanhatRequest: Sendable, Hashable {
    /// What stands for the tenant UUID in a path until the remote client fills it in.
    public static let tenantPlaceholder = "{tenantUUID}"
    /// What a curl preview writes for the tenant UUID (like the token, never its value).
    public static let tenantVariable = "$PLANHAT_TENANT_UUID"

    public var model: ModelDefinition
    public var operation: ModelOperation
    /// The record of `view`, `update` and `delete`: an `_id`, `extid-…` or `srcid-…`.
    public var recordID: String?
    /// The query of `list`, in a stable order.
    public var query: [QueryItem]
    /// The JSON body of `create`, `update` (the object) and `bulkUpsert` (the array).
    public var body: JSONValue?
    /// The HTTP method: Planhat's usual one for the operation, or the catalog's (`POST` for a metrics push).
    public var method: String
    /// The host the request goes to.
    public var host: PlanhatHost
    /// The path below the host without the record id: the model's (`companies`), another the
    /// catalog names (`leancompanies`, `dimensiondata/{tenantUUID}`).
    public var resource: String
    /// What preparing it decided that the user should hear (fields sent that the catalog does not know).
    public var notices: [Notice] = []

    public init(model: ModelDefinition, operation: ModelOperation, recordID: String? = nil, query: [QueryItem] = [], body: JSONValue? = nil) {
        self.model = model
        self.operation = operation
        self.recordID = recordID
        self.query = query
        self.body = body
        let shape = model.requestShape(for: operation)
        method = shape?.method ?? Self.usualMethod(operation)
        host = PlanhatHost(shape?.host)
        resource = shape?.path ?? model.path
    }

    /// The HTTP method Planhat's REST API uses for an operation.
    public static func usualMethod(_ operation: ModelOperation) -> String {
        switch operation {
        case .list, .view: return "GET"
        case .create: return "POST"
        case .update, .bulkUpsert: return "PUT"
        case .delete: return "DELETE"
        }
    }

    /// Whether the path holds the tenant UUID (the analytics endpoints).
    public var needsTenant: Bool { resource.contains(Self.tenantPlaceholder) }

    /// The path below the host, with the id percent-encoded: `/companies/extid-SF%2012`; the tenant
    /// UUID, where the path has one, stays `{tenantUUID}`.
    public var path: String {
        var path = "/" + resource
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

    /// ``pathAndQuery`` with the tenant UUID in its place (percent-encoded).
    public func pathAndQuery(tenantUUID: String) -> String {
        let encoded = tenantUUID.addingPercentEncoding(withAllowedCharacters: .planhatPathSegment) ?? tenantUUID
        return pathAndQuery.replacingOccurrences(of: Self.tenantPlaceholder, with: encoded)
    }

    /// What a preview shows after the method: the path and query, preceded by the host when it is
    /// not the API's (`https://analytics.planhat.com/dimensiondata/{tenantUUID}`).
    public var target: String {
        host == .analytics ? PlanhatAPI.analyticsBaseURL + pathAndQuery : pathAndQuery
    }

    /// The value of a query parameter, if present.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// A copy-pasteable curl command. The token is always `$PLANHAT_API_TOKEN`, never its value; an
    /// analytics request goes to `analyticsURL` with `$PLANHAT_TENANT_UUID` in its path and no token.
    public func curlCommand(baseURL: String, analyticsURL: String = PlanhatAPI.analyticsBaseURL) -> String {
        var parts = ["curl", "-sS", "-X", method]
        switch host {
        case .api:
            parts += [shellQuote(baseURL + pathAndQuery), "-H", "\"Authorization: Bearer $PLANHAT_API_TOKEN\""]
        case .analytics:
            let pieces = (analyticsURL + pathAndQuery).components(separatedBy: Self.tenantPlaceholder)
            parts.append(pieces.map { $0.isEmpty ? "" : shellQuote($0) }.joined(separator: "\"\(Self.tenantVariable)\""))
        }
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
