import Foundation

/// DNS-rebinding protection (a MUST of MCP's Streamable HTTP): which `Origin` and `Host` headers are
/// accepted.
///
/// - A request without `Origin` (any client that is not a browser) passes the Origin check.
/// - An `Origin` passes when it is in the allowed list (`--allow-origin`), is the public URL's own
///   origin, or is a loopback origin while the server listens on loopback. Any other gets 403.
/// - On loopback the `Host` must name a loopback host too (421 otherwise): a rebound domain name
///   pointing at 127.0.0.1 is refused even from a page that sends no `Origin`.
struct OriginPolicy: Sendable {
    /// Origins accepted besides the built-in ones, lowercased, without a trailing slash.
    let allowed: Set<String>
    /// Whether the server listens on loopback only.
    let loopback: Bool

    init(allowed: [String], publicURL: URL?, loopback: Bool) {
        var origins = Set(allowed.map(Self.normalized))
        if let publicURL, let scheme = publicURL.scheme, let host = publicURL.host {
            origins.insert(Self.normalized("\(scheme)://\(host)" + (publicURL.port.map { ":\($0)" } ?? "")))
        }
        self.allowed = origins
        self.loopback = loopback
    }

    /// nil when the request may go on; else its status and why.
    func refusal(origin: String?, host: String?) -> (status: Int, message: String)? {
        if loopback, let host, !Self.isLoopbackHost(Self.hostName(ofAuthority: host)) {
            return (421, "Host \(host) is not this server: it listens on loopback only (a DNS-rebinding attempt?)")
        }
        guard let origin else { return nil }
        let normalized = Self.normalized(origin)
        if allowed.contains(normalized) { return nil }
        if loopback, let url = URL(string: normalized), ["http", "https"].contains(url.scheme ?? ""), let host = url.host,
            Self.isLoopbackHost(host)
        {
            return nil
        }
        return (403, "Origin \(origin) is not allowed: add it with --allow-origin if browsers there may use this server")
    }

    static func normalized(_ origin: String) -> String {
        var text = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// `localhost` for `localhost:8765`, `::1` for `[::1]:8765`.
    static func hostName(ofAuthority authority: String) -> String {
        let text = authority.lowercased()
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<end])
        }
        return String(text.split(separator: ":", maxSplits: 1).first ?? "")
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.split(separator: ".").first == "127" && bare.split(separator: ".").count == 4
    }
}
