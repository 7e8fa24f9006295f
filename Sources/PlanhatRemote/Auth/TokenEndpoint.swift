import Foundation
import PlanhatKit
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Planhat's OAuth token endpoint (`https://api.planhat.com/oauth/token`): the authorization-code
/// exchange and the refresh, with `client_secret_basic` when a secret is given, a public client otherwise.
public struct TokenEndpoint: Sendable {
    /// Planhat's endpoints.
    public static let planhatAuthorizeURL = "https://ws.planhat.com/oauth/authorize"
    public static let planhatTokenURL = "https://api.planhat.com/oauth/token"

    public let url: String
    public let clientID: String
    public let clientSecret: String?

    public init(url: String, clientID: String, clientSecret: String?) {
        self.url = url
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// A refused grant: the refresh token is no longer valid (`invalid_grant`), or the client is wrong.
    public struct Refused: Error, Sendable {
        public let code: String
        public let description: String?
    }

    /// Exchanges an authorization code (with its PKCE verifier and the exact redirect URI).
    public func exchange(code: String, verifier: String, redirectURI: String) async throws -> OAuthCredentials {
        try await request(["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI, "code_verifier": verifier], previous: nil)
    }

    /// Refreshes; the old refresh token is kept when the answer brings none.
    public func refresh(_ credentials: OAuthCredentials) async throws -> OAuthCredentials {
        guard let refreshToken = credentials.refreshToken else {
            throw Refused(code: "invalid_grant", description: "no refresh token was issued")
        }
        return try await request(["grant_type": "refresh_token", "refresh_token": refreshToken], previous: credentials)
    }

    private func request(_ form: [String: String], previous: OAuthCredentials?) async throws -> OAuthCredentials {
        guard let endpoint = URL(string: url) else { throw PlanhatError.configuration("the token endpoint \(url) is not a URL") }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        var form = form
        if let clientSecret {
            let pair = Self.formEncode(clientID) + ":" + Self.formEncode(clientSecret)
            request.setValue("Basic " + Data(pair.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        } else {
            form["client_id"] = clientID
        }
        request.httpBody = Data(form.sorted { $0.key < $1.key }.map { "\(Self.formEncode($0.key))=\(Self.formEncode($0.value))" }.joined(separator: "&").utf8)
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw PlanhatError(.network, message: "the token endpoint \(url) could not be reached: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard status == 200 else {
            if let code = object["error"] as? String { throw Refused(code: code, description: object["error_description"] as? String) }
            throw PlanhatError(status: status, message: "the token endpoint answered \(status)")
        }
        guard let access = object["access_token"] as? String, !access.isEmpty else {
            throw PlanhatError(status: 502, message: "the token endpoint answered without an access_token")
        }
        if let type = object["token_type"] as? String, type.lowercased() != "bearer" {
            throw PlanhatError(status: 502, message: "the token endpoint answered a \(type) token, not a Bearer token")
        }
        let now = Date()
        let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue
        return OAuthCredentials(
            accessToken: access, refreshToken: (object["refresh_token"] as? String) ?? previous?.refreshToken,
            expiresAt: lifetime.map { now.addingTimeInterval($0) }, obtainedAt: now, clientID: clientID, tokenURL: url,
            scope: (object["scope"] as? String) ?? previous?.scope)
    }

    /// `application/x-www-form-urlencoded` (RFC 6749 App. B): unreserved characters stay, the rest is %XX.
    public static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
