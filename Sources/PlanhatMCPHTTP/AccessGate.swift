import Foundation
import PlanhatKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How `planhat mcp --http` decides who may call it.
public enum HTTPAuthMode: String, Sendable, CaseIterable {
    /// Each request's `Authorization: Bearer <Planhat token>` is the token used for Planhat on that
    /// request, as Planhat's hosted server works: every user acts with their own permissions, and the
    /// server keeps no token beyond the session it belongs to.
    case passthrough
    /// Clients present a key from the keys file; the server uses its own configured Planhat token.
    case key
    /// No credential (loopback only).
    case none
}

/// Who a request comes from, once admitted.
public struct HTTPCaller: Sendable, Hashable {
    /// The name logged for the caller: the key's name, `token-abcd` (passthrough: the last 4 characters), or `anonymous`.
    public let name: String
    /// The Planhat token the request carries (passthrough only).
    let planhatToken: String?
    /// The name of the key presented (`--auth key` only).
    var keyName: String? = nil
}

/// Why a request is refused before it reaches MCP.
struct AccessRefusal: Error, Sendable {
    let status: Int
    let message: String
    /// `invalid_token` when a credential was presented and is wrong; nil when none was.
    let challengeError: String?
}

/// Checks the `Authorization` header against the auth mode.
struct AccessGate: Sendable {
    let mode: HTTPAuthMode
    let keys: KeysFile?

    func admit(authorization: String?) -> Result<HTTPCaller, AccessRefusal> {
        let presented = Self.bearer(authorization)
        switch mode {
        case .none:
            return .success(HTTPCaller(name: "anonymous", planhatToken: nil))
        case .passthrough:
            guard let presented else {
                return .failure(AccessRefusal(status: 401, message: "send your Planhat API token as Authorization: Bearer <token>", challengeError: nil))
            }
            return .success(HTTPCaller(name: "token-" + String(presented.suffix(4)), planhatToken: presented))
        case .key:
            guard let presented else {
                return .failure(AccessRefusal(status: 401, message: "send your key as Authorization: Bearer <key> (ask whoever runs this server)", challengeError: nil))
            }
            guard let keys, let name = keys.name(of: presented) else {
                return .failure(AccessRefusal(status: 401, message: "the key is not valid for this server (unknown, revoked, or the keys file is unreadable)", challengeError: "invalid_token"))
            }
            return .success(HTTPCaller(name: name, planhatToken: nil, keyName: name))
        }
    }

    /// The non-empty Bearer credential of an `Authorization` header.
    static func bearer(_ header: String?) -> String? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        let credential = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return credential.isEmpty ? nil : credential
    }

    /// Compares without stopping at the first difference, so timing tells nothing about a key.
    static func same(_ expected: String, _ presented: String) -> Bool {
        let left = Array(expected.utf8), right = Array(presented.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// `--keys-file`: one `name: key` line per client (`#` comments and blank lines ignored), readable by
/// its owner only. Re-read whenever its modification time or size changes, so a key is revoked by
/// deleting its line; a file that turns unreadable, malformed or readable by others admits nobody.
public final class KeysFile: Sendable {
    public let path: String
    private let state: Mutex<State>

    private struct State {
        var stamp: Stamp?
        var keys: [(name: String, key: String)] = []
        var problem: String?
    }

    private struct Stamp: Equatable {
        var modified: timespec
        var size: Int
        var inode: UInt

        static func == (left: Stamp, right: Stamp) -> Bool {
            left.modified.tv_sec == right.modified.tv_sec && left.modified.tv_nsec == right.modified.tv_nsec && left.size == right.size
                && left.inode == right.inode
        }
    }

    /// Reads the file now.
    ///
    /// - Throws: ``PlanhatError`` naming the file and what is wrong with it.
    public init(path: String) throws {
        self.path = path
        state = Mutex(State())
        try state.withLock { state in
            try Self.reload(path: path, into: &state)
            if let problem = state.problem { throw PlanhatError.configuration(problem) }
        }
    }

    /// The number of keys read.
    public var count: Int { state.withLock { $0.keys.count } }

    /// The name of the client holding `key`, after re-reading the file if it changed.
    func name(of key: String) -> String? {
        state.withLock { state in
            try? Self.reload(path: path, into: &state)
            guard state.problem == nil else { return nil }
            var found: String?
            for entry in state.keys where AccessGate.same(entry.key, key) { found = entry.name }
            return found
        }
    }

    private static func reload(path: String, into state: inout State) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            state.problem = "cannot read the keys file \(path): \(String(cString: strerror(errno)))"
            state.stamp = nil
            return
        }
        let stamp = Stamp(modified: info.st_mtim, size: Int(info.st_size), inode: UInt(info.st_ino))
        guard stamp != state.stamp else { return }
        state.stamp = stamp
        guard info.st_mode & 0o077 == 0 else {
            state.problem = "the keys file \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))): run chmod 600 \(path)"
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            state.problem = "cannot read the keys file \(path)"
            return
        }
        do {
            state.keys = try parse(String(decoding: data, as: UTF8.self), path: path)
            state.problem = nil
        } catch let error as PlanhatError {
            state.problem = error.message
        }
    }

    /// `name: key` lines.
    static func parse(_ text: String, path: String) throws -> [(name: String, key: String)] {
        var keys: [(name: String, key: String)] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw PlanhatError.configuration("line \(number + 1) of the keys file \(path) is not 'name: key'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let key = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, key.count >= 16 else {
                throw PlanhatError.configuration("line \(number + 1) of the keys file \(path) needs a name and a key of at least 16 characters")
            }
            keys.append((name, key))
        }
        return keys
    }
}
