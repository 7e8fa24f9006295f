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
    /// The workspace it belongs to (see ``DraftStore/workspace``).
    public var workspace: String?
}

/// Drafts on disk: one JSON file per form, in a folder of the workspace they belong to, under
/// `$XDG_STATE_HOME/planhat-explorer/drafts/` (`~/.local/state/…` without it), readable by the
/// owner only. A draft made on one workspace (a sandbox file, or a profile and API host) is never
/// offered on another: each workspace has its own folder, and each draft names its workspace.
public struct DraftStore: Sendable {
    public let directory: URL
    /// The workspace the drafts belong to: `sandbox /path/sandbox.sqlite`, `remote https://api.planhat.com (work)`.
    public let workspace: String

    public init(directory: URL, workspace: String = "") {
        self.directory = directory
        self.workspace = workspace
    }

    /// The store of a workspace at the standard place for this user.
    public static func standard(directories: UserDirectories = UserDirectories(), backend: BackendInfo) -> DraftStore {
        let workspace = "\(backend.kind.rawValue) \(backend.location)" + (backend.profile.map { " (\($0))" } ?? "")
        let folder = URL(fileURLWithPath: directories.state("drafts")).appendingPathComponent(folderName(for: backend, workspace: workspace))
        return DraftStore(directory: folder, workspace: workspace)
    }

    /// `sandbox-sandbox.sqlite-3f9a…` or `remote-api.planhat.com-work-…`: readable, and unique by a
    /// hash of the whole workspace.
    static func folderName(for backend: BackendInfo, workspace: String) -> String {
        let readable = backend.kind == .sandbox ? (backend.location as NSString).lastPathComponent : backend.badge
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in workspace.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let parts = [backend.kind.rawValue, readable] + (backend.profile.map { [$0] } ?? []) + [String(hash, radix: 16)]
        return String(parts.joined(separator: "-").map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" ? $0 : "_" })
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
        guard let draft = try? decoder.decode(FormDraft.self, from: data), (draft.workspace ?? "") == workspace else { return nil }
        return draft
    }

    /// Saves a draft, replacing the form's previous one (written whole, then moved into place).
    public func save(_ draft: FormDraft) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = file(for: draft.key)
        let staging = directory.appendingPathComponent(".\(UUID().uuidString).tmp")
        let handle = try FileOutput.createNew(staging.path)
        try handle.write(contentsOf: try encoded(draft))
        try handle.close()
        guard rename(staging.path, target.path) == 0 else {
            unlink(staging.path)
            throw PlanhatError.file("cannot save the draft as \(target.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The file a draft is saved as, the workspace filled in.
    public func encoded(_ draft: FormDraft) throws -> Data {
        var draft = draft
        draft.workspace = workspace
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(draft)
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
