import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `planhat login`, `logout`, `auth status` and the refresh every face relies on, against a loopback
/// imitation of Planhat's authorization server (`fake_oauth_server.py`). The "browser" is curl.
@Suite("OAuth sign-in against a loopback authorization server", .offThePool)
struct OAuthLoginTests {
    /// The imitation, on a free port, registered for one redirect URI.
    final class FakeServer: @unchecked Sendable {
        let process = Process()
        let port: Int
        let redirect: String

        init(callbackPort: Int, secret: String? = "sk_test_secret") throws {
            redirect = "http://127.0.0.1:\(callbackPort)/callback"
            let script = ProcessRunner.packageRoot.appendingPathComponent("Tests/PlanhatCLITests/fake_oauth_server.py").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "--client-id", "pk_test", "--redirect", redirect] + (secret.map { ["--secret", $0] } ?? [])
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            guard let port = Int(line.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else {
                process.terminate()
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the fake authorization server did not start: \(line)"])
            }
            self.port = port
        }

        deinit { stop() }

        func stop() {
            if process.isRunning {
                // SIGKILL: Python started from the test process may inherit an ignored SIGTERM.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        var base: String { "http://127.0.0.1:\(port)" }

        func post(_ path: String, _ body: String = "x=1") throws {
            _ = try ProcessRunner.run("/usr/bin/curl", ["-s", "-X", "POST", "-d", body, base + path], environment: ProcessRunner.environment(), timeout: 30)
        }

        func stats() throws -> [String: Int] {
            let result = try ProcessRunner.run("/usr/bin/curl", ["-s", base + "/_stats"], environment: ProcessRunner.environment(), timeout: 30)
            return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Int] ?? [:]
        }
    }

    /// A port nothing listens on now (the system picks it), for the login's fixed redirect port.
    static func freePort() -> Int {
        let probe = try? ProcessRunner.run(
            "/usr/bin/env", ["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"],
            environment: ProcessRunner.environment(), timeout: 30)
        return Int(probe?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? Int.random(in: 40_000...46_000)
    }

    static func environment(_ fake: FakeServer, browser: String = "curl -s -o /dev/null -L", secret: String? = "sk_test_secret") -> [String: String] {
        var extra = [
            "PLANHAT_OAUTH_AUTHORIZE_URL": fake.base + "/oauth/authorize", "PLANHAT_OAUTH_TOKEN_URL": fake.base + "/oauth/token",
            "PLANHAT_BROWSER": browser, "PLANHAT_API_URL": fake.base,
        ]
        if let secret { extra["PLANHAT_CLIENT_SECRET"] = secret }
        return ProcessRunner.environment(extra)
    }

    static func credentialsPath(_ environment: [String: String]) -> String {
        (environment["XDG_CONFIG_HOME"] ?? "") + "/planhat-explorer/credentials/default.json"
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("login, 0600 file, status without the token, every call signed, a 401 refreshes once, proactive refresh, three processes refresh once, a refused refresh, logout")
    func lifecycle() throws {
        let callback = Self.freePort()
        let fake = try FakeServer(callbackPort: callback)
        defer { fake.stop() }
        let environment = Self.environment(fake)
        let login = try ProcessRunner.planhat(["login", "--client-id", "pk_test", "--port", String(callback), "--timeout", "30"], environment: environment, stdin: "")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stderr.contains("Signed in") && login.stderr.contains("(0600)"))
        let path = Self.credentialsPath(environment)
        let stored = try String(contentsOfFile: path, encoding: .utf8)
        let token = try #require((try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])?["accessToken"] as? String)
        #expect(Self.mode(path) == 0o600 && Self.mode((path as NSString).deletingLastPathComponent) == 0o700)
        #expect(!stored.contains("sk_test_secret"), "the client secret is not stored")
        #expect(!login.stdout.contains(token) && !login.stderr.contains(token), "no token in the login's output")

        let status = try ProcessRunner.planhat(["auth", "status"], environment: environment)
        #expect(status.stdout.contains("Credential: OAuth sign-in (planhat login") && status.stdout.contains("Token: …\(token.suffix(4))"))
        #expect(!status.stdout.contains(token) && status.stdout.contains("Refresh token: kept"))

        let call = try ProcessRunner.planhat(["call", "companies", "list", "--compact"], environment: environment)
        #expect(call.status == 0 && call.stdout.contains("Acme OAuth"), "\(call.stderr)")

        // The server refuses the access token: the next call gets a 401, refreshes once and is answered.
        try fake.post("/_revoke_access")
        let afterRevoke = try ProcessRunner.planhat(["call", "companies", "list", "--compact"], environment: environment)
        #expect(afterRevoke.status == 0 && afterRevoke.stdout.contains("Acme OAuth"), "\(afterRevoke.stderr)")
        var stats = try fake.stats()
        #expect(stats["unauthorized"] == 1 && stats["refreshes"] == 1, "\(stats)")

        // Short-lived tokens: refreshed before they expire, without a 401; three processes at once refresh once.
        try fake.post("/_ttl", "seconds=2")
        try fake.post("/_revoke_access")
        _ = try ProcessRunner.planhat(["call", "companies", "list"], environment: environment)  // 401 → refresh → a 2 s token
        Thread.sleep(forTimeInterval: 2.2)
        let before = try fake.stats()
        let group = DispatchGroup()
        let results = ResultList()
        for _ in 0..<3 {
            group.enter()
            DispatchQueue.global().async {
                let result = try? ProcessRunner.planhat(["call", "companies", "list", "--compact"], environment: environment)
                results.append(result?.status == 0 && result?.stdout.contains("Acme OAuth") == true)
                group.leave()
            }
        }
        group.wait()
        stats = try fake.stats()
        #expect(results.values == [true, true, true])
        #expect(stats["refreshes"] == (before["refreshes"] ?? 0) + 1, "three processes, one refresh: \(before) → \(stats)")
        #expect(stats["unauthorized"] == before["unauthorized"], "proactive: no request went out with the expired token")

        // The grant is revoked: the refresh is refused, the credentials go, the message says to log in again.
        try fake.post("/_ttl", "seconds=3600")
        try fake.post("/_revoke_grant")
        let refused = try ProcessRunner.planhat(["call", "companies", "list"], environment: environment)
        #expect(refused.status != 0 && refused.stderr.contains("run planhat login again"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))

        let logout = try ProcessRunner.planhat(["logout"], environment: environment)
        #expect(logout.stderr.contains("no revocation endpoint") && logout.stderr.contains("Applications tab"))
    }

    @Test("a forged state is ignored and the login times out without credentials; a public client (no secret) signs in")
    func forgedStateAndPublicClient() throws {
        let callback = Self.freePort()
        let fake = try FakeServer(callbackPort: callback)
        defer { fake.stop() }
        // The "browser" calls the callback with a forged state (and fetches the authorize URL without following it).
        let forger = "curl -s -o /dev/null http://127.0.0.1:\(callback)/callback?code=stolen&state=forged"
        let environment = Self.environment(fake, browser: forger)
        let forged = try ProcessRunner.planhat(["login", "--client-id", "pk_test", "--port", String(callback), "--timeout", "3"], environment: environment, stdin: "")
        #expect(forged.status != 0 && forged.stderr.contains("state does not match") && forged.stderr.contains("timed out"), "\(forged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: Self.credentialsPath(environment)))
        #expect(try fake.stats()["exchanges"] == 0)

        let publicCallback = Self.freePort()
        let open = try FakeServer(callbackPort: publicCallback, secret: nil)
        defer { open.stop() }
        let publicEnvironment = Self.environment(open, secret: nil)
        let login = try ProcessRunner.planhat(["login", "--client-id", "pk_test", "--port", String(publicCallback), "--timeout", "30"], environment: publicEnvironment, stdin: "")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(FileManager.default.fileExists(atPath: Self.credentialsPath(publicEnvironment)))
    }

    @Test("--no-browser: the URL is printed and the pasted redirect address completes the login (the listener is never hit)")
    func headless() throws {
        let callback = Self.freePort()
        let fake = try FakeServer(callbackPort: callback)
        defer { fake.stop() }
        let environment = Self.environment(fake)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.planhatBinary)
        process.arguments = ["login", "--client-id", "pk_test", "--port", String(callback), "--no-browser", "--timeout", "30"]
        process.environment = environment
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while !seen.contains("paste the full address") && Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let authorize = try #require(seen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(fake.base + "/oauth/authorize?") })
        // Sign in "elsewhere": the authorization server's redirect is not followed, its Location is pasted.
        let head = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{redirect_url}", authorize], environment: ProcessRunner.environment(), timeout: 30)
        #expect(head.stdout.hasPrefix("http://127.0.0.1:\(callback)/callback?code="))
        input.fileHandleForWriting.write(Data("not a url\n\(head.stdout)\n".utf8))
        process.waitUntilExit()
        seen += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(seen)")
        #expect(seen.contains("That is not the redirect address") && seen.contains("Signed in"))
        #expect(!seen.contains("Opened your browser"))
        #expect(Self.mode(Self.credentialsPath(environment)) == 0o600)
    }
}

/// Results gathered from several threads.
final class ResultList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Bool] = []
    func append(_ value: Bool) { lock.withLock { items.append(value) } }
    var values: [Bool] { lock.withLock { items } }
}
