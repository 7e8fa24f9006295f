import Foundation

/// Reads a request body the way its head frames it, never holding more than the body limit.
///
/// A chunked body is decoded here (RFC 9112 §7.1) rather than by FlyingFox: its decoder only finds
/// out a chunk size is malformed once the handler reads the body, and has no limit.
enum RequestBody {
    /// The body's bytes.
    ///
    /// - Throws: ``HTTPRejection`` 400 for malformed chunked framing or a body cut short, 413 as soon as
    ///   a chunked body grows past `limits.maxBodyBytes`, 431 for oversized trailers; ``ReadTimeout``
    ///   when the client stays silent for `limits.idleTimeout`.
    static func read(_ framing: BodyFraming, from reader: inout SocketReader, limits: ServeLimits) async throws -> [UInt8] {
        let patience = Patience.each(limits.idleTimeout)
        do {
            switch framing {
            case .none:
                return []
            case .length(let count):
                return try await reader.bytes(count, patience)
            case .chunked:
                return try await chunked(from: &reader, limits: limits, patience: patience)
            }
        } catch is EndOfStream {
            throw HTTPRejection.badRequest("the connection ended before the whole request body arrived")
        }
    }

    private static func chunked(from reader: inout SocketReader, limits: ServeLimits, patience: Patience) async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line: [UInt8]
            do {
                line = try await reader.line(limit: 1_024, patience)
            } catch is LineTooLong {
                throw HTTPRejection.badRequest("a chunk-size line of the chunked body is longer than 1 KB")
            }
            let size = try chunkSize(line, limit: limits.maxBodyBytes)
            if size == 0 {
                try await trailers(from: &reader, limits: limits, patience: patience)
                return body
            }
            guard body.count + size <= limits.maxBodyBytes else { throw RequestHead.tooLarge(limits.maxBodyBytes) }
            body += try await reader.bytes(size, patience)
            do {
                _ = try await reader.line(limit: 0, patience)
            } catch is LineTooLong {
                throw HTTPRejection.badRequest("a chunk of the chunked body is longer than its size says")
            }
        }
    }

    /// `chunk-size [ chunk-ext ]`: hexadecimal digits, then optionally `;` and extensions (ignored).
    static func chunkSize(_ line: [UInt8], limit: Int) throws(HTTPRejection) -> Int {
        var digits = line.prefix { $0 != 0x3B }
        while let last = digits.last, last == 0x20 || last == 0x09 { digits.removeLast() }
        let isHex: (UInt8) -> Bool = { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        guard !digits.isEmpty, digits.allSatisfy(isHex) else {
            throw .badRequest("the chunked body has a malformed chunk size: \(RequestHead.preview(line))")
        }
        let significant = digits.drop { $0 == 0x30 }
        guard significant.count <= 15, let size = Int(String(decoding: significant.isEmpty ? [0x30] : Array(significant), as: UTF8.self), radix: 16) else {
            throw RequestHead.tooLarge(limit)
        }
        return size
    }

    /// The trailer section after the last chunk: field lines up to an empty line, checked and dropped.
    private static func trailers(from reader: inout SocketReader, limits: ServeLimits, patience: Patience) async throws {
        var budget = limits.maxHeaderBytes
        while true {
            let line: [UInt8]
            do {
                line = try await reader.line(limit: max(0, budget), patience)
            } catch is LineTooLong {
                throw HTTPRejection(431, "the chunked body's trailer fields are larger than \(limits.maxHeaderBytes / 1_024) KB")
            }
            if line.isEmpty { return }
            _ = try RequestHead.field(line)
            budget -= line.count + 2
        }
    }
}
