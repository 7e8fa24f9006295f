import FlyingFox
import FlyingSocks
import Foundation
import MCP

/// Converts between FlyingFox's requests and answers and the MCP SDK's transport-neutral ones.
enum HTTPBridge {
    /// The SDK's request for a FlyingFox one, its body read whole (the front door has bounded it).
    static func mcpRequest(_ request: FlyingFox.HTTPRequest, body: Data) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for (name, value) in request.headers {
            headers[name.rawValue] = headers[name.rawValue].map { $0 + ", " + value } ?? value
        }
        return MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: body.isEmpty ? nil : body, path: request.path)
    }

    /// FlyingFox's answer for the SDK's: a stream becomes a chunked body written event by event, with
    /// a comment line every `heartbeat` so a vanished client is noticed (a write fails) and proxies
    /// keep the stream open.
    static func response(_ response: MCP.HTTPResponse, heartbeat: Duration) -> FlyingFox.HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers[HTTPHeader(name)] = value }
        let status = HTTPStatusCode(response.statusCode, phrase: HTTPStatusText.phrase(response.statusCode))
        if case .stream(let stream, _) = response {
            return FlyingFox.HTTPResponse(statusCode: status, headers: headers, body: HTTPBodySequence(from: EventStreamBody(stream, heartbeat: heartbeat)))
        }
        return FlyingFox.HTTPResponse(statusCode: status, headers: headers, body: response.bodyData ?? Data())
    }

    /// A JSON answer of this server's own (health, metadata, refusals before the SDK).
    static func json(_ status: Int, _ object: [String: Any], headers extra: [String: String] = [:]) -> FlyingFox.HTTPResponse {
        var headers: HTTPHeaders = [.contentType: "application/json"]
        for (name, value) in extra { headers[HTTPHeader(name)] = value }
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return FlyingFox.HTTPResponse(statusCode: HTTPStatusCode(status, phrase: HTTPStatusText.phrase(status)), headers: headers, body: body)
    }

    /// A JSON-RPC error answer (the shape MCP clients read) with an HTTP status.
    static func rpcError(_ status: Int, code: Int = -32600, _ message: String, headers: [String: String] = [:]) -> FlyingFox.HTTPResponse {
        json(status, ["jsonrpc": "2.0", "id": NSNull(), "error": ["code": code, "message": message]], headers: headers)
    }
}

/// Reason phrases for the statuses this server answers.
enum HTTPStatusText {
    static func phrase(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 421: "Misdirected Request"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(code)"
        }
    }
}

/// The SDK's event stream as FlyingFox's body: empty pieces are skipped (a zero-length chunk would
/// end the HTTP body), and a `: ping` comment goes out after each `heartbeat` of silence.
struct EventStreamBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let merged: AsyncThrowingStream<Data, any Error>

    init(_ events: AsyncThrowingStream<Data, any Error>, heartbeat: Duration) {
        let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
        let forward = Task {
            do {
                for try await piece in events where !piece.isEmpty { continuation.yield(piece) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        let ping = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                if Task.isCancelled { break }
                continuation.yield(Data(": ping\n\n".utf8))
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            ping.cancel()
        }
        merged = stream
    }

    func makeAsyncIterator() -> Iterator { Iterator(base: merged.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncThrowingStream<Data, any Error>.AsyncIterator
        var pending: [UInt8] = []

        mutating func next() async throws -> UInt8? {
            if pending.isEmpty {
                guard let buffer = try await nextBuffer(suggested: 4_096) else { return nil }
                pending = buffer
            }
            return pending.removeFirst()
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            if !pending.isEmpty {
                defer { pending = [] }
                return pending
            }
            while let piece = try await base.next() {
                if !piece.isEmpty { return [UInt8](piece) }
            }
            return nil
        }
    }
}
