import Foundation
import PlanhatKit

/// The OAuth credentials of a profile in use: hands out a fresh access token, refreshing before
/// expiry and after a 401, one process at a time (an `flock` on the store, then the file is read
/// again: another process may have refreshed already, and replaying its rotated refresh token
/// would make a server with reuse detection revoke the whole grant).
public struct OAuthSession: Sendable {
    public let store: CredentialsStore
    /// The client secret for refreshing (`PLANHAT_CLIENT_SECRET`), if the OAuth Client has one.
    let clientSecret: String?

    public init(store: CredentialsStore, clientSecret: String?) {
        self.store = store
        self.clientSecret = clientSecret
    }

    /// The access token to use now: the stored one, or a refreshed one when it is about to expire,
    /// or when `stale` (the token a request was refused with, 401) is still the stored one.
    public func accessToken(replacing stale: String? = nil) async throws -> String {
        guard let current = try store.load() else { throw Self.loggedOut(store) }
        if !current.needsRefresh() && (stale == nil || current.accessToken != stale) { return current.accessToken }
        let descriptor = try store.lock()
        defer { store.unlock(descriptor) }
        guard let latest = try store.load() else { throw Self.loggedOut(store) }
        if !latest.needsRefresh() && (stale == nil || latest.accessToken != stale) { return latest.accessToken }
        let endpoint = TokenEndpoint(url: latest.tokenURL, clientID: latest.clientID, clientSecret: clientSecret)
        do {
            let refreshed = try await endpoint.refresh(latest)
            try store.save(refreshed)
            return refreshed.accessToken
        } catch let refused as TokenEndpoint.Refused {
            if refused.code == "invalid_grant" {
                store.delete()
                throw PlanhatError(
                    .unauthorized, message: "the Planhat sign-in has expired or was revoked (the refresh was refused): run planhat login again",
                    details: ["The local credentials were removed (\(store.path))."])
            }
            throw PlanhatError(
                .unauthorized, message: "refreshing the Planhat sign-in was refused (\(refused.code))",
                details: refused.code == "invalid_client"
                    ? ["Check the client id, and set PLANHAT_CLIENT_SECRET when the OAuth Client has a secret (App Center)."] : [])
        }
    }

    static func loggedOut(_ store: CredentialsStore) -> PlanhatError {
        PlanhatError(.unauthorized, message: "not signed in: run planhat login (no credentials at \(store.path))")
    }
}

/// A backend that signs each request with the session's current access token, and after a 401
/// refreshes once and retries once.
public struct RefreshingBackend: RawListingBackend {
    public let info: BackendInfo
    let session: OAuthSession
    let make: @Sendable (APIToken) -> any PlanhatBackend

    /// - Parameter make: the backend for one access token (a ``RemoteBackend``).
    public init(session: OAuthSession, info: BackendInfo, make: @escaping @Sendable (APIToken) -> any PlanhatBackend) {
        self.session = session
        self.info = info
        self.make = make
    }

    public func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        let token = try await session.accessToken()
        do {
            return try await backend(token).execute(request)
        } catch let error as PlanhatError where error.status == 401 {
            let fresh = try await session.accessToken(replacing: token)
            return try await backend(fresh).execute(request)
        }
    }

    /// A list's answer as received, when the token's backend can answer bytes; else encoded.
    public func executeList(_ request: PlanhatRequest) async throws -> Data {
        func list(_ backend: any PlanhatBackend) async throws -> Data {
            if let lister = backend as? any RawListingBackend { return try await lister.executeList(request) }
            return try await backend.execute(request).compactData()
        }
        let token = try await session.accessToken()
        do {
            return try await list(backend(token))
        } catch let error as PlanhatError where error.status == 401 {
            let fresh = try await session.accessToken(replacing: token)
            return try await list(backend(fresh))
        }
    }

    private func backend(_ token: String) throws -> any PlanhatBackend {
        guard let parsed = APIToken(token) else { throw OAuthSession.loggedOut(session.store) }
        return make(parsed)
    }
}
