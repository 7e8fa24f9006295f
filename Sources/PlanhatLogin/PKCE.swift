import Crypto
import Foundation

/// RFC 7636 PKCE, S256 only: a 43-character verifier from 32 random bytes and its SHA-256 challenge.
public struct PKCE: Sendable, Hashable {
    public let verifier: String
    public let challenge: String

    public init(verifier: String = PKCE.randomURLSafe()) {
        self.verifier = verifier
        challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URL
    }

    /// `bytes` random bytes (the system generator: getrandom(2)), base64url without padding.
    public static func randomURLSafe(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64URL
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5).
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
