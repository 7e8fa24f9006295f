import Foundation
import PlanhatKit
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends one HTTP request. URLSession in the program; tests may substitute their own.
public protocol HTTPTransport: Sendable {
    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse)
}

/// URLSession (FoundationNetworking on Linux) as the transport.
public struct URLSessionTransport: HTTPTransport {
    let session: URLSession

    public init(timeout: TimeInterval) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = max(timeout, 300)
        configuration.httpMaximumConnectionsPerHost = 50
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    public func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        return (data, http)
    }
}

/// Progress of a multi-request operation (bulk upsert chunks, export pages).
public struct TransferProgress: Sendable, Hashable {
    public var done: Int
    public var total: Int?
    public var requests: Int
}

/// Planhat's REST API as a backend: Bearer auth, rate limits, retries, chunked bulk upserts.
public final class RemoteBackend: RawListingBackend {
    /// The most items Planhat accepts in one bulk upsert.
    public static let bulkChunkSize = BulkItems.chunkSize

    public let info: BackendInfo
    let baseURL: String
    /// Planhat's tracking and metrics host (``PlanhatAPI/analyticsBaseURL`` unless told).
    let analyticsURL: String
    /// The tenant UUID the analytics endpoints take in their path, if configured.
    let tenantUUID: String?
    let token: APIToken
    let transport: any HTTPTransport
    let retry: RetryPolicy
    let limiter: RequestLimiter
    let userAgent: String
    let logger: Logger
    let progress: (@Sendable (TransferProgress) -> Void)?

    /// - Parameters:
    ///   - analyticsURL: the tracking and metrics host (metrics push, user activities).
    ///   - tenantUUID: the tenant UUID those endpoints take in their path; without it they are refused
    ///     with a configuration error before anything is sent.
    public init(
        baseURL: String, token: APIToken, profile: String? = nil, timeout: TimeInterval = 30,
        retry: RetryPolicy = RetryPolicy(), limiter: RequestLimiter = .shared, transport: (any HTTPTransport)? = nil,
        userAgent: String = "planhat-explorer", logger: Logger = Logger(label: "planhat.remote"),
        progress: (@Sendable (TransferProgress) -> Void)? = nil,
        analyticsURL: String = PlanhatAPI.analyticsBaseURL, tenantUUID: String? = nil
    ) {
        self.baseURL = baseURL
        self.analyticsURL = analyticsURL
        self.tenantUUID = tenantUUID
        self.token = token
        self.transport = transport ?? URLSessionTransport(timeout: timeout)
        self.retry = retry
        self.limiter = limiter
        self.userAgent = userAgent
        self.logger = logger
        self.progress = progress
        info = BackendInfo(kind: .remote, location: baseURL, profile: profile)
    }

    public func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        if request.operation == .bulkUpsert, let items = request.body?.arrayValue, items.count > Self.bulkChunkSize {
            return try await chunkedUpsert(request, items: items)
        }
        return try await send(request)
    }

    /// Planhat takes at most 5 000 items a request: larger upserts go in chunks, one after another.
    private func chunkedUpsert(_ request: PlanhatRequest, items: [JSONValue]) async throws -> JSONValue {
        let progress = self.progress
        let run = BulkUpsertRun(chunkSize: Self.bulkChunkSize) { done, total, requests in
            progress?(TransferProgress(done: done, total: total, requests: requests))
        }
        return try await run.run(request) { [self] chunk in try await send(chunk) }
    }

    // MARK: - One request, with retries

    func send(_ request: PlanhatRequest) async throws -> JSONValue {
        Self.decodeBody(try await sendForBody(request))
    }

    /// A list's answer as received, for an export that passes its records through.
    public func executeList(_ request: PlanhatRequest) async throws -> Data {
        try await sendForBody(request)
    }

    /// Sends `request`, with retries, and answers with the body of its answer.
    private func sendForBody(_ request: PlanhatRequest) async throws -> Data {
        let urlRequest = try makeURLRequest(request)
        let started = Date()
        var rateLimited = 0
        var waited: TimeInterval = 0
        var failures = 0
        while true {
            try Task.checkCancellation()
            try await limiter.acquire()
            let outcome: Outcome
            do {
                let (data, response) = try await transport.send(urlRequest)
                outcome = .answered(data, response)
            } catch {
                outcome = .failed(error)
            }
            await limiter.release()
            if case .failed(let error) = outcome, Self.isCancellation(error) { throw CancellationError() }
            switch outcome {
            case .answered(let data, let response) where (200..<300).contains(response.statusCode):
                // 206: some items of a bulk upsert failed; the summary says which. An answer, not a failure.
                logger.debug("\(request.method) \(request.path) → \(response.statusCode)")
                return data
            case .answered(let data, let response) where request.operation == .bulkUpsert && [400, 403].contains(response.statusCode)
                && BulkItems.isSummary(Self.decodeBody(data)):
                // Planhat answers a bulk upsert whose items all failed (400) or were not permitted (403)
                // with the summary, item by item: kept, so the errors reach the caller and a chunked
                // run goes on with the next chunk.
                logger.notice("\(request.method) \(request.path) → \(response.statusCode): \(BulkItems.errorCount(Self.decodeBody(data))) items refused")
                return data
            case .answered(let data, let response) where response.statusCode == 429:
                rateLimited += 1
                let delay = RetryAfter.seconds(from: response.value(forHTTPHeaderField: "Retry-After"))
                    ?? retry.backoff(attempt: rateLimited)
                let elapsed = Date().timeIntervalSince(started)
                guard rateLimited < retry.rateLimitAttempts, elapsed + delay <= retry.rateLimitBudget else {
                    var error = failure(request, data: data, status: 429, started: started)
                    error.details.insert(RateLimitReport(
                        attempts: rateLimited, elapsed: elapsed, waited: waited, nextDelay: delay, policy: retry).text, at: 0)
                    throw error
                }
                logger.notice("\(request.method) \(request.path) → 429; retrying in \(String(format: "%.1f", delay)) s")
                waited += delay
                WaitLedger.current?.willWait(delay, reason: .rateLimited)
                try await Task.sleep(for: .seconds(delay))
            case .answered(let data, let response) where response.statusCode >= 500:
                failures += 1
                guard RetryPolicy.isIdempotent(request) else {
                    throw mayHaveApplied(request, reason: "the server answered \(response.statusCode)", cause: .server, status: response.statusCode, started: started)
                }
                guard failures < retry.serverErrorAttempts else {
                    var error = failure(request, data: data, status: response.statusCode, started: started)
                    error.details.insert("Tried \(failures) times.", at: 0)
                    throw error
                }
                try await Task.sleep(for: .seconds(retry.backoff(attempt: failures)))
            case .answered(let data, let response):
                throw failure(request, data: data, status: response.statusCode, started: started)
            case .failed(let error):
                failures += 1
                let origin = origin(of: request)
                let (cause, reason) = Self.describe(error, host: URL(string: origin)?.host ?? origin)
                guard RetryPolicy.isIdempotent(request) else {
                    throw mayHaveApplied(request, reason: reason, cause: cause, started: started)
                }
                guard failures < retry.serverErrorAttempts else {
                    throw PlanhatError(
                        cause, message: reason,
                        details: ["Tried \(failures) times.", requestLine(request, started)])
                }
                try await Task.sleep(for: .seconds(retry.backoff(attempt: failures)))
            }
        }
    }

    private enum Outcome {
        case answered(Data, HTTPURLResponse)
        case failed(any Error)
    }

    /// The scheme and host a request goes to: the API's, or the analytics host's.
    func origin(of request: PlanhatRequest) -> String {
        request.host == .analytics ? analyticsURL : baseURL
    }

    func makeURLRequest(_ request: PlanhatRequest) throws -> URLRequest {
        var target = request.pathAndQuery
        if request.needsTenant {
            guard let tenantUUID else {
                throw PlanhatError.configuration(
                    "\(request.operation.rawValue) on \(request.model.route) goes to \(request.method) \(request.target), and no tenant UUID is configured",
                    details: [
                        "Planhat's tracking and metrics endpoints take the tenant UUID (the Tenant Token, under Tokens in Planhat's Developer module) in their path instead of the API token.",
                        "Set PLANHAT_TENANT_UUID, or tenant_uuid in the profile.",
                    ])
            }
            target = request.pathAndQuery(tenantUUID: tenantUUID)
        }
        let origin = origin(of: request)
        guard let url = URL(string: origin + target) else {
            throw PlanhatError.configuration("cannot build a URL from \(origin) and \(request.pathAndQuery)")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        // The analytics endpoints are open: the tenant UUID authorises them, and the token stays home.
        if request.host == .api { urlRequest.setValue("Bearer \(token.secret)", forHTTPHeaderField: "Authorization") }
        urlRequest.setValue("application/json", forHTTPHeaderField: "Accept")
        urlRequest.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        if let body = request.body {
            urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
            urlRequest.httpBody = body.compactData()
        }
        return urlRequest
    }

    // MARK: - Answers and failures

    /// A response body as JSON; an empty body (some DELETEs) as `{"deleted": true}`, text as a string.
    static func decodeBody(_ data: Data) -> JSONValue {
        if data.isEmpty || data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) { return ["deleted": true] }
        return (try? JSONValue.parse(data)) ?? .string(String(decoding: data, as: UTF8.self))
    }

    /// The server's own words from an error body: `message`, `error` or the text, at most 500 characters.
    static func serverMessage(_ data: Data) -> String? {
        guard !data.isEmpty else { return nil }
        let text: String
        if let json = try? JSONValue.parse(data) {
            text = messageText(json)
        } else {
            text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return text.isEmpty ? nil : String(text.prefix(500))
    }

    private static func messageText(_ json: JSONValue) -> String {
        let keys = ["message", "error", "errors", "msg"]
        guard let key = keys.first(where: { json[$0] != nil }), let value = json[key] else {
            return json.stringValue ?? json.compactText()
        }
        return value.stringValue ?? value.compactText()
    }

    private func failure(_ request: PlanhatRequest, data: Data, status: Int, started: Date) -> PlanhatError {
        let said = Self.serverMessage(data).map(redact)
        let subject = "\(request.operation.rawValue) on \(request.model.route)"
        var message = "\(subject) failed"
        if let said { message += ": \(said)" }
        // A 404 on a record's path means the record, not the route, is missing.
        let cause = status == 404 && request.recordID != nil ? PlanhatError.Cause.recordNotFound : PlanhatError.Cause(status: status)
        return PlanhatError(cause, status: status, message: message, details: [requestLine(request, started)])
    }

    private func mayHaveApplied(_ request: PlanhatRequest, reason: String, cause: PlanhatError.Cause, status: Int? = nil, started: Date) -> PlanhatError {
        PlanhatError(
            cause, status: status,
            message: "\(request.operation.rawValue) on \(request.model.route) may or may not have been applied: \(reason)",
            details: [
                "It was not retried, so nothing can be duplicated. Check first (list or view, e.g. by externalId) before sending it again.",
                requestLine(request, started),
            ])
    }

    private func requestLine(_ request: PlanhatRequest, _ started: Date) -> String {
        "Request: \(request.method) \(origin(of: request))\(request.pathAndQuery) at \(started.formatted(Date.ISO8601FormatStyle()))"
    }

    /// Removes the token from text that may echo it.
    private func redact(_ text: String) -> String {
        text.replacingOccurrences(of: token.secret, with: token.masked)
    }

    static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || (error as? URLError)?.code == .cancelled
    }

    /// A transport failure (no HTTP answer) as a cause and a sentence.
    static func describe(_ error: any Error, host: String) -> (cause: PlanhatError.Cause, reason: String) {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut:
                return (.timeout, "no answer from \(host) in time (timed out)")
            case .networkConnectionLost:
                return (.network, "the connection to \(host) was dropped before an answer arrived")
            case .cannotConnectToHost:
                return (.network, "cannot connect to \(host): the connection was refused (nothing listens there, or a firewall blocks it)")
            case .cannotFindHost, .dnsLookupFailed:
                return (.network, "cannot find the host \(host) (DNS lookup failed)")
            case .notConnectedToInternet:
                return (.network, "cannot reach \(host): this machine is not connected to a network")
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                return (.network, "the TLS connection to \(host) failed: \(urlError.localizedDescription)")
            default:
                return (.network, "network error talking to \(host): \(urlError.localizedDescription)")
            }
        }
        return (.network, "network error talking to \(host): \(error)")
    }
}

