import Foundation
import PlanhatKit

/// A form that was not sent: what was typed, kept so nothing is lost.
public struct FormDraft: Hashable, Sendable, Codable {
    /// Which form: `companies-create`, `companies-update-<id>`.
    public var key: String
    public var model: String
    public var operation: ModelOperation
    public var savedAt: Date
    /// What each field held, by field key.
    public var states: [String: FieldState]
    /// The record an update started from.
    public var original: JSONValue?
    /// Why it was saved ("the server answered 503", "quit with the form changed").
    public var reason: String
}

/// Drafts on disk: one JSON file per form in `$XDG_STATE_HOME/planhat-explorer/drafts/`
/// (`~/.local/state/…` without it), readable by the owner only.
public struct DraftStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The store at the standard place for this user.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> DraftStore {
        let home = FileManager.default.homeDirectoryForCurrentUser
        let state = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? home.appendingPathComponent(".local/state")
        return DraftStore(directory: state.appendingPathComponent("planhat-explorer/drafts"))
    }

    private func file(for key: String) -> URL {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return directory.appendingPathComponent(safe + ".json")
    }

    /// The draft saved for a form, if any (an unreadable file counts as none).
    public func load(_ key: String) -> FormDraft? {
        guard let data = FileManager.default.contents(atPath: file(for: key).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(FormDraft.self, from: data)
    }

    /// Saves a draft, replacing the form's previous one (written whole, then moved into place).
    public func save(_ draft: FormDraft) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let target = file(for: draft.key)
        let staging = directory.appendingPathComponent(".\(UUID().uuidString).tmp")
        let handle = try FileOutput.createNew(staging.path)
        try handle.write(contentsOf: try encoder.encode(draft))
        try handle.close()
        guard rename(staging.path, target.path) == 0 else {
            unlink(staging.path)
            throw PlanhatError(status: 500, message: "cannot save the draft as \(target.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Forgets a form's draft (after it was sent, or when the user discards it).
    public func delete(_ key: String) {
        unlink(file(for: key).path)
    }

    /// Where a form's draft lives.
    public func path(for key: String) -> String {
        file(for: key).path
    }
}
