import Foundation

/// How much a client may send and how long it may take, for `planhat sandbox serve` and `planhat mcp --http`.
///
/// The front door enforces all of them before FlyingFox sees a byte of the request, except
/// `handlerTimeout`, which is FlyingFox's own `timeout`: it bounds the handler (answering 500 past it)
/// and nothing else — FlyingFox 0.27.1 has no read timeout at all.
public struct ServeLimits: Sendable, Hashable {
    /// The largest request body, in bytes (413 past it, before the body is read).
    public var maxBodyBytes: Int
    /// The largest request head: the request line and every header field (431 past it).
    public var maxHeaderBytes: Int
    /// The longest request line (414 past it).
    public var maxRequestLineBytes: Int
    /// The most header fields in one request (431 past it).
    public var maxHeaderFields: Int
    /// How long a request's head may take to arrive once its first byte has (408, then closed).
    public var headerTimeout: Duration
    /// How long a connection may stay silent: between requests on a kept-alive connection (closed),
    /// in the middle of a body (408, then closed), or while an answer waits to be read by the client.
    public var idleTimeout: Duration
    /// How long the handler may take (FlyingFox's `timeout`; it answers 500 past it).
    public var handlerTimeout: Duration

    public init(maxBodyBytes: Int = 8 * 1_048_576, maxHeaderBytes: Int = 32 * 1_024, maxRequestLineBytes: Int = 8 * 1_024,
                maxHeaderFields: Int = 100, headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
                handlerTimeout: Duration = .seconds(300)) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderFields = maxHeaderFields
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.handlerTimeout = handlerTimeout
    }

    /// The defaults: 8 MB bodies, 32 KB heads, 10 s for a head, 60 s of silence, 300 s for a handler.
    public static let standard = ServeLimits()

    /// The body limit `--max-body-mb` accepts, in MB.
    public static let bodyMegabytesRange = 1...1_024
}

extension Duration {
    /// The duration in seconds, for messages and FlyingFox's `TimeInterval`s.
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
