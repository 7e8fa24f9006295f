import FlyingFox
import FlyingSocks
import Foundation
import HTTPFrontDoor
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
///   `POST /<path>`, `PUT /<path>` with an array (bulk upsert), as far as the model offers each
///   operation; any other method on those paths gets 405 with `Allow`, any other path 404.
///   `GET /leancompanies` is the lean company list; the analytics host's routes
///   (`POST /dimensiondata/<tenant UUID>`, `POST /analytics/<tenant UUID>`, `POST /analytics/bulk/<tenant UUID>`)
///   are served on the same port.
/// - A bulk upsert answers 200 when every item was applied, 206 when some were refused, 400 when
///   all were, with the summary as the body (Planhat's HTTP response codes page); a push answers 200.
/// - A Bearer token is required (any non-empty one, or exactly `token` when given): 401 otherwise.
///   Off loopback `token` is required: ``run(onListening:)`` refuses to start without one. The
///   analytics routes take no token, as Planhat's: the tenant UUID in the path authorises them
///   (exactly `tenantUUID` when given; any on loopback; off loopback they need `tenantUUID`, 403).
/// - `readOnlyToken`, when given, is a second token that may only read: its writes get 403, as a
///   Planhat user whose role lacks the permission gets (for testing per-user permissions).
/// - Control routes outside the API's paths: `POST/GET/DELETE /__control/faults` and
///   `GET/DELETE /__control/requests`. With `controlToken` they need `Bearer <controlToken>`; without
///   one they are open on loopback and answer 403 anywhere else.
/// - A ``FrontDoor`` in front of FlyingFox answers malformed, oversized and slow requests itself.
public final class SandboxServer: Sendable {
    let service: PlanhatService
    let token: String?
    let controlToken: String?
    let host: String
    let port: UInt16
    let faults: FaultInjector
    let limits: ServeLimits
    let access: AccessPolicy
    /// The tenant UUID the analytics routes require, if any.
    let tenantUUID: String?

    /// - Parameters:
    ///   - readOnlyToken: A Bearer token whose requests may only read (403 on any write).
    ///   - token: The Bearer token clients must send; nil accepts any non-empty one (loopback only).
    ///   - host: An IP address, or `localhost`; anything but loopback needs `token`.
    ///   - port: 0 picks a free one, handed to `onListening`.
    ///   - controlToken: The Bearer token the control routes need; nil leaves them open on loopback
    ///     and shut (403) elsewhere.
    ///   - limits: Body and head sizes and timeouts the front door enforces.
    ///   - tenantUUID: The tenant UUID the analytics routes require; nil accepts any on loopback and
    ///     shuts them (403) elsewhere.
    public init(service: PlanhatService, token: String?, host: String = "127.0.0.1", port: UInt16 = 4010, faults: FaultInjector = FaultInjector(),
                controlToken: String? = nil, limits: ServeLimits = .standard, tenantUUID: String? = nil, readOnlyToken: String? = nil) {
        self.service = service
        self.token = token
        self.controlToken = controlToken
        self.host = host
        self.port = port
        self.faults = faults
        self.limits = limits
        self.tenantUUID = tenantUUID
        access = AccessPolicy(
            token: token, readOnlyToken: readOnlyToken, controlToken: controlToken, tenantUUID: tenantUUID, loopback: (try? ListenAddress(host: host))?.isLoopback ?? false)
    }

    /// Why a non-loopback server will not start without `--token`.
    public static func tokenRequiredMessage(host: String) -> String {
        "--token is required with --host \(host): off loopback (127.0.0.1, localhost, ::1) anyone who can reach the port could use the sandbox, so clients must send exactly that Bearer token"
    }

    /// Serves until cancelled. `onListening` receives the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (UInt16) -> Void) async throws {
        let address: ListenAddress
        do {
            address = try ListenAddress(host: host)
        } catch {
            throw PlanhatError.configuration(error.description)
        }
        guard address.isLoopback || token?.isEmpty == false else {
            throw PlanhatError.configuration(Self.tokenRequiredMessage(host: host))
        }
        // FlyingFox answers behind the front door, on a socket no other machine can reach.
        try await FrontedServer(address: address, host: host, port: port, limits: limits).run(handler: Handler(server: self), onListening: onListening)
    }

    // MARK: - Requests

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let method = request.method.rawValue
        if request.path.hasPrefix("/__control/") { return await control(request, method: method) }
        let fault = await faults.take(method: method, path: request.path)
        if let fault {
            if let delay = fault.delayMs, delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
            if fault.drop == .before { return Self.droppedConnection() }
            if let status = fault.status {
                var headers: HTTPHeaders = [.contentType: "application/json"]
                if let retryAfter = fault.retryAfter { headers[HTTPHeader("Retry-After")] = retryAfter }
                let body = fault.body ?? PlanhatJSON.object(["error": .string("injected fault: \(status)"), "status": .integer(status)]).compactText()
                return HTTPResponse(statusCode: ReasonPhrase.status(status), headers: headers, body: Data(body.utf8))
            }
        }
        let route = APIRoute(path: request.path, catalog: service.catalog)
        let verdict = route?.tenant.map { access.analytics(tenant: $0) } ?? access.api(request)
        if case .refused(let status, let message) = verdict {
            return Self.json(status, ["error": .string(message), "status": .integer(status)])
        }
        let response: HTTPResponse
        do {
            let planhatRequest = try await translate(request, method: method, route: route)
            if planhatRequest.operation == .list {
                // The stored documents go out as they are: no record is parsed and written again.
                let body = try await service.performList(planhatRequest)
                return fault?.drop == .after ? Self.droppedConnection() : HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: body)
            }
            let answer = try await service.perform(planhatRequest)
            let status = planhatRequest.operation == .bulkUpsert ? BulkItems.status(of: answer) : 200
            response = Self.json(status, answer)
        } catch let error as PlanhatError {
            response = Self.errorResponse(error)
        } catch let error as MethodNotAllowed {
            response = error.response
        } catch {
            ServeLog.error("\(method) \(request.path) failed: \(error)")
            response = Self.json(500, ["error": "the sandbox server failed to answer this request", "status": 500])
        }
        return fault?.drop == .after ? Self.droppedConnection() : response
    }

    /// Turns an HTTP request back into the operation it stands for, validated like Planhat would.
    func translate(_ request: HTTPRequest, method: String, route: APIRoute?) async throws -> PlanhatRequest {
        guard let route else {
            throw PlanhatError(status: 404, message: "no route \(method) \(request.path)")
        }
        guard let operation = route.operations[method] else {
            throw MethodNotAllowed(method: method, path: request.path, allowed: route.allowed)
        }
        var parameters: [String: PlanhatJSON] = [:]
        switch operation {
        case .list:
            let integers = Set(["limit", "offset"] + route.model.filters.filter { $0.type == "integer" }.map(\.name))
            for item in request.query {
                parameters[item.name] = integers.contains(item.name) ? (Int(item.value).map { .integer($0) } ?? .string(item.value)) : .string(item.value)
            }
        case .view, .delete:
            parameters["id"] = route.id.map { .string($0) }
        case .create:
            parameters = try await Self.body(request).objectValue ?? [:]
        case .update:
            parameters = try await Self.body(request).objectValue ?? [:]
            parameters["id"] = route.id.map { .string($0) }
        case .bulkUpsert:
            let body = try await Self.body(request)
            parameters["items"] = body.arrayValue.map { .array($0) } ?? .array([body])
        }
        // Records are checked against the sandbox's own custom fields, as Planhat checks its tenant's.
        let checking = operation.sendsRecords ? ((try? await service.withCustomFields()) ?? service) : service
        var prepared = try checking.prepare(model: route.model, operation: operation, parameters: .object(parameters))
        if let lean = route.lean {
            // The lean list answers lean records whatever the filters (or their absence).
            prepared.resource = lean.path
        }
        return prepared
    }

    private static func body(_ request: HTTPRequest) async throws -> PlanhatJSON {
        let data: Data
        do {
            data = try await request.bodyData
        } catch {
            throw PlanhatError(status: 400, message: "the request body could not be read: it was cut short or its chunked encoding is malformed")
        }
        do {
            return try PlanhatJSON.parse(data)
        } catch let error as JSONParseError {
            throw PlanhatError(status: 400, message: "the request body is not JSON: \(error.reason)")
        }
    }

    // MARK: - Control routes

    private static let controlRoutes: [String: [String]] = [
        "/__control/faults": ["GET", "POST", "DELETE"],
        "/__control/requests": ["GET", "DELETE"],
    ]

    private func control(_ request: HTTPRequest, method: String) async -> HTTPResponse {
        if case .refused(let status, let message) = access.control(request) {
            return Self.json(status, ["error": .string(message), "status": .integer(status)])
        }
        switch (method, request.path) {
        case ("POST", "/__control/faults"):
            do {
                let rules = try FaultRule.decodeList(try await request.bodyData)
                await faults.add(rules)
                return Self.json(200, ["added": .integer(rules.count)])
            } catch {
                return Self.json(400, ["error": .string("fault rules must be JSON like {\"path\":\"/companies\",\"status\":429}: \(FaultRule.describe(error))"), "status": 400])
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
            if let allowed = Self.controlRoutes[request.path] {
                return MethodNotAllowed(method: method, path: request.path, allowed: allowed).response
            }
            return Self.json(404, ["error": .string("no control route \(method) \(request.path)"), "status": 404])
        }
    }

    // MARK: - Responses

    static func json(_ status: Int, _ value: PlanhatJSON, headers extra: [String: String] = [:]) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: "application/json"]
        for (name, value) in extra { headers[HTTPHeader(name)] = value }
        if status == 401 { headers[HTTPHeader("WWW-Authenticate")] = "Bearer realm=\"planhat-sandbox\"" }
        return HTTPResponse(statusCode: ReasonPhrase.status(status), headers: headers, body: value.compactData())
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

/// What an API path names and the method each of its model's operations is served on.
struct APIRoute {
    let model: ModelDefinition
    /// The record id of `/<path>/<id>`, percent-decoded; nil for the collection.
    let id: String?
    /// The operation each method performs here, as far as the model offers it.
    let operations: [String: ModelOperation]
    /// The tenant UUID of an analytics route (`/dimensiondata/<tenant UUID>`), percent-decoded.
    let tenant: String?
    /// The lean list this path is (`/leancompanies`).
    let lean: LeanList?

    /// nil when the path is no API route, or one where the model offers nothing.
    init?(path: String, catalog: Catalog) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { $0.removingPercentEncoding ?? String($0) }
        if let shaped = Self.shaped(segments, catalog: catalog) {
            self = shaped
            return
        }
        if segments.count == 1, let model = catalog.models.first(where: { $0.leanList?.path == segments[0] && $0.supports(.list) }) {
            self.init(model: model, id: nil, operations: ["GET": .list], lean: model.leanList)
            return
        }
        guard (1...2).contains(segments.count),
            let model = catalog.models.first(where: { $0.path == segments[0] && $0.fixedFields == nil })
        else { return nil }
        let id = segments.count == 2 ? segments[1] : nil
        let candidates: [(String, ModelOperation)] = id == nil
            ? [("GET", .list), ("POST", .create), ("PUT", .bulkUpsert)]
            : [("GET", .view), ("PUT", .update), ("DELETE", .delete)]
        // An operation the catalog sends elsewhere (a metrics push) is served only there.
        let offered = candidates.filter { model.supports($0.1) && model.requestShape(for: $0.1)?.path == nil }
        guard !offered.isEmpty else { return nil }
        self.init(model: model, id: id, operations: Dictionary(uniqueKeysWithValues: offered))
    }

    private init(model: ModelDefinition, id: String?, operations: [String: ModelOperation], tenant: String? = nil, lean: LeanList? = nil) {
        self.model = model
        self.id = id
        self.operations = operations
        self.tenant = tenant
        self.lean = lean
    }

    /// The route of an operation the catalog sends to a path of its own (`dimensiondata/{tenantUUID}`).
    private static func shaped(_ segments: [String], catalog: Catalog) -> APIRoute? {
        for model in catalog.models {
            var operations: [String: ModelOperation] = [:]
            var tenant: String?
            for operation in model.operations {
                guard let shape = model.requestShape(for: operation), let template = shape.path else { continue }
                let parts = template.split(separator: "/").map(String.init)
                guard parts.count == segments.count else { continue }
                var captured: String?
                let fits = zip(parts, segments).allSatisfy { part, segment in
                    guard part == PlanhatRequest.tenantPlaceholder else { return part == segment }
                    captured = segment
                    return !segment.isEmpty
                }
                guard fits else { continue }
                operations[shape.method ?? PlanhatRequest.usualMethod(operation)] = operation
                tenant = captured
            }
            if !operations.isEmpty { return APIRoute(model: model, id: nil, operations: operations, tenant: tenant) }
        }
        return nil
    }

    /// The methods served here, in the order `Allow` lists them.
    var allowed: [String] {
        ["GET", "POST", "PUT", "DELETE"].filter { operations[$0] != nil }
    }
}

/// A method the path does not serve: 405 with the methods it does.
struct MethodNotAllowed: Error, Sendable {
    let method: String
    let path: String
    let allowed: [String]

    var response: HTTPResponse {
        let message = "\(method) is not served on \(path): use \(allowed.joined(separator: ", "))"
        return SandboxServer.json(405, ["error": .string(message), "status": 405], headers: ["Allow": allowed.joined(separator: ", ")])
    }
}

/// Who may call the API and the control routes.
struct AccessPolicy: Sendable {
    /// The API's token; nil accepts any non-empty one (loopback only).
    let token: String?
    /// A token that may only read: its writes are refused with 403.
    let readOnlyToken: String?
    /// The control routes' token; nil leaves them open on loopback and shut elsewhere.
    let controlToken: String?
    /// The tenant UUID the analytics routes need; nil accepts any on loopback and none elsewhere.
    let tenantUUID: String?
    /// Whether the server listens on a loopback address.
    let loopback: Bool

    enum Verdict: Equatable {
        case allowed
        case refused(status: Int, message: String)
    }

    func api(_ request: HTTPRequest) -> Verdict {
        if let readOnlyToken, let presented = Self.bearer(request), Self.same(readOnlyToken, presented) {
            guard ["GET", "HEAD"].contains(request.method.rawValue.uppercased()) else {
                return .refused(status: 403, message: "permission denied: this token's user may only read, not \(request.method.rawValue) \(request.path)")
            }
            return .allowed
        }
        guard let presented = Self.bearer(request), token.map({ Self.same($0, presented) }) ?? true else {
            return .refused(status: 401, message: "missing or invalid access token: send Authorization: Bearer <token>")
        }
        return .allowed
    }

    /// An analytics route: Planhat's are open endpoints, authorised by the tenant UUID in the path.
    func analytics(tenant: String) -> Verdict {
        guard let tenantUUID else {
            return loopback ? .allowed : .refused(status: 403, message: "the analytics routes are off: off loopback they need sandbox serve --tenant-uuid")
        }
        guard Self.same(tenantUUID, tenant) else {
            return .refused(status: 403, message: "unknown tenant UUID in the path: use the one sandbox serve --tenant-uuid was given")
        }
        return .allowed
    }

    func control(_ request: HTTPRequest) -> Verdict {
        guard let controlToken else {
            return loopback ? .allowed : .refused(status: 403, message: "the control routes are off: off loopback they need sandbox serve --control-token")
        }
        guard let presented = Self.bearer(request), Self.same(controlToken, presented) else {
            return .refused(status: 401, message: "the control routes need Authorization: Bearer <the --control-token value>")
        }
        return .allowed
    }

    /// The non-empty Bearer token the request presents.
    private static func bearer(_ request: HTTPRequest) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let presented = header.dropFirst("Bearer ".count).trimmingCharacters(in: .whitespaces)
        return presented.isEmpty ? nil : presented
    }

    /// Compares without stopping at the first difference, so timing tells nothing about the token.
    private static func same(_ expected: String, _ presented: String) -> Bool {
        let left = Array(expected.utf8), right = Array(presented.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
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

/// Lines on stderr for what the server cannot answer to anyone.
enum ServeLog {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("planhat sandbox serve: \(message)\n".utf8))
    }
}
