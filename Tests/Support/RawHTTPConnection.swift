import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One answer read off a raw connection.
public struct RawHTTPResponse: Sendable {
    /// `HTTP/1.1 200 OK`, exactly as sent.
    public var statusLine: String
    /// Header fields by lowercased name.
    public var headers: [String: String]
    public var body: String

    /// The status code from the status line (0 when it has none).
    public var status: Int {
        statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as a JSON object, when it is one.
    public var jsonObject: [String: any Sendable]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: any Sendable]
    }
}

/// Why a raw connection could not do what it was asked.
public struct RawHTTPError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// A plain TCP connection to a local server, for tests that send bytes no HTTP client would: garbage
/// request lines, bad lengths, stalls. It never blocks a thread: the socket is non-blocking and waits
/// are short sleeps, so a server running in the same process always has threads to answer on.
public final class RawHTTPConnection: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var pending: [UInt8] = []

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw RawHTTPError(description: "connect to port \(port) failed: errno \(errno)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        descriptor = fd
    }

    deinit {
        Glibc.close(descriptor)
    }

    /// Sends `text` as UTF-8.
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// Sends every byte; throws when the server has closed the connection.
    public func send(_ bytes: [UInt8]) async throws {
        var offset = 0
        let deadline = Date().addingTimeInterval(60)
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
            } else if errno == EAGAIN || errno == EWOULDBLOCK, Date() < deadline {
                try await Task.sleep(for: .milliseconds(2))
            } else {
                throw RawHTTPError(description: "send failed after \(offset) bytes: errno \(errno)")
            }
        }
    }

    /// Tells the server nothing more is coming.
    public func shutdownWrites() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Reads one answer: the head, then as many bytes as its Content-Length says (none with `noBody`,
    /// the answer to HEAD).
    public func readResponse(timeout: TimeInterval = 30, noBody: Bool = false) async throws -> RawHTTPResponse {
        let deadline = Date().addingTimeInterval(timeout)
        let terminator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        while true {
            let endOfHead: Int? = lock.withLock {
                pending.indices.first { pending[$0...].starts(with: terminator) }
            }
            if let endOfHead {
                let head = lock.withLock { () -> String in
                    let text = String(decoding: pending[..<endOfHead], as: UTF8.self)
                    pending.removeFirst(endOfHead + 4)
                    return text
                }
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = noBody ? 0 : Int(headers["content-length"] ?? "0") ?? 0
                while lock.withLock({ pending.count }) < length {
                    guard try await readMore(until: deadline) else { throw RawHTTPError(description: "closed in the middle of a body") }
                }
                let body = lock.withLock { () -> String in
                    let text = String(decoding: pending[..<length], as: UTF8.self)
                    pending.removeFirst(length)
                    return text
                }
                return RawHTTPResponse(statusLine: statusLine, headers: headers, body: body)
            }
            guard try await readMore(until: deadline) else {
                throw RawHTTPError(description: "closed before a whole answer; got \(String(decoding: lock.withLock { pending }, as: UTF8.self))")
            }
        }
    }

    /// Reads until the server closes the connection or `timeout` passes: what came, and whether it closed.
    public func readUntilClosed(timeout: TimeInterval = 30) async -> (text: String, closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var closed = false
        while Date() < deadline {
            do {
                guard try await readMore(until: deadline) else {
                    closed = true
                    break
                }
            } catch {
                closed = (error as? RawHTTPError)?.description.hasPrefix("reset") == true
                break
            }
        }
        let text = lock.withLock { String(decoding: pending, as: UTF8.self) }
        return (text, closed)
    }

    /// Reads what arrives next; false at the end of the stream.
    private func readMore(until deadline: Date) async throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                lock.withLock { pending += buffer[..<count] }
                return true
            }
            if count == 0 { return false }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                if errno == ECONNRESET { throw RawHTTPError(description: "reset by the server") }
                throw RawHTTPError(description: "recv failed: errno \(errno)")
            }
            guard Date() < deadline else { throw RawHTTPError(description: "timed out waiting for the server") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
