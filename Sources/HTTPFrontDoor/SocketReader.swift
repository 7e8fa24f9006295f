import FlyingSocks
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How long a read may wait for the client.
enum Patience: Sendable {
    /// Until a fixed moment (a request head's deadline).
    case until(ContinuousClock.Instant)
    /// This long for each wait (silence in the middle of a body, or a client that does not read).
    case each(Duration)
    /// As long as it takes (the answer from FlyingFox, whose handler has its own timeout).
    case forever

    var deadline: ContinuousClock.Instant? {
        switch self {
        case .until(let instant): return instant
        case .each(let duration): return .now + duration
        case .forever: return nil
        }
    }
}

/// Non-blocking socket I/O whose waits end at a deadline: FlyingSocks' `AsyncSocket` waits forever,
/// so it reads and writes here through `Socket` directly and waits on the same `AsyncSocketPool`.
enum SocketIO {
    /// Waits until `socket` is ready for `events`; throws ``ReadTimeout`` at the deadline.
    static func wait(for events: Socket.Events, on socket: Socket, pool: any AsyncSocketPool, patience: Patience) async throws {
        guard let deadline = patience.deadline else {
            return try await pool.suspendSocket(socket, untilReadyFor: events)
        }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await pool.suspendSocket(socket, untilReadyFor: events)
                return true
            }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else { throw ReadTimeout() }
        }
    }

    /// What the socket has, at most `count` bytes, once it has something; nil at the end of the stream.
    static func read(_ socket: Socket, atMost count: Int, pool: any AsyncSocketPool, patience: Patience) async throws -> [UInt8]? {
        var timedOut = false
        while true {
            try Task.checkCancellation()
            do {
                return try socket.read(atMost: count)
            } catch SocketError.blocked {
                // A deadline that passed while this task waited for a thread, with the bytes already
                // there, is no timeout: one more read above decides.
                guard !timedOut else { throw ReadTimeout() }
                do {
                    try await wait(for: .read, on: socket, pool: pool, patience: patience)
                } catch is ReadTimeout {
                    timedOut = true
                }
            } catch SocketError.disconnected {
                return nil
            }
        }
    }

    /// Writes all of `data`; each wait for the peer to make room is bounded by `patience`.
    static func write(_ data: Data, to socket: Socket, pool: any AsyncSocketPool, patience: Patience) async throws {
        var sent = data.startIndex
        var timedOut = false
        while sent < data.endIndex {
            try Task.checkCancellation()
            do {
                sent = try socket.write(data, from: sent)
                timedOut = false
            } catch SocketError.blocked {
                guard !timedOut else { throw ReadTimeout() }
                do {
                    try await wait(for: .write, on: socket, pool: pool, patience: patience)
                } catch is ReadTimeout {
                    timedOut = true
                }
            }
        }
    }

    /// Ends the sending side so the peer reads the end of the stream after what was sent.
    static func shutdownWrites(_ socket: Socket) {
        #if canImport(Glibc)
            _ = Glibc.shutdown(socket.file.rawValue, Int32(SHUT_WR))
        #endif
    }
}

/// The stream ended in the middle of something.
struct EndOfStream: Error, Sendable {}

/// A line ran past its limit without ending.
struct LineTooLong: Error, Sendable {}

/// Buffered reading from a socket: lines with a length limit and exact byte counts, each wait with a
/// ``Patience``.
struct SocketReader {
    let socket: Socket
    let pool: any AsyncSocketPool
    private var buffer: [UInt8] = []
    private var start = 0

    init(socket: Socket, pool: any AsyncSocketPool) {
        self.socket = socket
        self.pool = pool
    }

    /// Bytes read from the socket and not consumed yet.
    var bufferedCount: Int { buffer.count - start }

    /// Reads more bytes into the buffer; false at the end of the stream.
    mutating func fill(_ patience: Patience) async throws -> Bool {
        compact()
        guard let bytes = try await SocketIO.read(socket, atMost: 65_536, pool: pool, patience: patience) else { return false }
        buffer.append(contentsOf: bytes)
        return true
    }

    /// The next line, without its LF or CRLF.
    ///
    /// - Throws: ``LineTooLong`` once `limit` bytes have come without a line feed, ``EndOfStream``
    ///   when the stream ends first, ``ReadTimeout`` at the deadline.
    mutating func line(limit: Int, _ patience: Patience) async throws -> [UInt8] {
        var scanned = 0
        while true {
            if let feed = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                var end = feed
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                guard end - start <= limit else { throw LineTooLong() }
                let line = Array(buffer[start..<end])
                start = feed + 1
                return line
            }
            scanned = bufferedCount
            guard scanned <= limit else { throw LineTooLong() }
            guard try await fill(patience) else { throw EndOfStream() }
        }
    }

    /// Exactly `count` bytes.
    mutating func bytes(_ count: Int, _ patience: Patience) async throws -> [UInt8] {
        while bufferedCount < count {
            guard try await fill(patience) else { throw EndOfStream() }
        }
        let taken = Array(buffer[start..<(start + count)])
        start += count
        return taken
    }

    /// Up to `count` bytes: what is buffered, or else what the next read brings; nil at the end of the stream.
    mutating func some(atMost count: Int, _ patience: Patience) async throws -> [UInt8]? {
        if bufferedCount == 0 {
            guard try await fill(patience) else { return nil }
        }
        let taken = Array(buffer[start..<(start + min(count, bufferedCount))])
        start += taken.count
        return taken
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536 {
            buffer.removeFirst(start)
            start = 0
        }
    }
}
