import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// `planhat mcp --http` end to end: the Python reference client (`mcp` 2.3.0) over Streamable HTTP,
/// raw sockets for what a client library would never send, `sandbox serve` as Planhat for passthrough.
@Suite("MCP over Streamable HTTP", .offThePool, .enabled(if: PythonClientTests.python != nil))
struct HTTPEndToEndTests {
    static let script = ProcessRunner.packageRoot.appendingPathComponent("Tests/PlanhatMCPTests/python_http_check.py").path

    /// Runs one check of the Python script; its output when it passed.
    @discardableResult
    static func check(_ arguments: [String], timeout: TimeInterval = 240) throws -> String {
        let result = try ProcessRunner.run(PythonClientTests.python ?? "python3", [script] + arguments, environment: ProcessRunner.environment(), timeout: timeout)
        #expect(result.status == 0 && result.stdout.contains("ALL CHECKS PASSED"), "\(arguments.first ?? ""): \(result.stdout.suffix(1_500))\n\(result.stderr.suffix(1_500))")
        return result.stdout
    }

    static func sandbox() -> String {
        ProcessRunner.temporaryDirectory("mcp-http-sandbox").appendingPathComponent("sandbox.sqlite").path
    }

    @Test("stateful: every tool, progress on the GET stream, foreign Origin 403, 200 clients, 10 MB → 413, a half-sent head cut off; logged without tokens")
    func stateful() throws {
        let server = try ServedMCPHTTP(["--sandbox", "--sandbox-path", Self.sandbox(), "--header-timeout", "1"])
        defer { server.stop() }
        try Self.check(["tools", server.url])
        try Self.check(["notify", server.url])
        try Self.check(["origin", server.url])
        try Self.check(["crowd", server.url, "200"])
        try Self.check(["limits", server.url, "1"])
        let log = server.log()
        #expect(log.contains("(stateful, --auth none, "))
        #expect(log.contains("caller=anonymous method=tools/call tool=perform_model_action model=companies status=200 ms="))
        #expect(log.contains("method=initialize status=200"))
        #expect(log.contains("DELETE /mcp caller=anonymous status=200"))
        #expect(log.contains("status=403") && log.contains("note=\"origin refused\""))
    }

    @Test("a session unused for --session-idle ends; /healthz counts sessions")
    func expiry() throws {
        let server = try ServedMCPHTTP(["--sandbox", "--sandbox-path", Self.sandbox(), "--session-idle", "1"])
        defer { server.stop() }
        try Self.check(["expire", server.url, "1"])
        let health = try ProcessRunner.run("/usr/bin/curl", ["-s", server.url.replacingOccurrences(of: "/mcp", with: "/healthz")], environment: ProcessRunner.environment(), timeout: 30)
        #expect(health.stdout == #"{"mode":"stateful","sessions":0,"status":"ok"}"#)
    }

    @Test("stateless: every tool as JSON, GET refused 405, 200 clients, limits, Origin")
    func stateless() throws {
        let server = try ServedMCPHTTP(["--sandbox", "--sandbox-path", Self.sandbox(), "--stateless", "--header-timeout", "1"])
        defer { server.stop() }
        try Self.check(["tools", server.url])
        try Self.check(["origin", server.url])
        try Self.check(["crowd", server.url, "200"])
        try Self.check(["limits", server.url, "1"])
        let get = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Accept: text/event-stream", server.url],
                                        environment: ProcessRunner.environment(), timeout: 30)
        #expect(get.stdout == "405")
        #expect(server.log().contains("(stateless, --auth none, "))
        #expect(server.log().contains("/healthz status=200"))
    }

    @Test("passthrough against sandbox serve: two tokens of different permissions, the read-only one's write gets its 403; 401s; tokens never logged", arguments: [false, true])
    func passthrough(stateless: Bool) throws {
        let writer = "rw-token-\(UUID().uuidString)", reader = "ro-token-\(UUID().uuidString)"
        let planhat = try ServedSandbox(token: writer, extraArguments: ["--read-only-token", reader])
        defer { planhat.stop() }
        let server = try ServedMCPHTTP(["--auth", "passthrough", "--api-url", planhat.baseURL] + (stateless ? ["--stateless"] : []))
        defer { server.stop() }
        let output = try Self.check(["passthrough", server.url, writer, reader])
        #expect(!output.contains(writer) && !output.contains(reader), "no token in any answer")
        try Self.check(["auth", server.url, "passthrough"])
        if !stateless { try Self.check(["owned", server.url, writer, reader]) }
        let log = server.log()
        #expect(log.contains("--auth passthrough"))
        #expect(log.contains("caller=token-\(writer.suffix(4))") && log.contains("caller=token-\(reader.suffix(4))"))
        #expect(!log.contains(writer) && !log.contains(reader), "no token in the log")
        #expect(log.contains("status=401"))
    }

    @Test("passthrough: the requests of one token share its quota (--requests-per-minute), however many at once; another token's do not wait")
    func passthroughQuota() throws {
        let alice = "alice-token-\(UUID().uuidString)", bob = "bob-token-\(UUID().uuidString)"
        let planhat = try ServedSandbox(token: alice, extraArguments: ["--read-only-token", bob])
        defer { planhat.stop() }
        let server = try ServedMCPHTTP(["--auth", "passthrough", "--api-url", planhat.baseURL, "--stateless", "--requests-per-minute", "4"])
        defer { server.stop() }
        try Self.check(["quota", server.url, alice, bob, "4"])
        #expect(!server.log().contains(alice) && !server.log().contains(bob), "no token in the log")
    }

    @Test("--auth key: 401 without or with a wrong key, the keys file re-read on change (a revoked key is refused), the client's name logged")
    func keys() throws {
        let folder = ProcessRunner.temporaryDirectory("mcp-http-keys")
        let keysPath = folder.appendingPathComponent("keys").path
        let alice = "alice-key-\(UUID().uuidString)", bob = "bob-key-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: keysPath, contents: Data("# team keys\nalice: \(alice)\nbob: \(bob)\n".utf8), attributes: [.posixPermissions: 0o600]))
        let server = try ServedMCPHTTP(["--sandbox", "--sandbox-path", Self.sandbox(), "--auth", "key", "--keys-file", keysPath])
        defer { server.stop() }
        try Self.check(["auth", server.url, "key"])
        try Self.check(["keyed", server.url, alice])
        try Self.check(["keyed", server.url, bob])
        // Revoke bob by editing the file: the next request reads it again.
        try Data("alice: \(alice)\n".utf8).write(to: URL(fileURLWithPath: keysPath))
        let revoked = try ProcessRunner.run(PythonClientTests.python ?? "python3", [Self.script, "keyed", server.url, bob], environment: ProcessRunner.environment(), timeout: 60)
        #expect(revoked.status != 0, "a revoked key is refused")
        try Self.check(["keyed", server.url, alice])
        let log = server.log()
        #expect(log.contains("caller=alice method=tools/call") && log.contains("caller=bob method=tools/call"))
        #expect(!log.contains(alice) && !log.contains(bob), "no key in the log")
    }

    @Test(
        "writes over HTTP are journaled with face mcp and the client: the session's initialize name (stateful), the request's _meta or User-Agent (stateless), the key's name; history --client finds them",
        arguments: [false, true])
    func journal(stateless: Bool) throws {
        let folder = ProcessRunner.temporaryDirectory("mcp-http-journal")
        let keysPath = folder.appendingPathComponent("keys").path
        let key = "alice-key-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: keysPath, contents: Data("alice: \(key)\n".utf8), attributes: [.posixPermissions: 0o600]))
        let environment = ProcessRunner.environment()
        let server = try ServedMCPHTTP(
            ["--sandbox", "--sandbox-path", Self.sandbox(), "--auth", "key", "--keys-file", keysPath] + (stateless ? ["--stateless"] : []), environment: environment)
        defer { server.stop() }
        let marker = try Self.marker(Self.check(["journal", server.url, "journal-check", key]))
        let metaMarker = stateless ? try Self.marker(Self.check(["journal-meta", server.url, "meta-client", key])) : nil
        server.stop()

        let history = try ProcessRunner.planhat(["history", "--json"], environment: environment)
        #expect(history.status == 0, "\(history.stderr)")
        let entries = try history.stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        let created = try #require(entries.first { $0["operation"] == "create" && $0["body"]?["externalId"] == .string(marker) }, "\(history.stdout)")
        let id = try #require(created["after"]?["_id"]?.stringValue)
        let updated = try #require(entries.first { $0["operation"] == "update" && $0["recordId"] == .string(id) })
        let client = try #require(created["client"]?.stringValue)
        if stateless {
            // The Python client's tools/call carries no client info (its handshake era): its User-Agent is what it sends.
            #expect(client.hasPrefix("python-httpx") && client.hasSuffix(", key alice"), "\(client)")
        } else {
            #expect(client == "journal-check, key alice")
        }
        for entry in [created, updated] {
            #expect(entry["face"] == "mcp" && entry["outcome"] == "done" && entry["client"] == .string(client), "\(entry)")
        }
        if let metaMarker {
            let meta = try #require(entries.first { $0["body"]?["externalId"] == .string(metaMarker) })
            #expect(meta["face"] == "mcp" && meta["client"] == "meta-client, key alice", "\(meta)")
        }
        #expect(!history.stdout.contains(key), "no key in the journal")
        let byKey = try ProcessRunner.planhat(["history", "--client", "alice"], environment: environment)
        #expect(byKey.stdout.split(separator: "\n").count == entries.count, "--client alice finds every write of the key: \(byKey.stdout)")
        if !stateless {
            let byName = try ProcessRunner.planhat(["history", "--client", "JOURNAL-CHECK"], environment: environment)
            #expect(byName.stdout.split(separator: "\n").count == 2 && byName.stdout.contains("mcp (journal-check, key alice)"), "\(byName.stdout)")
        }
    }

    /// The `marker: …` a journal check printed.
    static func marker(_ output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("marker: ") })
        return String(line.dropFirst("marker: ".count))
    }

    @Test("refusals at start: --auth none off loopback, passthrough on the embedded sandbox, a keys file others can read; the warning off loopback")
    func refusals() throws {
        let open = try ProcessRunner.planhat(["mcp", "--http", "--host", "0.0.0.0", "--auth", "none", "--sandbox", "--port", "0"], timeout: 30)
        #expect(open.status != 0 && open.stderr.contains("--auth none is allowed on loopback only"), "\(open.stderr)")
        let sandboxed = try ProcessRunner.planhat(["mcp", "--http", "--auth", "passthrough", "--sandbox", "--port", "0"], timeout: 30)
        #expect(sandboxed.status != 0 && sandboxed.stderr.contains("the embedded sandbox (--sandbox) has no users"), "\(sandboxed.stderr)")
        let keysPath = ProcessRunner.temporaryDirectory("mcp-http-keys").appendingPathComponent("keys").path
        _ = FileManager.default.createFile(atPath: keysPath, contents: Data("alice: 0123456789abcdef0123\n".utf8), attributes: [.posixPermissions: 0o644])
        let readable = try ProcessRunner.planhat(["mcp", "--http", "--auth", "key", "--keys-file", keysPath, "--sandbox", "--port", "0"], timeout: 30)
        #expect(readable.status != 0 && readable.stderr.contains("readable by others") && readable.stderr.contains("chmod 600"), "\(readable.stderr)")
        let stray = try ProcessRunner.planhat(["mcp", "--stateless", "--sandbox"], timeout: 30)
        #expect(stray.status != 0 && stray.stderr.contains("need --http"), "\(stray.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keysPath)
        let exposed = try ServedMCPHTTP(["--host", "0.0.0.0", "--auth", "key", "--keys-file", keysPath, "--sandbox", "--sandbox-path", Self.sandbox()])
        defer { exposed.stop() }
        #expect(exposed.log().contains("WARNING: planhat mcp is listening on 0.0.0.0:") && exposed.log().contains("no TLS"))
    }
}
