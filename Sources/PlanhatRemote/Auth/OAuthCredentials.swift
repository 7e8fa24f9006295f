import Foundation
import PlanhatKit

#if canImport(Glibc)
    import Glibc
#endif

/// What `planhat login` keeps for a profile: the tokens and where to refresh them. Never the client
/// secret (it stays in `PLANHAT_CLIENT_SECRET` or a prompt).
public struct OAuthCredentials: Codable, Sendable, Hashable {
    public var accessToken: String
    public var refreshToken: String?
    /// When the access token expires; nil when the server did not say (it lasts until a 401).
    public var expiresAt: Date?
    public var obtainedAt: Date
    public var clientID: String
    public var tokenURL: String
    public var scope: String?

    public init(accessToken: String, refreshToken: String?, expiresAt: Date?, obtainedAt: Date, clientID: String, tokenURL: String, scope: String?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.obtainedAt = obtainedAt
        self.clientID = clientID
        self.tokenURL = tokenURL
        self.scope = scope
    }

    /// Whether the access token should be refreshed now: within a quarter of its lifetime (at most
    /// 60 s) of its expiry. A fixed 60 s would refresh a short-lived token on every call.
    public func needsRefresh(now: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        let lifetime = expiresAt.timeIntervalSince(obtainedAt)
        let skew = min(60, max(0, lifetime / 4))
        return now.addingTimeInterval(skew) >= expiresAt
    }
}

/// The 0600 credentials file of each profile, `$XDG_CONFIG_HOME/planhat-explorer/credentials/<profile>.json`
/// in a 0700 folder, written atomically (created 0600, never chmod-ed after), and the lock file beside
/// it that makes concurrent processes refresh one at a time.
public struct CredentialsStore: Sendable {
    public let path: String

    /// The store of `profile` (`default` without one).
    public init(profile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        let name = (profile ?? "default").replacingOccurrences(of: "/", with: "_")
        path = config + "/planhat-explorer/credentials/\(name).json"
    }

    public init(path: String) {
        self.path = path
    }

    /// The stored credentials; nil when there are none.
    ///
    /// - Throws: ``PlanhatError`` for a file others can read or that is not credentials.
    public func load() throws -> OAuthCredentials? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & 0o077 == 0 else {
            throw PlanhatError.configuration("the credentials file \(path) is readable by others: run chmod 600 \(path), or planhat logout and login again")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try Self.decoder.decode(OAuthCredentials.self, from: data)
        } catch {
            throw PlanhatError.configuration("the credentials file \(path) is not readable credentials: run planhat login again")
        }
    }

    /// Writes the credentials atomically: a new 0600 file, synced, renamed over the old one.
    public func save(_ credentials: OAuthCredentials) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let data = try Self.encoder.encode(credentials)
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw PlanhatError.file("cannot write the credentials file \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw PlanhatError.file("cannot write the credentials file \(path)")
        }
    }

    /// Deletes the credentials; false when there were none.
    @discardableResult
    public func delete() -> Bool {
        unlink(path + ".lock")
        return unlink(path) == 0
    }

    /// Takes the exclusive lock beside the file (waiting for another process that holds it).
    public func lock() throws -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw PlanhatError.file("cannot open the lock file \(path).lock") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw PlanhatError.file("cannot lock \(path).lock")
            }
        }
        return descriptor
    }

    public func unlock(_ descriptor: Int32) {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
