import Foundation
import PlanhatKit

/// The sandbox opened on its first request, so a start that never reaches it (an MCP client's
/// `initialize`, the explorer's first screen) does not pay for opening the database.
///
/// Only a file that exists is opened late: a new sandbox is created and seeded at once, as before,
/// so a folder that cannot be written still fails at start. A file that cannot be opened fails its
/// first request with the error opening it gives (and the next request tries again).
public final class DeferredSandboxBackend: RawListingBackend, @unchecked Sendable {
    public let info: BackendInfo
    private let path: String
    private let pageCacheKiB: Int?
    private let lock = NSLock()
    private var opened: SandboxBackend?

    init(path: String, pageCacheKiB: Int?) {
        self.path = path
        self.pageCacheKiB = pageCacheKiB
        info = BackendInfo(kind: .sandbox, location: path)
    }

    /// The sandbox at `path`: opened on first use when the file exists, else created and seeded now.
    public static func open(path: String, pageCacheKiB: Int? = nil) throws -> any PlanhatBackend {
        guard FileManager.default.fileExists(atPath: path) else { return try SandboxBackend.open(path: path, pageCacheKiB: pageCacheKiB) }
        return DeferredSandboxBackend(path: path, pageCacheKiB: pageCacheKiB)
    }

    /// The open sandbox, opened now if this is the first request.
    public func backend() throws -> SandboxBackend {
        try lock.withLock {
            if let opened { return opened }
            let backend = try SandboxBackend.open(path: path, pageCacheKiB: pageCacheKiB)
            opened = backend
            return backend
        }
    }

    /// Whether the database was opened (tests).
    public var isOpen: Bool { lock.withLock { opened != nil } }

    public func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        try await backend().execute(request)
    }

    public func executeList(_ request: PlanhatRequest) async throws -> Data {
        try await backend().executeList(request)
    }
}
