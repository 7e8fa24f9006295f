import Foundation
import Synchronization

/// One line per HTTP request, on stderr or in `--log-file`:
/// `planhat mcp http: client=127.0.0.1:50412 caller=alice method=tools/call tool=perform_model_action model=companies status=200 ms=2.4`.
/// Credentials never appear: the caller is a key's name, or `token-` and a token's last 4 characters.
public final class RequestLog: Sendable {
    /// What is known about a request when its answer leaves.
    struct Entry {
        var client: String
        var method: String
        var path: String
        var caller: String?
        var rpcMethod: String?
        var tool: String?
        var model: String?
        var status = 0
        var duration = Duration.zero
        var note: String?

        var line: String {
            var fields = ["client=\(client)", "\(method) \(path)"]
            if let caller { fields.append("caller=\(Self.clean(caller))") }
            if let rpcMethod { fields.append("method=\(Self.clean(rpcMethod))") }
            if let tool { fields.append("tool=\(Self.clean(tool))") }
            if let model { fields.append("model=\(Self.clean(model))") }
            fields.append("status=\(status)")
            let (seconds, attoseconds) = duration.components
            fields.append(String(format: "ms=%.1f", Double(seconds) * 1_000 + Double(attoseconds) / 1e15))
            if let note { fields.append("note=\"\(note)\"") }
            return "planhat mcp http: " + fields.joined(separator: " ")
        }

        /// At most 64 printable characters without spaces: what a client sends cannot forge a field.
        static func clean(_ text: String) -> String {
            String(text.prefix(64).map { $0.isASCII && !$0.isWhitespace && $0 != "=" && ($0.asciiValue ?? 0) >= 0x21 ? $0 : "_" })
        }
    }

    private let handle: Mutex<FileHandle>

    /// Lines on stderr.
    public static func standardError() -> RequestLog { RequestLog(handle: .standardError) }

    /// Lines appended to `path` (created 0600).
    public static func file(_ path: String) throws -> RequestLog {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return RequestLog(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
    }

    init(handle: FileHandle) {
        self.handle = Mutex(handle)
    }

    func write(_ entry: Entry) {
        let data = Data((entry.line + "\n").utf8)
        handle.withLock { $0.write(data) }
    }
}
