import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TCP_NODELAY on the front door's connections (`sandbox serve` and `mcp --http` share it): without
/// it an answer whose last bytes go out in a later small write waits for the client's delayed ACK
/// (about 40 ms on Linux). Read back with getsockopt from the server's own socket, found in this
/// process by its addresses.
// Off the pool: the exchange waits on a blocking socket while the in-process server answers on the cooperative pool.
@Suite("The front door's accepted connections", .timeLimit(.minutes(5)), .offThePool)
struct FrontDoorNoDelayTests {
    @Test("TCP_NODELAY is set on every connection the front door accepts (read back from the server side); a client's own socket reads 0")
    func noDelay() async throws {
        let server = try await ListeningSandbox(companies: 3, token: "nodelay-token")
        var clients: [Int32] = []
        defer {
            for client in clients { close(client) }
        }
        for _ in 0..<3 {
            let client = try Self.connectedClient(port: UInt16(server.port))
            clients.append(client)
            // A request answered: the front door has accepted the connection and holds its socket.
            let answer = try Self.exchange(client, "GET /companies?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer nodelay-token\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(80))")
            let clientPort = try #require(Self.port(of: client, peer: false))
            let accepted = try #require(Self.acceptedSocket(localPort: UInt16(server.port), peerPort: clientPort), "the server's socket of this connection")
            #expect(Self.noDelay(accepted) == true, "TCP_NODELAY on the accepted socket")
            #expect(Self.noDelay(client) == false, "the client's socket, which nobody set, reads 0: the check tells them apart")
        }
        await server.stop()
    }

    static func connectedClient(port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(descriptor) }
        try #require(connected == 0, "connect: \(String(cString: strerror(errno)))")
        return descriptor
    }

    /// Sends `request` and reads until the answer's head has come.
    static func exchange(_ descriptor: Int32, _ request: String) throws -> String {
        let bytes = Array(request.utf8)
        try #require(send(descriptor, bytes, bytes.count, 0) == bytes.count)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// The IPv4 port of a socket's own address, or of its peer's.
    static func port(of descriptor: Int32, peer: Bool) -> UInt16? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(descriptor, $0, &length) : getsockname(descriptor, $0, &length) }
        }
        guard status == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return UInt16(bigEndian: address.sin_port)
    }

    /// The descriptor in this process of the TCP connection from `peerPort` to `localPort`.
    static func acceptedSocket(localPort: UInt16, peerPort: UInt16) -> Int32? {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        return descriptors.first { port(of: $0, peer: false) == localPort && port(of: $0, peer: true) == peerPort }
    }

    static func noDelay(_ descriptor: Int32) -> Bool? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length) == 0 else { return nil }
        return value != 0
    }
}
