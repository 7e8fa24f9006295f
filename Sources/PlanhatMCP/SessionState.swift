import Foundation
import MCP

/// Whether the SDK's server would serve a request now, as its configuration has it, for the paths
/// that answer requests without it (``ToolCallShortcut``).
///
/// In the SDK's strict mode (`Server.Configuration.strict`) a server serves nothing but `initialize`
/// and `ping` until the client has initialized; every other request is refused before its handler
/// runs (swift-sdk 0.12.1 sends no answer at all to it). Without strict mode it serves everything at
/// any time. The server notes the `initialize` it accepted through its initialize hook, which the SDK
/// runs just before it marks itself initialized.
final class SessionState: @unchecked Sendable {
    /// Whether the server runs in the SDK's strict mode.
    let strict: Bool
    private let lock = NSLock()
    private var initialized = false

    init(configuration: Server.Configuration) {
        strict = configuration.strict
    }

    /// The server accepted the client's `initialize`.
    func noteInitialized() {
        lock.withLock { initialized = true }
    }

    /// Whether a request other than `initialize` and `ping` is served now.
    var servesRequests: Bool {
        !strict || lock.withLock { initialized }
    }
}
