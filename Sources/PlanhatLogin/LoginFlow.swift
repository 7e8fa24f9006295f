import FlyingFox
import FlyingSocks
import Foundation
import PlanhatKit
import PlanhatRemote

/// `planhat login`: OAuth 2 authorization code with PKCE S256 against Planhat, redirected to a
/// one-shot listener on the loopback redirect URI (a fixed port: Planhat matches redirect URLs
/// exactly), `state` checked in constant time, a timeout; or, headless, the redirect URL pasted back.
public struct LoginFlow: Sendable {
    public var clientID: String
    public var clientSecret: String?
    public var authorizeURL: String
    public var tokenURL: String
    /// `http://127.0.0.1:47615/callback` by default; registered verbatim in the App Center.
    public var redirectURI: String
    public var scope: String
    public var timeout: Duration

    public static let defaultPort: UInt16 = 47615

    public init(clientID: String, clientSecret: String?, authorizeURL: String, tokenURL: String, redirectURI: String, scope: String = "inclusive",
                timeout: Duration = .seconds(300)) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authorizeURL = authorizeURL
        self.tokenURL = tokenURL
        self.redirectURI = redirectURI
        self.scope = scope
        self.timeout = timeout
    }

    /// What the user is told, and how the authorize URL reaches a browser.
    public struct Interaction: Sendable {
        /// Opens the URL in a browser; false when none could be started.
        public var openBrowser: (@Sendable (URL) -> Bool)?
        /// Says something on the terminal (stderr).
        public var say: @Sendable (String) -> Void
        /// Whether to read a pasted redirect URL from stdin (headless).
        public var readsPaste: Bool

        public init(openBrowser: (@Sendable (URL) -> Bool)?, say: @escaping @Sendable (String) -> Void, readsPaste: Bool) {
            self.openBrowser = openBrowser
            self.say = say
            self.readsPaste = readsPaste
        }
    }

    /// The authorize URL for `state` and `pkce`.
    public func authorizationURL(state: String, pkce: PKCE) throws -> URL {
        guard var components = URLComponents(string: authorizeURL) else { throw PlanhatError.configuration("the authorize URL \(authorizeURL) is not a URL") }
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI), URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "code_challenge", value: pkce.challenge), URLQueryItem(name: "code_challenge_method", value: "S256"),
            URLQueryItem(name: "scope", value: scope),
        ]
        // URLComponents leaves '+', ':' and '/' alone in query values: encode them so no server reads a space.
        components.percentEncodedQuery = components.queryItems?.map { "\($0.name)=\(TokenEndpoint.formEncode($0.value ?? ""))" }.joined(separator: "&")
        guard let url = components.url else { throw PlanhatError.configuration("cannot build the authorize URL from \(authorizeURL)") }
        return url
    }

    /// The loopback address and path the redirect URI names.
    struct Callback {
        let port: UInt16
        let path: String
    }

    func callback() throws -> Callback {
        guard let url = URL(string: redirectURI), url.scheme == "http", let host = url.host, ["127.0.0.1", "localhost"].contains(host), let port = url.port,
            (1...65_535).contains(port)
        else {
            throw PlanhatError.configuration(
                "the redirect URI \(redirectURI) must be a loopback address with a port, such as http://127.0.0.1:\(Self.defaultPort)/callback")
        }
        return Callback(port: UInt16(port), path: url.path.isEmpty ? "/" : url.path)
    }

    enum Event: Sendable {
        case redirect(URL)
        case pasted(String)
        case timedOut
    }

    /// Signs in and returns the new credentials (not yet saved).
    public func run(_ interaction: Interaction) async throws -> OAuthCredentials {
        let callback = try callback()
        let state = PKCE.randomURLSafe()
        let pkce = PKCE()
        let url = try authorizationURL(state: state, pkce: pkce)
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let server = HTTPServer(
            address: try sockaddr_in.inet(ip4: "127.0.0.1", port: callback.port), timeout: 10, logger: .disabled)
        await server.appendRoute(HTTPRoute(method: .GET, path: callback.path)) { request in
            var components = URLComponents()
            components.scheme = "http"
            components.host = "127.0.0.1"
            components.port = Int(callback.port)
            components.path = request.path
            components.percentEncodedQuery = request.query.isEmpty ? nil : request.query.map { "\($0.name)=\(TokenEndpoint.formEncode($0.value))" }.joined(separator: "&")
            let matches = request.query.first { $0.name == "state" }.map { Self.same($0.value, state) } ?? false
            if let received = components.url { continuation.yield(.redirect(received)) }
            let page = matches ? "Planhat Explorer: sign-in finished, you can close this tab." : "Planhat Explorer: this sign-in link is not the one the terminal is waiting for."
            return HTTPResponse(statusCode: matches ? .ok : .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .connection: "close"], body: Data(page.utf8))
        }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        do {
            try await server.waitUntilListening(timeout: 15)
        } catch {
            throw PlanhatError.configuration(
                "cannot listen on 127.0.0.1:\(callback.port) for the sign-in redirect: is another planhat login running, or the port in use?",
                details: ["Pick another with --port N (and register http://127.0.0.1:N/callback in the App Center) or --redirect-uri."])
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            continuation.yield(.timedOut)
        }
        defer { timer.cancel() }
        let opened = interaction.openBrowser?(url) ?? false
        if opened {
            interaction.say("Opened your browser to sign in to Planhat. If nothing happened, open this URL:\n  \(url.absoluteString)")
        } else {
            interaction.say("Open this URL in a browser to sign in to Planhat:\n  \(url.absoluteString)")
        }
        if interaction.readsPaste || !opened {
            interaction.say("Then paste the full address the browser was sent to (http://127.0.0.1:\(callback.port)/…) here, or wait for it:")
            Self.readLines(into: continuation)
        }
        for await event in events {
            let redirect: URL
            switch event {
            case .timedOut:
                throw PlanhatError(
                    .timeout, message: "timed out after \(Int(timeout.components.seconds)) s waiting for the sign-in redirect",
                    details: ["Check that the OAuth Client's Redirect URL in the App Center is exactly \(redirectURI)."])
            case .redirect(let url):
                redirect = url
            case .pasted(let line):
                guard let url = URL(string: line.trimmingCharacters(in: .whitespacesAndNewlines)), url.query != nil else {
                    interaction.say("That is not the redirect address (it starts with \(redirectURI)?): paste it again.")
                    continue
                }
                redirect = url
            }
            let items = URLComponents(url: redirect, resolvingAgainstBaseURL: false)?.queryItems ?? []
            let value = { (name: String) in items.first { $0.name == name }?.value }
            guard let received = value("state"), Self.same(received, state) else {
                interaction.say("Ignored a redirect whose state does not match this sign-in (a stale or forged link).")
                continue
            }
            if let error = value("error") {
                throw PlanhatError(.unauthorized, message: "Planhat refused the sign-in: \(error)\(value("error_description").map { " (\($0))" } ?? "")")
            }
            guard let code = value("code"), !code.isEmpty else {
                interaction.say("The redirect carries no code: paste the whole address.")
                continue
            }
            let endpoint = TokenEndpoint(url: tokenURL, clientID: clientID, clientSecret: clientSecret)
            do {
                return try await endpoint.exchange(code: code, verifier: pkce.verifier, redirectURI: redirectURI)
            } catch let refused as TokenEndpoint.Refused {
                throw PlanhatError(
                    .unauthorized, message: "the token endpoint refused the sign-in (\(refused.code))",
                    details: refused.code == "invalid_client"
                        ? ["Check the client id and secret (PLANHAT_CLIENT_SECRET) of the OAuth Client in the App Center."] : [])
            }
        }
        throw PlanhatError(.cancelled, message: "the sign-in was abandoned")
    }

    /// Reads lines from stdin on a thread of its own (a pasted redirect URL).
    static func readLines(into continuation: AsyncStream<Event>.Continuation) {
        Thread {
            while let line = Swift.readLine() {
                continuation.yield(.pasted(line))
            }
        }.start()
    }

    /// Compares without stopping at the first difference.
    static func same(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
