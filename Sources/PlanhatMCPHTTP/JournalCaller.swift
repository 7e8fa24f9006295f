import Foundation
import Synchronization

/// The client the writes of one HTTP session (stateful) or one POST (stateless) are journaled as.
///
/// - Stateful: the name the session's `initialize` gave (`clientInfo.name`), set once it arrives.
/// - Stateless: what the POST itself carries: the `io.modelcontextprotocol/clientInfo` name in its
///   `params._meta` (per-request client info, MCP's stateless protocol), else its `User-Agent`.
/// - With `--auth key` the key's name is added, `Claude Desktop, key alice`, or `key alice` alone
///   when the client gave no name. Passthrough adds nothing: Planhat knows whose token it was, and no
///   part of a token goes in the journal.
final class JournalCaller: Sendable {
    private let client: Mutex<String?>
    /// The name of the key the requests presented (`--auth key`).
    let key: String?

    init(client: String? = nil, key: String? = nil) {
        self.client = Mutex(client.flatMap(Self.clean))
        self.key = key
    }

    /// Records the client's name (from `initialize`).
    func named(_ name: String) {
        let cleaned = Self.clean(name)
        client.withLock { $0 = cleaned }
    }

    /// What the journal's `client` field gets: nil when nothing is known.
    var label: String? {
        let name = client.withLock { $0 }
        switch (name, key) {
        case (let name?, let key?): return "\(name), key \(key)"
        case (let name?, nil): return name
        case (nil, let key?): return "key \(key)"
        case (nil, nil): return nil
        }
    }

    /// At most 100 characters, control characters removed; nil when nothing is left.
    static func clean(_ text: String) -> String? {
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }).prefix(100))
            .trimmingCharacters(in: .whitespaces)
        return kept.isEmpty ? nil : kept
    }
}
