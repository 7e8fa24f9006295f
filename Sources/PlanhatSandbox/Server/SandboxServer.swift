import FlyingFox
import FlyingSocks
import Foundation
import PlanhatKit

/// FlyingFox has a JSONValue of its own.
typealias PlanhatJSON = PlanhatKit.JSONValue

#if canImport(Glibc)
    import Glibc
#endif

/// `planhat sandbox serve`: the sandbox over HTTP with Planhat's URL layout and answers, so the
/// remote client, scripts and other tools can be tested against a local stand-in.
///
/// - `GET /<path>?limit&offset&sort&select&<filters>`, `GET|PUT|DELETE /<path>/<id>`,
///   `POST /<path>`, `PUT /<path>` with an array (bulk upsert).
/// - A Bearer token is required (any non-empty one, or exactly `token` when given): 401 otherwise.
/// - Control routes outside the API's paths: `POST/GET/DELETE /__control/faults` and
///   `GET/DELETE /__control/requests`.
public final class SandboxServer: Sendable {
    let service: PlanhatService
    let token: String?
    let host: String
    let port: UInt16
    let faults: FaultInjector

    public init(service: PlanhatService, token: String?, host: String = "127.0.0.1", port: UInt16 = 4010, faults: FaultInjector = FaultInjector()) {
        self.service = service
        self.token = token
        self.host = host
        self.port = port
        self.faults = faults
    }

    /// Serves until cancelled. `onListening` receives the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (UInt16) -> Void) async throws {
        let address: sockaddr_in
        do {
            address = try .inet(ip4: host, port: port)
        } catch {
            throw PlanhatError(status: 400, message: "cannot listen on '\(host)': give an IPv4 address such as 127.0.0.1")
        }
        let server = HTTPServer(
            config: HTTPServer.Configuration(address: address, timeout: 300, logger: .disabled),
            handler: Handler(server: self))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await server.run()
                } catch let error as SocketError {
                    throw PlanhatError(status: 500, message: "cannot serve on \(self.host):\(self.port): \(error)",
                                       details: ["Is the port in use? Pick another with --port (0 picks a free one)."])
                }
            }
            group.addTask {
                try await server.waitUntilListening(timeout: 10)
                let bound = await Self.boundPort(server) ?? self.port
                NoDelay.enable(onListeningPort: bound)
                onListening(bound)
            }
            try await group.next()
            try await group.next()
        }
    }

    private static func boundPort(_ server: HTTPServer) async -> UInt16? {
        guard case .ip4(_, let port)? = await server.listeningAddress else { return nil }
        return port
    }

    // MARK: - Requests

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let method = request.method.rawValue.uppercased()
        if request.path.hasPrefix("/__control/") { return await control(request, method: method) }
        let fault = await faults.take(method: method, path: request.path)
        if let fault {
            if let delay = fault.delayMs, delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
            if fault.drop == .before { return Self.droppedConnection() }
            if let status = fault.status {
                var headers: HTTPHeaders = [.contentType: "application/json"]
                if let retryAfter = fault.retryAfter { headers[HTTPHeader("Retry-After")] = retryAfter }
                let body = fault.body ?? PlanhatJSON.object(["error": .string("injected fault: \(status)"), "status": .integer(status)]).compactText()
                return HTTPResponse(statusCode: HTTPStatusCode(status, phrase: "Injected"), headers: headers, body: Data(body.utf8))
            }
        }
        guard authorized(request) else {
            return Self.json(401, ["error": "missing or invalid access token: send Authorization: Bearer <token>", "status": 401])
        }
        let response: HTTPResponse
        do {
            let planhatRequest = try await translate(request, method: method)
            response = Self.json(200, try await service.perform(planhatRequest))
        } catch let error as PlanhatError {
            response = Self.errorResponse(error)
        } catch {
            response = Self.json(500, ["error": .string("sandbox server error: \(error)"), "status": 500])
        }
        return fault?.drop == .after ? Self.droppedConnection() : response
    }

    private func authorized(_ request: HTTPRequest) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        let presented = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !presented.isEmpty else { return false }
        return token.map { $0 == presented } ?? true
    }

    /// Turns an HTTP request back into the operation it stands for, validated like Planhat would.
    func translate(_ request: HTTPRequest, method: String) async throws -> PlanhatRequest {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard (1...2).contains(segments.count),
            let model = service.catalog.models.first(where: { $0.path == segments[0] && $0.fixedFields == nil })
        else {
            throw PlanhatError(status: 404, message: "no route \(method) \(request.path)")
        }
        let id = segments.count == 2 ? (segments[1].removingPercentEncoding ?? segments[1]) : nil
        var parameters: [String: PlanhatJSON] = [:]
        let operation: ModelOperation
        switch (method, id) {
        case ("GET", nil):
            operation = .list
            for item in request.query {
                parameters[item.name] = ["limit", "offset"].contains(item.name) ? (Int(item.value).map { .integer($0) } ?? .string(item.value)) : .string(item.value)
            }
        case ("GET", let id?):
            operation = .view
            parameters["id"] = .string(id)
        case ("POST", nil):
            operation = .create
            parameters = try await Self.body(request).objectValue ?? [:]
        case ("PUT", let id?):
            operation = .update
            parameters = try await Self.body(request).objectValue ?? [:]
            parameters["id"] = .string(id)
        case ("PUT", nil):
            operation = .bulkUpsert
            let body = try await Self.body(request)
            parameters["items"] = body.arrayValue.map { .array($0) } ?? .array([body])
        case ("DELETE", let id?):
            operation = .delete
            parameters["id"] = .string(id)
        default:
            throw PlanhatError(status: 404, message: "no route \(method) \(request.path)")
        }
        return try service.prepare(model: model, operation: operation, parameters: .object(parameters))
    }

    private static func body(_ request: HTTPRequest) async throws -> PlanhatJSON {
        let data = try await request.bodyData
        do {
            return try PlanhatJSON.parse(data)
        } catch let error as JSONParseError {
            throw PlanhatError(status: 400, message: "the request body is not JSON: \(error.reason)")
        }
    }

    // MARK: - Control routes

    private func control(_ request: HTTPRequest, method: String) async -> HTTPResponse {
        switch (method, request.path) {
        case ("POST", "/__control/faults"):
            do {
                let rules = try FaultRule.decodeList(try await request.bodyData)
                await faults.add(rules)
                return Self.json(200, ["added": .integer(rules.count)])
            } catch {
                return Self.json(400, ["error": .string("fault rules must be JSON like {\"path\":\"/companies\",\"status\":429}: \(error)")])
            }
        case ("GET", "/__control/faults"):
            let pending = await faults.pending()
            let data = (try? JSONEncoder().encode(pending)) ?? Data("[]".utf8)
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: data)
        case ("DELETE", "/__control/faults"):
            await faults.clear()
            return Self.json(200, ["cleared": true])
        case ("GET", "/__control/requests"):
            let counts = await faults.counts()
            return Self.json(200, .object(counts.mapValues { .integer($0) }))
        case ("DELETE", "/__control/requests"):
            await faults.resetCounts()
            return Self.json(200, ["cleared": true])
        default:
            return Self.json(404, ["error": .string("no control route \(method) \(request.path)")])
        }
    }

    // MARK: - Responses

    static func json(_ status: Int, _ value: PlanhatJSON) -> HTTPResponse {
        HTTPResponse(
            statusCode: HTTPStatusCode(status, phrase: HTTPStatus.reasonPhrase(status)),
            headers: [.contentType: "application/json"], body: value.compactData())
    }

    static func errorResponse(_ error: PlanhatError) -> HTTPResponse {
        let status = error.status ?? 500
        var body: [String: PlanhatJSON] = ["error": .string(error.message), "status": .integer(status)]
        if !error.fieldIssues.isEmpty {
            body["fields"] = .array(error.fieldIssues.map { .object(["path": .string($0.path), "expected": .string($0.expected)]) })
        }
        return json(status, .object(body))
    }

    /// An answer that never arrives: the headers promise a body and the connection closes instead.
    static func droppedConnection() -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: HTTPBodySequence(from: FailingBytes(), count: 64))
    }
}

/// Routes every request to the sandbox server.
struct Handler: HTTPHandler {
    let server: SandboxServer

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        await server.handle(request)
    }
}

/// A body that fails as soon as it is read, so the server closes the connection mid-answer.
struct FailingBytes: AsyncBufferedSequence, AsyncBufferedIteratorProtocol {
    typealias Element = UInt8
    struct Dropped: Error {}

    func makeAsyncIterator() -> FailingBytes { self }
    mutating func next() async throws -> UInt8? { throw Dropped() }
    mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? { throw Dropped() }
}

/// FlyingFox never sets TCP_NODELAY, so every small answer waits ~40 ms for a delayed ACK.
/// Linux hands the option from the listening socket to accepted ones: find ours and set it.
enum NoDelay {
    static func enable(onListeningPort port: UInt16) {
        #if canImport(Glibc)
            for fd in Int32(3)..<Int32(1024) {
                var address = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let named = withUnsafeMutablePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
                }
                guard named == 0, address.sin_family == sa_family_t(AF_INET), UInt16(bigEndian: address.sin_port) == port else { continue }
                var listening: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening == 1 else { continue }
                var on: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            }
        #endif
    }
}
