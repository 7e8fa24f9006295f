import FlyingFox
import Foundation
import PlanhatKit

/// The status line for every status the server sends, with its standard reason phrase.
///
/// FlyingFox's table, with RFC 9110's current names where they changed (413 Content Too Large);
/// statuses it does not know (a fault rule may ask for any 2xx–5xx) get the name of their class.
enum ReasonPhrase {
    static func status(_ code: Int) -> HTTPStatusCode {
        HTTPStatusCode(code, phrase: phrase(for: code))
    }

    static func phrase(for code: Int) -> String {
        if let known = known[code] { return known }
        switch code {
        case 100..<200: return "Informational"
        case 200..<300: return "Success"
        case 300..<400: return "Redirection"
        case 400..<500: return "Client Error"
        default: return "Server Error"
        }
    }

    private static let known: [Int: String] = {
        let codes: [HTTPStatusCode] = [
            .`continue`, .switchingProtocols, .ok, .created, .accepted, .nonAuthoritativeInformation, .noContent,
            .resetContent, .partialContent, .multipleChoice, .movedPermanently, .found, .seeOther, .notModified,
            .temporaryRedirect, .permanentRedirect, .badRequest, .unauthorized, .paymentRequired, .forbidden, .notFound,
            .methodNotAllowed, .notAcceptable, .proxyAuthenticationRequired, .requestTimeout, .conflict, .gone,
            .lengthRequired, .preconditionFailed, .payloadTooLarge, .uriTooLong, .unsupportedMediaType,
            .rangeNotSatisfiable, .expectationFailed, .misdirectedRequest, .unprocessableContent, .locked,
            .failedDependency, .tooEarly, .upgradeRequired, .preconditionRequired, .tooManyRequests,
            .requestHeaderFieldsTooLarge, .unavailableForLegalReasons, .internalServerError, .notImplemented,
            .badGateway, .serviceUnavailable, .gatewayTimeout, .httpVersionNotSupported,
        ]
        var table = Dictionary(codes.map { ($0.code, $0.phrase) }, uniquingKeysWith: { first, _ in first })
        table[413] = "Content Too Large"
        return table
    }()
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
