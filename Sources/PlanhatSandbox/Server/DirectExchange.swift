import FlyingFox
import Foundation

/// The server's answer to one request handed to it directly, without a socket.
public struct DirectAnswer: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
}

extension SandboxServer {
    /// Answers one request as the server's handler does behind the front door, without a socket:
    /// for clients tested in this process. Faults apply as over HTTP (a delay waits, a status
    /// answers) and requests are counted.
    ///
    /// - Parameters:
    ///   - target: The path with its percent-encoded query, e.g. `/companies?limit=1`.
    /// - Returns: nil where a `drop` fault closes the connection instead of answering.
    public func answer(method: String, target: String, headers: [String: String], body: Data) async -> DirectAnswer? {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let request = HTTPRequest(
            method: HTTPMethod(method), version: .http11,
            target: HTTPRequest.Target(path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : ""),
            headers: HTTPHeaders(Dictionary(headers.map { (HTTPHeader($0.key), $0.value) }) { first, _ in first }),
            body: HTTPBodySequence(data: body))
        let response = await handle(request)
        guard let data = try? await response.bodyData else { return nil }
        var answerHeaders: [String: String] = [:]
        for (header, value) in response.headers { answerHeaders[header.rawValue] = value }
        return DirectAnswer(status: response.statusCode.code, headers: answerHeaders, body: data)
    }
}
