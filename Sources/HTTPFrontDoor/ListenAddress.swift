import FlyingSocks
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where `planhat sandbox serve` or `planhat mcp --http` listens, and whether only this machine can reach it.
public struct ListenAddress: Sendable, Hashable {
    /// The host as given (`127.0.0.1`, `localhost`, `::1`, `0.0.0.0`, any IPv4 or IPv6 address).
    public let host: String
    /// Whether the address is a loopback one (127.0.0.0/8, `localhost`, `::1`): only this machine reaches it.
    public let isLoopback: Bool
    private let ip: IP

    private enum IP: Sendable, Hashable {
        case v4(String)
        case v6(String)
    }

    /// The host isn't an IP address `sandbox serve` can listen on.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let host: String
        public var description: String {
            "cannot listen on '\(host)': give an IP address such as 127.0.0.1 (this machine only), ::1 or 0.0.0.0 (every interface)"
        }
    }

    public init(host: String) throws(Invalid) {
        self.host = host
        let literal = host.lowercased() == "localhost" ? "127.0.0.1" : host
        if (try? sockaddr_in.inet(ip4: literal, port: 0)) != nil {
            ip = .v4(literal)
            isLoopback = literal.split(separator: ".").first == "127"
        } else if let address = try? sockaddr_in6.inet6(ip6: literal, port: 0) {
            ip = .v6(literal)
            let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
            let loopback6 = bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
            let mappedLoopback4 = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
            isLoopback = loopback6 || mappedLoopback4
        } else {
            throw Invalid(host: host)
        }
    }

    /// The host as it goes in a URL (`[::1]` for IPv6).
    public var urlHost: String {
        switch ip {
        case .v4(let text): return text
        case .v6(let text): return "[\(text)]"
        }
    }

    /// A socket bound to the address and listening, with `SO_REUSEADDR` like FlyingFox's own.
    package func listeningSocket(port: UInt16) throws -> Socket {
        switch ip {
        case .v4(let text): return try Self.listen(on: try sockaddr_in.inet(ip4: text, port: port))
        case .v6(let text): return try Self.listen(on: try sockaddr_in6.inet6(ip6: text, port: port))
        }
    }

    private static func listen(on address: some SocketAddress) throws -> Socket {
        let socket = try Socket(domain: Int32(type(of: address).family))
        do {
            try socket.setValue(true, for: .localAddressReuse)
            try socket.bind(to: address)
        } catch {
            try? socket.close()
            throw error
        }
        try socket.listen()  // closes the socket itself when it fails
        return socket
    }

    /// The port a listening socket was given (the one asked for, or a free one for port 0).
    package static func boundPort(of socket: Socket) -> UInt16? {
        switch try? socket.sockname() {
        case .ip4(_, let port)?, .ip6(_, let port)?: return port
        default: return nil
        }
    }
}
