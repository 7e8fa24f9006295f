import FlyingFox
import FlyingSocks
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The public side of `planhat sandbox serve` and `planhat mcp --http`: it accepts the connections, reads each request whole and
/// checks it — request line, header fields, framing, sizes, time taken — and passes only complete,
/// well-formed requests on to FlyingFox, which listens on a private socket, then relays its answer.
///
/// Why it exists: FlyingFox 0.27.1 parses requests inside `HTTPServer` with an internal decoder and
/// offers no hook before or around it. On anything it cannot parse it closes the connection without
/// an answer (its own TODO says so), it drops header lines it cannot split, it reads heads with no size
/// limit and waits for bytes with no timeout (its `timeout` only bounds the handler), and it hands
/// chunked bodies to the handler undecoded-until-read. So what a front end must answer before a request
/// exists — 400, 408, 411, 413, 414, 417, 431, 501, 505 — is answered here, and FlyingFox still does
/// everything after: decoding the request, the handler, encoding answers, keep-alive.
///
/// Answers relayed back are framed by Content-Length or, for streams (MCP's Server-Sent Events), by
/// chunked encoding: each chunk is passed on as soon as it arrives.
package struct FrontDoor: Sendable {
    let listener: Socket
    let upstream: sockaddr_un
    let limits: ServeLimits
    /// A header carrying the client's address to FlyingFox (which only sees the private socket);
    /// any such header the client sent is dropped. nil adds none.
    let clientAddressHeader: String?

    /// - Parameters:
    ///   - listener: The bound, listening public socket.
    ///   - upstream: FlyingFox's private socket (``PrivateSocket``).
    ///   - clientAddressHeader: see ``clientAddressHeader``.
    package init(listener: Socket, upstream: sockaddr_un, limits: ServeLimits, clientAddressHeader: String? = nil) {
        self.listener = listener
        self.upstream = upstream
        self.limits = limits
        self.clientAddressHeader = clientAddressHeader?.lowercased()
    }

    /// Accepts connections until cancelled.
    package func run() async throws {
        let pool = HTTPServer.defaultPool()
        try await pool.prepare()
        let accepting = try AsyncSocket(socket: listener, pool: pool)
        defer { try? listener.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            group.addTask { try await accept(on: accepting, pool: pool) }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func accept(on listener: AsyncSocket, pool: some AsyncSocketPool) async throws {
        if #available(macOS 14.0, *) {
            try await withThrowingDiscardingTaskGroup { group in
                while let connection = try await next(from: listener, pool: pool) {
                    group.addTask { await connection.run() }
                }
            }
        } else {
            try await withThrowingTaskGroup(of: Void.self) { group in
                while let connection = try await next(from: listener, pool: pool) {
                    group.addTask { await connection.run() }
                }
            }
        }
    }

    /// The next connection; nil once cancelled. A failed accept (out of descriptors) is logged and retried.
    private func next(from listener: AsyncSocket, pool: some AsyncSocketPool) async throws -> FrontDoorConnection? {
        while !Task.isCancelled {
            do {
                let client = try await listener.accept()
                // Every answer is small and written at once: do not let it wait for a delayed ACK.
                try? client.socket.setValue(true, for: BoolSocketOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY))
                let address = clientAddressHeader.map { ($0, Self.describe(peerOf: client.socket)) }
                return FrontDoorConnection(client: client.socket, pool: pool, upstreamAddress: upstream, limits: limits, clientAddress: address)
            } catch is CancellationError {
                return nil
            } catch {
                FrontDoorLog.error("accepting a connection failed: \(error.localizedDescription)")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return nil
    }

    /// `203.0.113.5:51234` or `[::1]:51234` for a connected socket.
    static func describe(peerOf socket: Socket) -> String {
        switch try? socket.remotePeer() {
        case .ip4(let ip, let port)?: return "\(ip):\(port)"
        case .ip6(let ip, let port)?: return "[\(ip)]:\(port)"
        default: return "unknown"
        }
    }
}

/// One client connection, one request at a time: read it whole, check it, send it to FlyingFox over
/// a private connection of its own, relay the answer; answer and close on anything broken.
struct FrontDoorConnection: Sendable {
    let client: Socket
    let pool: any AsyncSocketPool
    let upstreamAddress: sockaddr_un
    let limits: ServeLimits
    /// The header naming the client's address, and that address.
    let clientAddress: (name: String, value: String)?

    func run() async {
        var reader = SocketReader(socket: client, pool: pool)
        var upstream: Upstream?
        defer {
            upstream?.close()
            try? client.close()
        }
        while true {
            let head: RequestHead
            let framing: BodyFraming
            do {
                guard let next = try await RequestHead.read(from: &reader, limits: limits) else { return }
                head = next
                framing = try head.framing(maxBody: limits.maxBodyBytes)
                if try head.expectsContinue(), framing != .none && framing != .length(0) {
                    try await SocketIO.write(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: client, pool: pool, patience: .each(limits.idleTimeout))
                }
            } catch let rejection as HTTPRejection {
                return await refuse(rejection, reader: &reader)
            } catch is ReadTimeout {
                return await refuse(HTTPRejection(408, "the request head did not arrive within \(Self.describe(limits.headerTimeout))"), reader: &reader)
            } catch {
                return  // the client closed or reset the connection
            }
            let body: [UInt8]
            do {
                body = try await RequestBody.read(framing, from: &reader, limits: limits)
            } catch let rejection as HTTPRejection {
                return await refuse(rejection, reader: &reader)
            } catch is ReadTimeout {
                return await refuse(HTTPRejection(408, "the request body stopped arriving for \(Self.describe(limits.idleTimeout))"), reader: &reader)
            } catch {
                return
            }
            do {
                if upstream == nil { upstream = try await Upstream.connect(to: upstreamAddress, pool: pool) }
                guard var connection = upstream else { return }
                try await connection.send(head.forwarded(bodyLength: framing == .none ? nil : body.count, replacing: clientAddress) + Data(body))
                let complete = try await connection.relayAnswer(to: client, withoutBody: head.method.uppercased() == "HEAD", patience: .each(limits.idleTimeout))
                upstream = connection
                guard complete, head.keepAlive else { return }
            } catch {
                return  // FlyingFox dropped the connection (a `drop` fault) or the client stopped reading
            }
        }
    }

    static func describe(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
    }

    /// Answers a request that is not passed on, then closes without resetting the connection: the
    /// client may still be sending a body it will never get to finish, and a close with unread bytes
    /// would destroy the answer before it is read (RFC 9112 §9.6).
    private func refuse(_ rejection: HTTPRejection, reader: inout SocketReader) async {
        let patience = Patience.each(min(limits.idleTimeout, .seconds(5)))
        guard (try? await SocketIO.write(Data(rejection.responseBytes), to: client, pool: pool, patience: patience)) != nil else { return }
        SocketIO.shutdownWrites(client)
        let deadline = ContinuousClock.now + min(limits.idleTimeout, limits.headerTimeout, .seconds(5))
        while ContinuousClock.now < deadline, (try? await reader.some(atMost: 65_536, .until(deadline))) != nil {}
    }
}

/// The private connection to FlyingFox behind one client connection.
struct Upstream {
    let socket: AsyncSocket
    private var reader: SocketReader
    private let pool: any AsyncSocketPool

    /// Connects without `AsyncSocket.connected`'s 5-second timeout: a local socket connects at once
    /// or waits for FlyingFox to accept, and on a busy machine that wait is no failure.
    static func connect(to address: sockaddr_un, pool: any AsyncSocketPool) async throws -> Upstream {
        let plain = try Socket(domain: AF_UNIX, type: .stream)
        do {
            let socket = try AsyncSocket(socket: plain, pool: pool)
            try await socket.connect(to: address)
            return Upstream(socket: socket, reader: SocketReader(socket: plain, pool: pool), pool: pool)
        } catch {
            try? plain.close()
            throw error
        }
    }

    func send(_ data: Data) async throws {
        try await socket.write(data)
    }

    /// Relays one answer to the client; false when FlyingFox closed the connection before its end.
    /// An answer framed by Content-Length is relayed in 64 KB pieces; a chunked one (a stream of
    /// events) chunk by chunk as it comes; one with neither until the close.
    mutating func relayAnswer(to client: Socket, withoutBody: Bool, patience: Patience) async throws -> Bool {
        var head: [UInt8] = []
        var length: Int?
        var chunked = false
        while true {
            let line = try await reader.line(limit: 65_536, .forever)
            head += line + [0x0D, 0x0A]
            if line.isEmpty { break }
            let text = String(decoding: line, as: UTF8.self).lowercased()
            if text.hasPrefix("content-length:") {
                length = Int(text.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            } else if text.hasPrefix("transfer-encoding:"), text.contains("chunked") {
                chunked = true
            }
        }
        // A HEAD answer has no body (RFC 9110 §9.3.2): FlyingFox sends one anyway, so it stops here.
        if withoutBody {
            try await SocketIO.write(Data(head), to: client, pool: pool, patience: patience)
            guard let length else { return false }
            _ = try await reader.bytes(length, .forever)
            return true
        }
        if chunked && length == nil {
            try await SocketIO.write(Data(head), to: client, pool: pool, patience: patience)
            return try await relayChunks(to: client, patience: patience)
        }
        var pending = head
        var remaining = length ?? Int.max
        while remaining > 0 {
            guard let chunk = try await reader.some(atMost: min(remaining, 65_536), .forever) else {
                try await SocketIO.write(Data(pending), to: client, pool: pool, patience: patience)
                return false
            }
            pending += chunk
            remaining -= chunk.count
            if pending.count >= 65_536 || remaining == 0 {
                try await SocketIO.write(Data(pending), to: client, pool: pool, patience: patience)
                pending = []
            }
        }
        if !pending.isEmpty { try await SocketIO.write(Data(pending), to: client, pool: pool, patience: patience) }
        return true
    }

    /// Relays a chunked body as it arrives, each chunk written on at once; true after the last chunk.
    private mutating func relayChunks(to client: Socket, patience: Patience) async throws -> Bool {
        while true {
            let sizeLine = try await reader.line(limit: 1_024, .forever)
            let size = try RequestBody.chunkSize(sizeLine, limit: Int.max)
            if size == 0 {
                var trailer: [UInt8] = sizeLine + [0x0D, 0x0A]
                while true {
                    let line = try await reader.line(limit: 65_536, .forever)
                    trailer += line + [0x0D, 0x0A]
                    if line.isEmpty { break }
                }
                try await SocketIO.write(Data(trailer), to: client, pool: pool, patience: patience)
                return true
            }
            let data = try await reader.bytes(size, .forever)
            _ = try await reader.line(limit: 0, .forever)
            try await SocketIO.write(Data(sizeLine + [0x0D, 0x0A] + data + [0x0D, 0x0A]), to: client, pool: pool, patience: patience)
        }
    }

    func close() {
        try? socket.close()
    }
}

/// Lines on stderr for what the front door cannot answer to anyone.
enum FrontDoorLog {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("planhat: \(message)\n".utf8))
    }
}

/// The private socket FlyingFox listens on behind the front door.
package enum PrivateSocket {
    package static func address() -> sockaddr_un {
        #if os(Linux)
            // An abstract-namespace socket: no file to clean up, unreachable from other machines.
            return .unix(abstractNamespace: "planhat-serve-\(UUID().uuidString)")
        #else
            return .unix(path: FileManager.default.temporaryDirectory.appendingPathComponent("planhat-serve-\(UUID().uuidString.prefix(8)).sock").path)
        #endif
    }

    package static func remove(_ address: sockaddr_un) {
        #if !os(Linux)
            try? Socket.unlink(address)
        #endif
    }
}
