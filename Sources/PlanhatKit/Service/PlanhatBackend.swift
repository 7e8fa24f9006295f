import Foundation

/// Where requests go: the embedded sandbox or Planhat's REST API.
public protocol PlanhatBackend: Sendable {
    /// What the backend is, for headers, `doctor` and tool annotations.
    var info: BackendInfo { get }

    /// Executes a validated request and answers with the API's JSON response.
    ///
    /// - Throws: ``PlanhatError`` with the status Planhat would answer with.
    func execute(_ request: PlanhatRequest) async throws -> JSONValue
}

/// A backend that can answer a list with the bytes it got, so records pass through to a file
/// without being decoded and encoded again (``PlanhatService/rawListPage(model:parameters:)``).
public protocol RawListingBackend: PlanhatBackend {
    /// Executes a validated `list` request and answers with the response body as received (the
    /// sandbox: the stored documents as one JSON array).
    ///
    /// - Throws: ``PlanhatError`` as ``PlanhatBackend/execute(_:)`` does.
    func executeList(_ request: PlanhatRequest) async throws -> Data
}

/// A description of a backend for people: `SANDBOX ~/.local/share/…` or `api.planhat.com (work)`.
public struct BackendInfo: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case sandbox, remote
    }

    public var kind: Kind
    /// The sandbox file, or the API base URL.
    public var location: String
    /// The configuration profile in use, if any.
    public var profile: String?

    public init(kind: Kind, location: String, profile: String? = nil) {
        self.kind = kind
        self.location = location
        self.profile = profile
    }

    /// A short badge: `SANDBOX` or the API host.
    public var badge: String {
        switch kind {
        case .sandbox: return "SANDBOX"
        case .remote: return URL(string: location)?.host ?? location
        }
    }
}

/// Facts about Planhat's API every face shares.
public enum PlanhatAPI {
    /// Planhat's API, where curl previews point when the backend is the sandbox.
    public static let defaultBaseURL = "https://api.planhat.com"
    /// Planhat's tracking and metrics host: "Regardless your location the base URL for User Tracking
    /// events is always https://analytics.planhat.com" (the metrics page).
    public static let analyticsBaseURL = "https://analytics.planhat.com"
}
