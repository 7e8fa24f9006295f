import Foundation

/// Which tools a server offers: the three of Planhat's first documentation, the ten of its hosted
/// server today, or both.
public enum Toolset: String, Sendable, CaseIterable {
    /// `get_model_actions`, `get_model_action_parameters`, `perform_model_action` (the default).
    case classic
    /// `list_model_records`, `get_model_record`, `search_records`, `create_model_record`, … with the
    /// hosted server's upper-case arguments.
    case hosted
    /// Both sets; `get_model_action_parameters` takes either's arguments.
    case all

    var hasClassic: Bool { self != .hosted }
    var hasHosted: Bool { self != .classic }
}

/// What a server is built with, whatever its transport (stdio today, Streamable HTTP beside it):
/// the tool set and the size budget of an answer.
public struct MCPServerOptions: Sendable, Hashable {
    /// The default ``maxResultBytes``: under Claude Code's 25 000-token refusal with room to spare.
    public static let defaultMaxResultBytes = 24_000
    /// The smallest budget accepted: a page line and one shortened record.
    public static let minimumMaxResultBytes = 2_000

    public var toolset: Toolset
    /// The most bytes of text an answer carries; a list over it is cut at a whole record and says so.
    public var maxResultBytes: Int

    public init(toolset: Toolset = .classic, maxResultBytes: Int = MCPServerOptions.defaultMaxResultBytes) {
        self.toolset = toolset
        self.maxResultBytes = max(maxResultBytes, Self.minimumMaxResultBytes)
    }
}
