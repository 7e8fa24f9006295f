import FlyingFox
import Foundation
import HTTPFrontDoor
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

@testable import PlanhatSandbox

/// Runs blocking work (a child process, a pipe) on a GCD thread instead of a cooperative one.
func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// A ``SandboxServer`` in this process on a free loopback port, over its own in-memory sandbox.
typealias LocalServer = ListeningSandbox

extension ListeningSandbox {
    /// Runs `body` against a fresh server of 3 companies and stops it after, whatever happens.
    static func with(token: String? = nil, controlToken: String? = nil, host: String = "127.0.0.1", limits: ServeLimits = .standard,
                     _ body: (ListeningSandbox) async throws -> Void) async throws {
        let server = try await ListeningSandbox(companies: 3, token: token, controlToken: controlToken, host: host, limits: limits)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Sends one request on a new connection and reads the answer.
    func exchange(_ request: String, noBody: Bool = false) async throws -> RawHTTPResponse {
        let connection = try await RawHTTPConnection(port: port)
        try await connection.send(request)
        return try await connection.readResponse(noBody: noBody)
    }

    /// How many companies the sandbox holds.
    func companyCount() async throws -> Int {
        try await service.perform(model: "companies", operation: "list", parameters: ["limit": 5_000, "select": "_id"]).arrayValue?.count ?? -1
    }
}

/// `METHOD path HTTP/1.1` with a Host and a Bearer token, then `extra` header lines and the body.
func request(_ method: String, _ path: String, token: String? = "t", headers extra: [String] = [], body: String? = nil) -> String {
    var lines = ["\(method) \(path) HTTP/1.1", "Host: localhost"]
    if let token { lines.append("Authorization: Bearer \(token)") }
    if let body { lines.append("Content-Length: \(body.utf8.count)") }
    lines += extra
    return lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
}

/// What an error body must never show: Swift's descriptions of types and errors.
func showsSwiftInternals(_ text: String) -> Bool {
    ["Error(", "Optional(", "errorDescription", "HTTPDecoder", "Swift.", "CodingKeys", "DecodingError", "SocketError"].contains { text.contains($0) }
}

/// One request that must be refused, and how.
struct Refusal: Sendable, CustomTestStringConvertible {
    var name: String
    var request: String
    var statusLine = "HTTP/1.1 400 Bad Request"
    var testDescription: String { name }
}

@Suite("Sandbox serve over HTTP", .timeLimit(.minutes(2)))
struct SandboxServerHTTPTests {
    @Test("every answer's status line carries its standard reason phrase")
    func statusLines() async throws {
        try await LocalServer.with { server async throws in
            let ok = try await server.exchange(request("GET", "/companies?limit=1"))
            #expect(ok.statusLine == "HTTP/1.1 200 OK")
            #expect(try await server.exchange(request("GET", "/nowhere")).statusLine == "HTTP/1.1 404 Not Found")
            #expect(try await server.exchange(request("GET", "/companies?limit=-1")).statusLine == "HTTP/1.1 400 Bad Request")
            let unauthorized = try await server.exchange(request("GET", "/companies", token: nil))
            #expect(unauthorized.statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(unauthorized.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let rules = #"[{"path": "/companies", "count": 1, "status": 429, "retryAfter": "1"}, {"path": "/endusers", "status": 503}, {"path": "/licenses", "status": 201}, {"path": "/tasks", "status": 299}]"#
            #expect(try await server.exchange(request("POST", "/__control/faults", body: rules)).statusLine == "HTTP/1.1 200 OK")
            let limited = try await server.exchange(request("GET", "/companies"))
            #expect(limited.statusLine == "HTTP/1.1 429 Too Many Requests")
            #expect(limited.header("Retry-After") == "1")
            #expect(try await server.exchange(request("GET", "/endusers")).statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(try await server.exchange(request("GET", "/licenses")).statusLine == "HTTP/1.1 201 Created")
            #expect(try await server.exchange(request("GET", "/tasks")).statusLine == "HTTP/1.1 299 Success")
        }
        for code in [200, 201, 400, 401, 403, 404, 405, 408, 409, 411, 413, 414, 417, 422, 429, 431, 500, 501, 502, 503, 504, 505] {
            #expect(!["Error", "Success", "Client Error", "Server Error"].contains(ReasonPhrase.phrase(for: code)), "\(code)")
        }
        #expect(ReasonPhrase.phrase(for: 413) == "Content Too Large")
        #expect(ReasonPhrase.phrase(for: 431) == "Request Header Fields Too Large")
    }

    static let malformedCases: [Refusal] = [
        Refusal(name: "garbage request line", request: "GARBAGE\r\n\r\n"),
        Refusal(name: "request line without a version", request: "GET /companies\r\nHost: x\r\n\r\n"),
        Refusal(name: "method that is no token", request: "GE(T /companies HTTP/1.1\r\nHost: x\r\n\r\n"),
        Refusal(name: "target that is no path", request: "GET companies HTTP/1.1\r\nHost: x\r\n\r\n"),
        Refusal(name: "version that is no HTTP version", request: "GET /companies HTTX/1.1\r\nHost: x\r\n\r\n"),
        Refusal(name: "header line without a colon", request: "GET /companies HTTP/1.1\r\nHost: x\r\nBad header line\r\n\r\n"),
        Refusal(name: "space before a header's colon", request: "GET /companies HTTP/1.1\r\nHost : x\r\n\r\n"),
        Refusal(name: "obsolete line folding", request: "GET /companies HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n"),
        Refusal(name: "control character in a value", request: "GET /companies HTTP/1.1\r\nHost: x\r\nX-A: a\u{01}b\r\n\r\n"),
        Refusal(name: "HTTP/1.1 without Host", request: "GET /companies HTTP/1.1\r\n\r\n"),
        Refusal(name: "negative Content-Length", request: "POST /companies HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
        Refusal(name: "non-numeric Content-Length", request: "POST /companies HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n"),
        Refusal(name: "absurd Content-Length", request: "POST /companies HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\n"),
        Refusal(name: "two Content-Lengths", request: "POST /companies HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
        Refusal(name: "Content-Length and chunked", request: "POST /companies HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}"),
        Refusal(name: "chunked that is not the last coding", request: "POST /companies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        Refusal(name: "chunk size that is not hex", request: "POST /companies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
        Refusal(name: "chunk size written 0x…", request: "POST /companies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n"),
        Refusal(name: "chunk longer than its size", request: "POST /companies HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n"),
        Refusal(name: "connection closed mid-body", request: "POST /companies HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"name\""),
    ]

    @Test("malformed HTTP gets a 400 with a JSON body, then the connection closes", arguments: malformedCases)
    func malformedRequests(_ refusal: Refusal) async throws {
        try await LocalServer.with { server async throws in
            let connection = try await RawHTTPConnection(port: server.port)
            try await connection.send(refusal.request)
            connection.shutdownWrites()
            let answer = try await connection.readResponse()
            #expect(answer.statusLine == refusal.statusLine)
            #expect(answer.header("Content-Type") == "application/json")
            #expect(answer.header("Connection") == "close")
            #expect(answer.jsonObject?["status"] as? Int == 400)
            #expect((answer.jsonObject?["error"] as? String)?.isEmpty == false)
            #expect(!showsSwiftInternals(answer.body), "\(answer.body)")
            let rest = await connection.readUntilClosed()
            #expect(rest.closed && rest.text.isEmpty, "closed after the answer")
            #expect(try await server.companyCount() == 3, "nothing stored")
        }
    }

    static let refusalCases: [Refusal] = [
        Refusal(name: "POST without a length", request: request("POST", "/companies"), statusLine: "HTTP/1.1 411 Length Required"),
        Refusal(name: "PUT without a length", request: request("PUT", "/companies/abc"), statusLine: "HTTP/1.1 411 Length Required"),
        Refusal(name: "Content-Length over the limit, body not sent", request: request("POST", "/companies", headers: ["Content-Length: 2000000"]),
                statusLine: "HTTP/1.1 413 Content Too Large"),
        Refusal(name: "request line over 8 KB", request: request("GET", "/companies?q=" + String(repeating: "a", count: 9_000)), statusLine: "HTTP/1.1 414 URI Too Long"),
        Refusal(name: "an expectation other than 100-continue", request: request("POST", "/companies", headers: ["Expect: something"], body: "{}"),
                statusLine: "HTTP/1.1 417 Expectation Failed"),
        Refusal(name: "a 40 KB header", request: request("GET", "/companies", headers: ["X-Big: " + String(repeating: "a", count: 40_000)]),
                statusLine: "HTTP/1.1 431 Request Header Fields Too Large"),
        Refusal(name: "101 header fields", request: request("GET", "/companies", headers: (0...100).map { "X-\($0): 1" }),
                statusLine: "HTTP/1.1 431 Request Header Fields Too Large"),
        Refusal(name: "a coding other than chunked", request: request("POST", "/companies", headers: ["Transfer-Encoding: gzip, chunked"]),
                statusLine: "HTTP/1.1 501 Not Implemented"),
        Refusal(name: "HTTP/2.0", request: "GET /companies HTTP/2.0\r\nHost: x\r\n\r\n", statusLine: "HTTP/1.1 505 HTTP Version Not Supported"),
    ]

    @Test("411, 413, 414, 417, 431, 501 and 505 where HTTP says so, answered before any body is read", arguments: refusalCases)
    func otherRefusals(_ refusal: Refusal) async throws {
        try await LocalServer.with(limits: ServeLimits(maxBodyBytes: 1_048_576)) { server async throws in
            let connection = try await RawHTTPConnection(port: server.port)
            try await connection.send(refusal.request)  // the connection stays open for writing: no body follows
            let answer = try await connection.readResponse()
            #expect(answer.statusLine == refusal.statusLine)
            #expect(answer.header("Connection") == "close")
            #expect(answer.jsonObject?["status"] as? Int == answer.status)
            #expect(!showsSwiftInternals(answer.body), "\(answer.body)")
            connection.shutdownWrites()
            #expect(await connection.readUntilClosed().closed)
        }
    }

    @Test("a body over the limit gets 413 and nothing is stored; one at the limit is accepted")
    func bodyLimit() async throws {
        let limit = 1_048_576
        try await LocalServer.with(limits: ServeLimits(maxBodyBytes: limit)) { server async throws in
            // Content-Length over the limit, with the body sent anyway.
            let name = String(repeating: "a", count: limit + 100_000)
            let sending = try await RawHTTPConnection(port: server.port)
            try? await sending.send(request("POST", "/companies", body: #"{"name":"\#(name)"}"#))  // the server may stop reading
            let answer = try await sending.readResponse()
            #expect(answer.statusLine == "HTTP/1.1 413 Content Too Large")
            #expect((answer.jsonObject?["error"] as? String)?.contains("1 MB") == true)

            // Chunked: refused as soon as the chunks add up to more than the limit.
            let connection = try await RawHTTPConnection(port: server.port)
            try await connection.send(request("POST", "/companies", headers: ["Transfer-Encoding: chunked"]) + "b\r\n{\"name\": \"a\r\n")
            let chunk = String(repeating: "a", count: 65_536)
            for _ in 0..<24 {  // 1.5 MB, unless the server has closed by then
                guard (try? await connection.send(String(65_536, radix: 16) + "\r\n" + chunk + "\r\n")) != nil else { break }
            }
            connection.shutdownWrites()
            let chunked = try await connection.readResponse()
            #expect(chunked.statusLine == "HTTP/1.1 413 Content Too Large")
            #expect(try await server.companyCount() == 3, "nothing was stored")

            // Exactly the limit.
            // (a long description: a name over 65 535 characters is refused by the core's text limit)
            let prefix = #"{"name":"At the limit","description":""#
            let fitting = prefix + String(repeating: "b", count: limit - prefix.utf8.count - 2) + #""}"#
            #expect(fitting.utf8.count == limit)
            #expect(try await server.exchange(request("POST", "/companies", body: fitting)).statusLine == "HTTP/1.1 200 OK")
            #expect(try await server.companyCount() == 4)
        }
        #expect(ServeLimits.standard.maxBodyBytes == 8 * 1_048_576)
    }

    @Test("partial headers, then silence or a drip: 408 and closed after the header timeout")
    func headerTimeout() async throws {
        try await LocalServer.with(limits: ServeLimits(headerTimeout: .seconds(1))) { server async throws in
            let stalled = try await RawHTTPConnection(port: server.port)
            let started = Date()
            try await stalled.send("GET /companies HTTP/1.1\r\nHost: localhost\r\n")
            let answer = await stalled.readUntilClosed(timeout: 45)
            let elapsed = Date().timeIntervalSince(started)
            #expect(answer.closed)
            #expect(answer.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
            #expect(elapsed >= 0.9 && elapsed < 30, "closed after \(elapsed) s")

            // A byte every 200 ms: no single wait reaches the timeout, the whole head does. The drip
            // goes on until the server gives up (a busy machine only makes that later), at most 20 s.
            let drip = try await RawHTTPConnection(port: server.port)
            let dripStarted = Date()
            let head = Array("GET /companies HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8)
            var sent = 0
            while Date().timeIntervalSince(dripStarted) < 20, (try? await drip.send([sent < head.count ? head[sent] : UInt8(ascii: "a")])) != nil {
                sent += 1
                try await Task.sleep(for: .milliseconds(200))
            }
            let dripped = await drip.readUntilClosed(timeout: 45)
            #expect(dripped.closed && dripped.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(dripped.text)")
            #expect(Date().timeIntervalSince(dripStarted) < 20, "the server gave up on the drip")
        }
    }

    @Test("a silent kept-alive connection is closed after the idle timeout; a slow answer is not cut off")
    func idleTimeout() async throws {
        try await LocalServer.with(limits: ServeLimits(idleTimeout: .seconds(1))) { server async throws in
            let connection = try await RawHTTPConnection(port: server.port)
            // Timed from before the request: the server's idle clock starts after its answer, so the
            // connection lives at least the timeout from here, however late this side reads.
            let started = Date()
            try await connection.send(request("GET", "/companies?limit=1"))
            #expect(try await connection.readResponse().statusLine == "HTTP/1.1 200 OK")
            let idle = await connection.readUntilClosed(timeout: 45)
            let elapsed = Date().timeIntervalSince(started)
            #expect(idle.closed && idle.text.isEmpty, "closed without a word")
            #expect(elapsed >= 0.95 && elapsed < 30, "closed after \(elapsed) s")

            // The handler taking longer than the idle timeout is not silence on the client's part.
            _ = try await server.exchange(request("POST", "/__control/faults", body: #"{"path": "/companies", "delayMs": 1500}"#))
            let slow = try await server.exchange(request("GET", "/companies?limit=1"))
            #expect(slow.statusLine == "HTTP/1.1 200 OK")

            // A body that stops arriving.
            let stalled = try await RawHTTPConnection(port: server.port)
            try await stalled.send(request("POST", "/companies", headers: ["Content-Length: 100"]) + #"{"name": "#)
            let answer = await stalled.readUntilClosed(timeout: 45)
            #expect(answer.closed && answer.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
            #expect(try await server.companyCount() == 3)
        }
    }

    @Test("HEAD, OPTIONS and other unserved methods on a known path get 405 with Allow; unknown paths 404")
    func methodNotAllowed() async throws {
        try await LocalServer.with { server async throws in
            let connection = try await RawHTTPConnection(port: server.port)
            try await connection.send(request("HEAD", "/companies"))
            let head = try await connection.readResponse(noBody: true)
            #expect(head.statusLine == "HTTP/1.1 405 Method Not Allowed")
            #expect(head.header("Allow") == "GET, POST, PUT")
            try await connection.send(request("GET", "/companies?limit=1"))
            let next = try await connection.readResponse()
            #expect(next.statusLine == "HTTP/1.1 200 OK", "HEAD's answer had no body to spill into the next one")

            let options = try await server.exchange(request("OPTIONS", "/companies"))
            #expect(options.statusLine == "HTTP/1.1 405 Method Not Allowed")
            #expect(options.header("Allow") == "GET, POST, PUT")
            #expect(options.jsonObject?["status"] as? Int == 405)
            let cases: [(String, String, String)] = [
                ("DELETE", "/companies", "GET, POST, PUT"),
                ("PATCH", "/companies/abc", "GET, PUT, DELETE"),
                ("OPTIONS", "/companies/abc", "GET, PUT, DELETE"),
                ("POST", "/workflows", "GET"),  // workflows: list only
                ("HEAD", "/__control/faults", "GET, POST, DELETE"),
                ("PUT", "/__control/requests", "GET, DELETE"),
            ]
            for (method, path, allow) in cases {
                let answer = try await server.exchange(request(method, path, headers: ["POST", "PUT"].contains(method) ? ["Content-Length: 0"] : []), noBody: method == "HEAD")
                #expect(answer.statusLine == "HTTP/1.1 405 Method Not Allowed", "\(method) \(path)")
                #expect(answer.header("Allow") == allow, "\(method) \(path)")
            }
            #expect(try await server.exchange(request("GET", "/nowhere")).statusLine == "HTTP/1.1 404 Not Found")
            #expect(try await server.exchange(request("HEAD", "/nowhere"), noBody: true).statusLine == "HTTP/1.1 404 Not Found")
            #expect(try await server.exchange(request("GET", "/timeentries/abc")).statusLine == "HTTP/1.1 404 Not Found", "no item route at all")
        }
    }

    @Test("chunked bodies, Expect: 100-continue, absolute-form targets and pipelined requests are served")
    func wellFormedVariants() async throws {
        try await LocalServer.with { server async throws in
            let chunked = request("POST", "/companies", headers: ["Transfer-Encoding: chunked"])
                + "8;ext=1\r\n{\"name\":\r\n9\r\n\"Chunky\"}\r\n0\r\nX-Trailer: yes\r\n\r\n"
            let created = try await server.exchange(chunked)
            #expect(created.statusLine == "HTTP/1.1 200 OK")
            #expect(created.jsonObject?["name"] as? String == "Chunky")

            let expecting = try await RawHTTPConnection(port: server.port)
            let patient = #"{"name":"Patient"}"#
            try await expecting.send(request("POST", "/companies", headers: ["Content-Length: \(patient.utf8.count)", "Expect: 100-continue"]))
            #expect(try await expecting.readResponse(noBody: true).statusLine == "HTTP/1.1 100 Continue")
            try await expecting.send(patient)
            #expect(try await expecting.readResponse().statusLine == "HTTP/1.1 200 OK")

            let absolute = try await server.exchange(request("GET", "http://localhost:4010/companies?limit=2"))
            #expect(absolute.statusLine == "HTTP/1.1 200 OK", "the absolute form a proxy would send")
            #expect(absolute.body.hasPrefix("[{"))

            let pipelined = try await RawHTTPConnection(port: server.port)
            try await pipelined.send(request("GET", "/companies?limit=1") + request("GET", "/nowhere") + request("GET", "/companies?limit=2", headers: ["Connection: close"]))
            #expect(try await pipelined.readResponse().statusLine == "HTTP/1.1 200 OK")
            #expect(try await pipelined.readResponse().statusLine == "HTTP/1.1 404 Not Found")
            #expect(try await pipelined.readResponse().statusLine == "HTTP/1.1 200 OK")
            #expect(await pipelined.readUntilClosed().closed, "Connection: close is honoured")
            #expect(try await server.companyCount() == 5)
        }
    }

    @Test("a body the handler cannot read is a 400 in plain words, not a 500 with Swift internals")
    func unreadableBody() async throws {
        let store = try SandboxStore(path: nil)
        let server = SandboxServer(service: PlanhatService(backend: SandboxBackend(store: store)), token: nil)
        let broken = HTTPRequest(method: .POST, version: .http11, path: "/companies", query: [],
                                 headers: [.authorization: "Bearer t"], body: HTTPBodySequence(from: FailingBytes(), count: 10))
        let answer = await server.handle(broken)
        #expect(answer.statusCode.code == 400 && answer.statusCode.phrase == "Bad Request")
        let body = String(decoding: try await answer.bodyData, as: UTF8.self)
        #expect(body.contains("could not be read") && !showsSwiftInternals(body), "\(body)")
    }

    @Test("the control token guards the control routes; off loopback they are shut without one and --token is required")
    func controlAccess() async throws {
        try await LocalServer.with(controlToken: "ctl") { server async throws in
            #expect(try await server.exchange(request("GET", "/__control/requests", token: nil)).statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(try await server.exchange(request("GET", "/__control/requests", token: "api")).statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(try await server.exchange(request("GET", "/__control/requests", token: "ctl")).statusLine == "HTTP/1.1 200 OK")
            #expect(try await server.exchange(request("GET", "/companies?limit=1", token: "anything")).statusLine == "HTTP/1.1 200 OK", "any token on loopback")
        }
        try await LocalServer.with(token: "api", host: "0.0.0.0") { server async throws in
            let shut = try await server.exchange(request("GET", "/__control/requests", token: "api"))
            #expect(shut.statusLine == "HTTP/1.1 403 Forbidden")
            #expect((shut.jsonObject?["error"] as? String)?.contains("--control-token") == true)
            #expect(try await server.exchange(request("POST", "/__control/faults", token: nil, body: #"{"path": "/companies", "status": 500}"#)).status == 403)
            #expect(try await server.exchange(request("GET", "/companies?limit=1", token: "other")).statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(try await server.exchange(request("GET", "/companies?limit=1", token: "api")).statusLine == "HTTP/1.1 200 OK")
        }
        do {
            _ = try await LocalServer(host: "0.0.0.0")
            Issue.record("a server on 0.0.0.0 without a token started")
        } catch let error as PlanhatError {
            #expect(error.message.contains("--token is required"))
        }
        #expect(try ListenAddress(host: "localhost").isLoopback && ListenAddress(host: "::1").isLoopback && ListenAddress(host: "127.0.0.2").isLoopback)
        #expect(try !ListenAddress(host: "0.0.0.0").isLoopback && !ListenAddress(host: "::").isLoopback && !ListenAddress(host: "192.168.1.5").isLoopback)
        #expect(throws: ListenAddress.Invalid.self) { try ListenAddress(host: "example.com") }
    }

    @Test("fault rules are checked, and what is wrong with them is said in plain words")
    func faultRuleErrors() async throws {
        try await LocalServer.with { server async throws in
            let cases: [(String, String)] = [
                (#"{"path": "/companies", "status": 42}"#, "status 42"),
                (#"{"path": "/companies", "status": 204}"#, "status 204"),
                (#"{"path": "/companies", "retryAfter": "1\r\nX-Injected: yes", "status": 429}"#, "retryAfter"),
                (#"{"status": 500}"#, "path is missing"),
                (#"[{"path": "/companies"}, {"path": 7}]"#, "[1].path must be a string"),
                (#"{"path": "/companies", "drop": "sideways"}"#, "drop must be"),
                ("{", "not JSON"),
            ]
            for (rules, expected) in cases {
                let answer = try await server.exchange(request("POST", "/__control/faults", body: rules))
                #expect(answer.statusLine == "HTTP/1.1 400 Bad Request", "\(rules)")
                #expect(answer.body.contains(expected), "\(rules): \(answer.body)")
                #expect(!showsSwiftInternals(answer.body), "\(answer.body)")
            }
            #expect(try await server.exchange(request("GET", "/__control/faults")).body == "[]")
        }
    }
}

/// `planhat sandbox serve` started as a program, for what only the command line decides.
// A guard against a hang, not a speed test: its tests queue for the off-the-pool threads behind suites
// that wait a minute (the quota test), and the limit counts that queueing too.
@Suite("Sandbox serve off loopback", .timeLimit(.minutes(10)), .offThePool)
struct SandboxServeExposureTests {
    /// A running `planhat sandbox serve`, its port and what it printed on stderr until it listened.
    struct Served: Sendable {
        let process: Process
        let port: Int
        let stderr: String

        func stop() async {
            _ = try? await offloaded {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    /// Starts the built binary and waits for its listening line.
    func serve(_ arguments: [String]) async throws -> Served {
        try await offloaded {
            let folder = ProcessRunner.temporaryDirectory("serve-exposed")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProcessRunner.planhatBinary)
            process.arguments = ["sandbox", "serve", "--port", "0", "--sandbox-path", folder.appendingPathComponent("s.sqlite").path] + arguments
            process.environment = ProcessRunner.environment()
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            var seen = ""
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline && process.isRunning && !seen.contains("planhat sandbox serve: listening on") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { usleep(10_000) }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            guard let range = seen.range(of: "http://127.0.0.1:"), let port = Int(seen[range.upperBound...].prefix { $0.isNumber }) else {
                process.terminate()
                throw RawHTTPError(description: "sandbox serve did not start: \(seen)")
            }
            return Served(process: process, port: port, stderr: seen)
        }
    }

    func exchange(_ port: Int, _ text: String) async throws -> RawHTTPResponse {
        let connection = try await RawHTTPConnection(port: port)
        try await connection.send(text)
        return try await connection.readResponse()
    }

    @Test("--host 0.0.0.0 without --token refuses to start with status 2 and names the option")
    func tokenRequired() async throws {
        let path = ProcessRunner.temporaryDirectory("serve-refused").appendingPathComponent("s.sqlite").path
        let refused = try await offloaded { try ProcessRunner.planhat(["sandbox", "serve", "--host", "0.0.0.0", "--port", "0", "--sandbox-path", path]) }
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--token is required with --host 0.0.0.0"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("listening"))
        for (arguments, message) in [
            (["--max-body-mb", "0"], "--max-body-mb must be from 1 to 1024, got 0"),
            (["--host", "example.com"], "give an IP address"),
            (["--token", ""], "--token must not be empty"),
        ] {
            let result = try await offloaded { try ProcessRunner.planhat(["sandbox", "serve", "--port", "0", "--sandbox-path", path] + arguments) }
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test("--host 0.0.0.0 with --token warns on stderr, takes only that token, and the control routes need --control-token")
    func exposedWithTokens() async throws {
        let served = try await serve(["--host", "0.0.0.0", "--token", "api", "--control-token", "ctl", "--max-body-mb", "1"])
        do {
            let port = served.port
            #expect(served.stderr.contains("WARNING: sandbox serve is listening on 0.0.0.0, which is NOT a loopback address."), "\(served.stderr)")
            #expect(served.stderr.contains("need Authorization: Bearer <--control-token>"))
            #expect(served.stderr.contains("listening on http://0.0.0.0:\(port) (every interface; from this machine http://127.0.0.1:\(port))"))
            #expect(try await exchange(port, request("GET", "/companies?limit=1", token: "api")).statusLine == "HTTP/1.1 200 OK")
            #expect(try await exchange(port, request("GET", "/companies?limit=1", token: "anything")).statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(try await exchange(port, request("GET", "/__control/requests", token: nil)).statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(try await exchange(port, request("GET", "/__control/requests", token: "api")).statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(try await exchange(port, request("GET", "/__control/requests", token: "ctl")).statusLine == "HTTP/1.1 200 OK")
            let tooLarge = request("POST", "/companies", token: "api", headers: ["Content-Length: 1048577"])
            #expect(try await exchange(port, tooLarge).statusLine == "HTTP/1.1 413 Content Too Large")
        } catch {
            await served.stop()
            throw error
        }
        await served.stop()
    }

    @Test("without --control-token the warning says the control routes are off, and they answer 403")
    func exposedWithoutControlToken() async throws {
        let served = try await serve(["--host", "0.0.0.0", "--token", "api"])
        do {
            #expect(served.stderr.contains("are off (403): no --control-token was given"), "\(served.stderr)")
            #expect(try await exchange(served.port, request("GET", "/__control/requests", token: "api")).statusLine == "HTTP/1.1 403 Forbidden")
        } catch {
            await served.stop()
            throw error
        }
        await served.stop()
    }
}
