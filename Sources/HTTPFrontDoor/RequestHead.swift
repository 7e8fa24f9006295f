import Foundation

/// How a request's body is delimited.
enum BodyFraming: Sendable, Hashable {
    /// No body (no Content-Length, no Transfer-Encoding).
    case none
    /// `Content-Length: n`.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// A request's start line and header fields, checked the way RFC 9112 asks a server to, before anything
/// of it reaches FlyingFox (whose decoder closes the connection without an answer on anything it cannot
/// parse, and silently drops header lines it does not understand).
struct RequestHead: Sendable, Hashable {
    /// One header field line as received.
    struct Field: Sendable, Hashable {
        /// The name, lowercased.
        var name: String
        /// The value without surrounding whitespace.
        var value: String
        /// The whole line, as sent on to FlyingFox.
        var line: [UInt8]
    }

    var method: String
    var target: String
    var version: String
    var fields: [Field]
    /// The request line, as sent on to FlyingFox.
    var requestLine: [UInt8]

    // MARK: - Reading

    /// Reads one request head: nil when the client closes or stays silent between requests.
    ///
    /// - Throws: ``HTTPRejection`` for a malformed, too long or cut-short head, ``ReadTimeout`` when the
    ///   head does not arrive within `limits.headerTimeout` of its first byte.
    static func read(from reader: inout SocketReader, limits: ServeLimits) async throws -> RequestHead? {
        if reader.bufferedCount == 0 {
            do {
                guard try await reader.fill(.each(limits.idleTimeout)) else { return nil }
            } catch is ReadTimeout {
                return nil  // kept alive and then silent for the idle timeout
            }
        }
        let deadline = Patience.until(.now + limits.headerTimeout)
        do {
            var requestLine = try await reader.line(limit: limits.maxRequestLineBytes, deadline)
            var blankLines = 0
            while requestLine.isEmpty {  // RFC 9112 §2.2: ignore a stray CRLF before a request
                blankLines += 1
                guard blankLines <= 4 else { throw HTTPRejection.badRequest("the request starts with empty lines, not a request line") }
                requestLine = try await reader.line(limit: limits.maxRequestLineBytes, deadline)
            }
            var budget = limits.maxHeaderBytes - requestLine.count
            var lines: [[UInt8]] = []
            while true {
                let line: [UInt8]
                do {
                    line = try await reader.line(limit: max(0, budget), deadline)
                } catch is LineTooLong {
                    throw HTTPRejection(431, "the request's header fields are larger than \(limits.maxHeaderBytes / 1_024) KB")
                }
                if line.isEmpty { break }
                lines.append(line)
                budget -= line.count + 2
                guard lines.count <= limits.maxHeaderFields else {
                    throw HTTPRejection(431, "the request has more than \(limits.maxHeaderFields) header fields")
                }
            }
            return try RequestHead(requestLine: requestLine, fieldLines: lines)
        } catch is LineTooLong {
            throw HTTPRejection(414, "the request line is longer than \(limits.maxRequestLineBytes / 1_024) KB")
        } catch is EndOfStream {
            throw HTTPRejection.badRequest("the connection ended in the middle of the request head")
        }
    }

    // MARK: - Checking

    /// Checks a request line and its field lines (each without its CRLF).
    init(requestLine: [UInt8], fieldLines: [[UInt8]]) throws(HTTPRejection) {
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .badRequest("the request line must be METHOD /path HTTP/1.1, got \(Self.preview(requestLine))")
        }
        guard parts[0].allSatisfy(Self.isTokenByte) else {
            throw .badRequest("the request method is not a token: \(Self.preview(parts[0]))")
        }
        guard parts[1].allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest("the request target has characters a URL cannot hold: \(Self.preview(parts[1]))")
        }
        method = String(decoding: parts[0], as: UTF8.self)
        target = String(decoding: parts[1], as: UTF8.self)
        version = String(decoding: parts[2], as: UTF8.self)
        var requestLine = requestLine
        if let origin = Self.originForm(ofAbsolute: target) {  // RFC 9112 §3.2.2: a server MUST accept it
            target = origin
            requestLine = Array("\(method) \(origin) \(version)".utf8)
        }
        guard target.hasPrefix("/") || (target == "*" && method == "OPTIONS") else {
            throw .badRequest("the request target must be a path such as /companies, got \(Self.preview(parts[1]))")
        }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            if version.count == 8, version.hasPrefix("HTTP/"), version.dropFirst(5).enumerated().allSatisfy({ $0.offset == 1 ? $0.element == "." : $0.element.isASCII && $0.element.isNumber }) {
                throw HTTPRejection(505, "\(version) is not supported: send HTTP/1.1")
            }
            throw .badRequest("the request line must end with HTTP/1.1, got \(Self.preview(parts[2]))")
        }
        self.requestLine = requestLine
        fields = try fieldLines.map(Self.field)
    }

    /// `/companies?limit=1` for `http://host:4010/companies?limit=1`; nil for any other form.
    static func originForm(ofAbsolute target: String) -> String? {
        let lowered = target.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lowered.hasPrefix($0) }) else { return nil }
        let rest = target.dropFirst(scheme.count)
        guard let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else {
            return rest.isEmpty ? nil : "/"
        }
        guard authorityEnd > rest.startIndex else { return nil }
        let origin = rest[authorityEnd...]
        return origin.hasPrefix("/") ? String(origin) : "/" + origin
    }

    /// Checks one `Name: value` line.
    static func field(_ line: [UInt8]) throws(HTTPRejection) -> Field {
        guard let first = line.first, first != 0x20, first != 0x09 else {
            throw .badRequest("a header line starts with whitespace (obsolete line folding is not accepted)")
        }
        guard let colon = line.firstIndex(of: 0x3A), colon > 0, line[..<colon].allSatisfy(isTokenByte) else {
            throw .badRequest("a header line is not Name: value, got \(preview(line))")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 0x20 || byte == 0x09 { value.removeFirst() }
        while let byte = value.last, byte == 0x20 || byte == 0x09 { value.removeLast() }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .badRequest("the header \(name) holds a control character")
        }
        return Field(name: name, value: String(decoding: value, as: UTF8.self), line: line)
    }

    /// The values of every field named `name` (lowercase).
    func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// How the body is delimited, refusing framing HTTP calls invalid (400), a missing length where a
    /// body is expected (411), a body over `maxBody` (413) and codings other than chunked (501).
    func framing(maxBody: Int) throws(HTTPRejection) -> BodyFraming {
        let hosts = values("host")
        guard hosts.count <= 1, version == "HTTP/1.0" || hosts.count == 1 else {
            throw .badRequest("an HTTP/1.1 request needs exactly one Host header")
        }
        let lengths = values("content-length")
        let encodings = values("transfer-encoding")
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .badRequest("a request cannot have both Content-Length and Transfer-Encoding") }
            guard version == "HTTP/1.1" else { throw .badRequest("Transfer-Encoding needs HTTP/1.1") }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard codings.last == "chunked" else {
                throw .badRequest("the body's length cannot be known: chunked must be the last Transfer-Encoding")
            }
            guard codings == ["chunked"] else {
                throw HTTPRejection(501, "only the chunked transfer coding is supported, got \(encodings.joined(separator: ", "))")
            }
            return .chunked
        }
        guard let text = lengths.first else {
            if ["POST", "PUT"].contains(method.uppercased()) {  // FlyingFox takes methods in any case
                throw HTTPRejection(411, "\(method) needs a Content-Length header (or Transfer-Encoding: chunked)")
            }
            return .none
        }
        guard lengths.count == 1, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .badRequest("Content-Length must be one number of bytes, got \(Self.preview(Array(lengths.joined(separator: ", ").utf8)))")
        }
        guard let length = Int(text) else {
            throw .badRequest("Content-Length \(Self.preview(Array(text.utf8))) is not a length this server can hold")
        }
        guard length <= maxBody else { throw Self.tooLarge(maxBody) }
        return .length(length)
    }

    /// Whether the client waits for `100 Continue` before sending its body (417 for other expectations).
    func expectsContinue() throws(HTTPRejection) -> Bool {
        let expectations = values("expect").map { $0.lowercased() }
        guard !expectations.isEmpty else { return false }
        guard expectations == ["100-continue"] else {
            throw HTTPRejection(417, "the only expectation this server meets is 100-continue")
        }
        return version == "HTTP/1.1"
    }

    /// Whether the connection stays open after the answer, decided as FlyingFox decides it.
    var keepAlive: Bool {
        let tokens = values("connection").flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return version == "HTTP/1.1" ? !tokens.contains("close") : tokens.contains("keep-alive")
    }

    /// The head as FlyingFox receives it: the body's length always as Content-Length (a chunked body has
    /// been decoded by then), `Expect` answered already.
    /// `replacing` names a header the front door sets itself (the client's address): the client's own
    /// fields of that name are dropped.
    func forwarded(bodyLength: Int?, replacing own: (name: String, value: String)? = nil) -> Data {
        var head = requestLine + [0x0D, 0x0A]
        for field in fields where !["content-length", "transfer-encoding", "expect"].contains(field.name) && field.name != own?.name {
            head += field.line + [0x0D, 0x0A]
        }
        if let own { head += Array("\(own.name): \(own.value)\r\n".utf8) }
        if let bodyLength { head += Array("Content-Length: \(bodyLength)\r\n".utf8) }
        head += [0x0D, 0x0A]
        return Data(head)
    }

    static func tooLarge(_ maxBody: Int) -> HTTPRejection {
        HTTPRejection(413, "the request body is larger than the \(maxBody / 1_048_576) MB this server accepts (--max-body-mb)")
    }

    // MARK: - Helpers

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// At most 60 characters of what the client sent, control characters shown as `?`.
    static func preview(_ bytes: some Collection<UInt8>) -> String {
        let shown = bytes.prefix(60).map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "?" }
        return "'" + String(shown) + (bytes.count > 60 ? "…'" : "'")
    }
}
