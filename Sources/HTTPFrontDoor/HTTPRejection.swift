import FlyingFox
import Foundation
import PlanhatKit

/// The JSON of the core (FlyingFox has a JSONValue of its own).
typealias PlanhatJSON = PlanhatKit.JSONValue

/// The status line for every status the server sends, with its standard reason phrase (one table
/// for the whole program: ``HTTPStatus``).
package enum ReasonPhrase {
    package static func status(_ code: Int) -> HTTPStatusCode {
        HTTPStatusCode(code, phrase: phrase(for: code))
    }

    package static func phrase(for code: Int) -> String {
        HTTPStatus.reasonPhrase(code)
    }
}

/// A request the front door answers itself instead of passing it on, always closing the connection
/// after: the request's framing is broken, too large, or its head took too long.
struct HTTPRejection: Error, Sendable, Hashable {
    var status: Int
    var message: String

    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The whole answer: a status line with its reason phrase, a JSON body like every other error,
    /// and `Connection: close`. FlyingFox's response encoder is internal, and this answer is fixed.
    var responseBytes: [UInt8] {
        let body = PlanhatJSON.object(["error": .string(message), "status": .integer(status)]).compactData()
        let head = "HTTP/1.1 \(status) \(ReasonPhrase.phrase(for: status))\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + Array(body)
    }

    static func badRequest(_ message: String) -> HTTPRejection { HTTPRejection(400, message) }
}

/// A client stayed silent past a deadline.
struct ReadTimeout: Error, Sendable {}
