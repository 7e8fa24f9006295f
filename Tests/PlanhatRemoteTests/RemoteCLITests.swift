import Foundation
import PlanhatKit
import PlanhatRemote
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The CLI with a token: configuration, doctor, export and secrecy, against `sandbox serve`.
@Suite("CLI with a token", .offThePool)
struct RemoteCLITests {
    static let secret = "phx-SECRET-0123456789abcdef"

    func environment(_ server: ServedSandbox, _ extra: [String: String] = [:]) -> [String: String] {
        ProcessRunner.environment(["PLANHAT_API_URL": server.baseURL, "PLANHAT_API_TOKEN": Self.secret].merging(extra) { _, new in new })
    }

    @Test("with a token the CLI talks to the API, and --sandbox overrides it")
    func backendChoice() throws {
        let server = try ServedSandbox()
        let environment = environment(server)
        let remote = try ProcessRunner.planhat(["call", "companies", "create", "--params", #"{"name":"Remote Only"}"#], environment: environment)
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stderr.isEmpty, "no sandbox notice with a token")
        #expect(try server.count("POST /companies") == 1)
        let sandboxPath = ProcessRunner.temporaryDirectory("own").appendingPathComponent("s.sqlite").path
        let local = try ProcessRunner.planhat(["call", "companies", "list", "--sandbox", "--sandbox-path", sandboxPath, "--params", #"{"limit":1}"#], environment: environment)
        #expect(local.status == 0)
        #expect(try server.count("GET /companies") == 0, "--sandbox never touches the API")
    }

    @Test("the token never appears in any output, whatever happens")
    func tokenNeverPrinted() throws {
        let server = try ServedSandbox(token: "another-token")
        let environment = environment(server, ["PLANHAT_LOG_LEVEL": "trace"])
        var outputs: [ProcessResult] = []
        outputs.append(try ProcessRunner.planhat(["call", "companies", "list", "--log-level", "trace"], environment: environment))
        outputs.append(try ProcessRunner.planhat(["doctor"], environment: environment))
        outputs.append(try ProcessRunner.planhat(["call", "companies", "list", "--json"], environment: environment))
        let open = try ServedSandbox()
        let openEnvironment = self.environment(open, ["PLANHAT_LOG_LEVEL": "trace"])
        try open.inject(#"[{"path": "/companies", "method": "POST", "status": 500}, {"path": "/endusers", "count": 9, "status": 429, "retryAfter": "0"}]"#)
        outputs.append(try ProcessRunner.planhat(["call", "companies", "create", "--params", #"{"name":"X"}"#], environment: openEnvironment))
        outputs.append(try ProcessRunner.planhat(["call", "endusers", "list", "--rate-limit-attempts", "2"], environment: openEnvironment))
        outputs.append(try ProcessRunner.planhat(["doctor"], environment: openEnvironment))
        outputs.append(try ProcessRunner.planhat(["export", "companies", "--format", "json"], environment: openEnvironment))
        for result in outputs {
            #expect(!result.stdout.contains(Self.secret) && !result.stderr.contains(Self.secret))
            #expect(!result.stdout.contains("0123456789abcdef") && !result.stderr.contains("0123456789abcdef"))
        }
        #expect(outputs[0].status == 4)
        #expect(outputs[1].stdout.contains("phx-…"), "doctor shows the first 4 characters")
        #expect(outputs[1].stdout.contains("FAILED: 401"))
        #expect(outputs[3].status == 7)
        #expect(outputs[4].status == 6)
        #expect(outputs[5].status == 0 && outputs[5].stdout.contains("check      ok"))
    }

    @Test("export streams every record at the model's page size")
    func export() throws {
        let server = try ServedSandbox(companies: 4_000)
        let folder = ProcessRunner.temporaryDirectory("export")
        let file = folder.appendingPathComponent("endusers.ndjson").path
        let result = try ProcessRunner.planhat(["export", "endusers", "--output", file], environment: environment(server), timeout: 300)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 20_000)
        #expect(Set(lines.map { (try? JSONValue.parse(String($0)))?["_id"]?.stringValue ?? "" }).count == 20_000)
        #expect(try server.count("GET /endusers") == 11, "10 full pages of 2000 and one empty page")
        #expect(result.stderr.contains("20000 records exported in 11 requests"))
        let csv = try ProcessRunner.planhat(["export", "companies", "--format", "csv", "--params", #"{"select":"name,arr","sort":"-arr"}"#, "--max", "3"], environment: environment(server))
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "_id,name,arr")
        #expect(rows.count == 4)
        let json = try ProcessRunner.planhat(["export", "companies", "--format", "json", "--max", "2500", "--page-size", "1000"], environment: environment(server))
        #expect(try JSONValue.parse(json.stdout).arrayValue?.count == 2500)
        let refused = try ProcessRunner.planhat(["export", "companies", "--params", #"{"limit":5}"#], environment: environment(server))
        #expect(refused.status == 3)
        // Writing through a symlink keeps the link (special files such as /dev/null are never replaced).
        let target = folder.appendingPathComponent("target.csv").path
        let link = folder.appendingPathComponent("link.csv").path
        FileManager.default.createFile(atPath: target, contents: Data("old".utf8))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let throughLink = try ProcessRunner.planhat(["export", "companies", "--format", "csv", "--max", "2", "--output", link], environment: environment(server))
        #expect(throughLink.status == 0)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("_id,"))
    }

    @Test("an export whose server dies stops cleanly and says how far it got")
    func exportInterrupted() throws {
        let server = try ServedSandbox(companies: 1_000)
        let folder = ProcessRunner.temporaryDirectory("export-broken")
        let file = folder.appendingPathComponent("out.ndjson").path
        // The first page is served (a 1 ms delay, nothing else); every later request fails with 503.
        try server.inject(#"[{"path": "/endusers", "method": "GET", "count": 1, "delayMs": 1}, {"path": "/endusers", "method": "GET", "count": 100, "status": 503}]"#)
        let result = try ProcessRunner.planhat(["export", "endusers", "--output", file, "--page-size", "1000"], environment: environment(server), timeout: 120)
        #expect(result.status == 7)
        #expect(result.stderr.contains("export stopped after 1000 records (1 requests)"))
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1_000)
    }

    @Test("an export whose server is killed mid-export (kill -9) stops cleanly, says how far it got and keeps what it wrote")
    func exportServerKilled() throws {
        let server = try ServedSandbox(companies: 1_000)
        let folder = ProcessRunner.temporaryDirectory("export-killed")
        let file = folder.appendingPathComponent("out.ndjson").path
        // The first page comes at once; the second is held back long enough for the kill to land first.
        try server.inject(#"[{"path": "/endusers", "method": "GET", "count": 1, "delayMs": 1}, {"path": "/endusers", "method": "GET", "count": 10, "delayMs": 20000}]"#)
        let export = Process()
        export.executableURL = URL(fileURLWithPath: ProcessRunner.planhatBinary)
        export.arguments = ["export", "endusers", "--output", file, "--page-size", "1000"]
        export.environment = environment(server)
        let errors = Pipe()
        export.standardError = errors
        export.standardOutput = FileHandle.nullDevice
        try export.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? String(contentsOfFile: file, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 1_000 { usleep(50_000) }
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        let stopped = Date().addingTimeInterval(90)
        while export.isRunning, Date() < stopped { usleep(50_000) }
        #expect(!export.isRunning, "the export hangs after its server died")
        if export.isRunning { export.terminate() }
        export.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(export.terminationStatus == 7, "\(stderr)")
        #expect(stderr.contains("export stopped after 1000 records (1 requests)"), "\(stderr)")
        #expect(!stderr.contains("Fatal error") && !stderr.contains(Self.secret))
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1_000)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") }, "only whole records are written")
    }

    @Test("config profiles: private files only, tokens from files, regions and demo")
    func configuration() throws {
        let server = try ServedSandbox()
        let config = ProcessRunner.temporaryDirectory("xdg")
        let folder = config.appendingPathComponent("planhat-explorer")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tokenFile = folder.appendingPathComponent("work.token")
        try Data("file-token-XYZ\n".utf8).write(to: tokenFile)
        let configFile = folder.appendingPathComponent("config.yaml")
        try Data("""
            profile: work
            profiles:
              work:
                token_file: \(tokenFile.path)
                base_url: \(server.baseURL)
              eu:
                token: inline-token
                region: eu
              broken:
                region: "Mars!"
            """.utf8).write(to: configFile)
        var environment = ProcessRunner.environment(["XDG_CONFIG_HOME": config.path])
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: configFile.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile.path)
        let open = try ProcessRunner.planhat(["doctor"], environment: environment)
        #expect(open.status == 2, "a configuration problem is a usage error")
        #expect(open.stderr.contains("chmod 600 \(configFile.path)"))
        #expect(!open.stderr.contains("get_model_action_parameters"), "no MCP guidance for a configuration problem")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configFile.path)
        let doctor = try ProcessRunner.planhat(["doctor"], environment: environment)
        #expect(doctor.status == 0, "\(doctor.stderr)")
        #expect(doctor.stdout.contains("profile    work"))
        #expect(doctor.stdout.contains("file…"))
        #expect(doctor.stdout.contains(server.baseURL))
        #expect(!doctor.stdout.contains("file-token-XYZ"))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: tokenFile.path)
        let openToken = try ProcessRunner.planhat(["call", "companies", "list"], environment: environment)
        #expect(openToken.status == 2 && openToken.stderr.contains("chmod 600"))
        environment["PLANHAT_PROFILE"] = "eu"
        let eu = try ProcessRunner.planhat(["doctor"], environment: environment)
        #expect(eu.stdout.contains("https://api-eu.planhat.com"))
        let demo = try ProcessRunner.planhat(["doctor", "--demo"], environment: environment)
        #expect(demo.stdout.contains("https://api.planhatdemo.com"))
        let broken = try ProcessRunner.planhat(["doctor", "--profile", "broken"], environment: environment)
        #expect(broken.status == 2 && broken.stderr.contains("'Mars!' is not a region name"), "\(broken.stderr)")
        let us4 = try ProcessRunner.planhat(["doctor", "--region", "us4"], environment: environment)
        #expect(us4.stdout.contains("https://api-us4.planhat.com"), "any cluster of the right shape")
        let unknown = try ProcessRunner.planhat(["doctor", "--profile", "nope"], environment: environment)
        #expect(unknown.stderr.contains("no profile 'nope'") && unknown.stderr.contains("eu, work"))
    }
}
