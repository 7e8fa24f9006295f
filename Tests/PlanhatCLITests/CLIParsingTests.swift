import Foundation
import PlanhatKit
import PlanhatRemote
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// Where an option goes on the command line.
enum Placement: String, Sendable, CaseIterable {
    case beforeSubcommand, afterSubcommand

    /// `option` placed around `command` (the subcommand path and its arguments).
    func arguments(_ option: [String], _ command: [String]) -> [String] {
        self == .beforeSubcommand ? option + command : command + option
    }
}

/// The command line end to end through the built binary: global options on either side of the
/// subcommand, and every bad option value refused naming the option, the value and what is
/// allowed, with exit status 2.
@Suite("CLI parsing", .offThePool)
struct CLIParsingTests {
    /// Files every test here shares and only reads: a seeded sandbox, a second one, and a config
    /// folder with the profiles `ro` (read-only), `call` and `export`.
    struct Fixture: Sendable {
        let sandboxPath: String
        let otherSandboxPath: String
        let configHome: String

        init() {
            let folder = ProcessRunner.temporaryDirectory("cli-parsing")
            sandboxPath = folder.appendingPathComponent("sandbox.sqlite").path
            otherSandboxPath = folder.appendingPathComponent("other.sqlite").path
            configHome = folder.appendingPathComponent("config").path
            let configFolder = configHome + "/planhat-explorer"
            try? FileManager.default.createDirectory(atPath: configFolder, withIntermediateDirectories: true)
            let config = "profiles:\n  ro:\n    read_only: true\n  call: {}\n  export: {}\n"
            _ = FileManager.default.createFile(atPath: configFolder + "/config.yaml", contents: Data(config.utf8), attributes: [.posixPermissions: 0o600])
            for path in [sandboxPath, otherSandboxPath] {
                _ = try? ProcessRunner.planhat(["sandbox", "reset", "--companies", "5", "--sandbox-path", path])
            }
        }
    }

    static let fixture = Fixture()

    static let limitOne = #"{"limit":1,"select":"name"}"#

    /// No token, the shared sandbox and config; `extra` on top.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessRunner.environment(["PLANHAT_SANDBOX_PATH": fixture.sandboxPath, "XDG_CONFIG_HOME": fixture.configHome].merging(extra) { _, new in new })
    }

    static func planhat(_ arguments: [String], environment: [String: String] = environment(), stdin: String? = nil) throws -> ProcessResult {
        try ProcessRunner.planhat(arguments, environment: environment, stdin: stdin)
    }

    // MARK: - Global options before or after the subcommand

    /// A global option, the command it is tried with, and what shows it took effect.
    struct GlobalCase: Sendable, CustomTestStringConvertible {
        enum Effect: Sendable {
            /// `doctor --json` reports this value at this key.
            case doctorReports(String, JSONValue)
            /// The command succeeds and prints nothing on stderr (no sandbox notice).
            case quietSuccess
            /// stdout is a JSON document.
            case printsJSON
            /// The command succeeds.
            case succeeds
            /// The command fails with this status, saying this.
            case fails(Int32, String)
            /// The MCP server offers exactly these models, with or without writes.
            case mcpOffers(routes: [String], writes: Bool)
        }

        var option: [String]
        var command: [String]
        var effect: Effect

        var testDescription: String { option.joined(separator: " ") }
    }

    static let doctor = ["doctor", "--json"]

    static let globalCases: [GlobalCase] = [
        GlobalCase(option: ["--sandbox"], command: ["call", "companies", "list", "--params", limitOne], effect: .quietSuccess),
        GlobalCase(option: ["--sandbox-path", fixture.otherSandboxPath], command: doctor, effect: .doctorReports("sandboxPath", .string(fixture.otherSandboxPath))),
        GlobalCase(option: ["--profile", "ro"], command: doctor, effect: .doctorReports("readOnly", true)),
        GlobalCase(option: ["--profile", "export"], command: doctor, effect: .doctorReports("profile", "export")),
        GlobalCase(option: ["--api-url", "http://127.0.0.1:9"], command: doctor, effect: .doctorReports("baseURL", "http://127.0.0.1:9")),
        GlobalCase(option: ["--demo"], command: doctor, effect: .doctorReports("baseURL", "https://api.planhatdemo.com")),
        GlobalCase(option: ["--region", "eu"], command: doctor, effect: .doctorReports("baseURL", "https://api-eu.planhat.com")),
        GlobalCase(option: ["--timeout", "5"], command: doctor, effect: .succeeds),
        GlobalCase(option: ["--rate-limit-attempts", "3"], command: doctor, effect: .succeeds),
        GlobalCase(option: ["--rate-limit-budget", "0"], command: doctor, effect: .succeeds),
        GlobalCase(option: ["--requests-per-minute", "100"], command: doctor, effect: .succeeds),
        GlobalCase(option: ["--json"], command: ["doctor"], effect: .printsJSON),
        GlobalCase(option: ["--log-level", "debug"], command: doctor, effect: .succeeds),
        GlobalCase(option: ["--read-only"], command: ["call", "companies", "create", "--sandbox", "--params", #"{"name":"X"}"#], effect: .fails(4, "read-only")),
        GlobalCase(option: ["--read-only"], command: ["mcp", "--stdio", "--sandbox", "--models", "companies"], effect: .mcpOffers(routes: ["companies"], writes: false)),
        GlobalCase(option: ["--models", "companies,endusers"], command: ["mcp", "--stdio", "--sandbox"], effect: .mcpOffers(routes: ["companies", "endusers"], writes: true)),
    ]

    @Test("every global option works before and after the subcommand", arguments: globalCases, Placement.allCases)
    func globalOption(_ option: GlobalCase, _ placement: Placement) throws {
        let arguments = placement.arguments(option.option, option.command)
        let stdin = option.command.first == "mcp" ? Self.mcpSession : nil
        let result = try Self.planhat(arguments, stdin: stdin)
        switch option.effect {
        case .doctorReports(let key, let value):
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(try JSONValue.parse(result.stdout)[key] == value, "\(arguments): \(result.stdout)")
        case .quietSuccess:
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)")
        case .printsJSON:
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(try JSONValue.parse(result.stdout)["backend"] == "sandbox", "\(arguments): \(result.stdout)")
        case .succeeds:
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        case .fails(let status, let message):
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        case .mcpOffers(let routes, let writes):
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let offered = try Self.offeredModels(result.stdout)
            #expect(offered.map(\.route) == routes, "\(arguments): \(result.stdout)")
            #expect(offered.allSatisfy { $0.operations.contains("create") == writes }, "\(arguments): \(result.stdout)")
        }
    }

    @Test("the tester's command lines work", arguments: [
        (["--json", "call", "companies", "list", "--sandbox", "--params", limitOne], Int32(0), ""),
        (["--profile", "ro", "call", "companies", "create", "--params", #"{"name":"X"}"#], 4, "read-only"),
        (["--profile", "call", "call", "companies", "list", "--params", limitOne], 0, ""),
        (["--sandbox", "export", "companies", "--max", "2"], 0, "2 records exported"),
        (["--log-level", "debug", "models"], 0, ""),
    ])
    func testerCommandLines(_ arguments: [String], _ status: Int32, _ stderr: String) throws {
        let result = try Self.planhat(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(stderr.isEmpty || result.stderr.contains(stderr), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Usage: planhat explore"), "\(arguments): \(result.stderr)")
        if status == 0 { #expect(!result.stdout.isEmpty) }
    }

    @Test("planhat alone and with only options is still the explorer; --help, --version and --stdio still work")
    func rootRoutes() throws {
        for arguments in [[], ["--sandbox"], ["--json", "--sandbox", "--theme", "light"]] {
            let explorer = try Self.planhat(arguments)
            #expect(explorer.status == 2, "\(arguments): \(explorer.stderr)")
            #expect(explorer.stderr.contains("the explorer needs a terminal"), "\(arguments): parsed as the explorer, not a usage error: \(explorer.stderr)")
        }
        let help = try Self.planhat(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("OVERVIEW: Explore and operate on Planhat data"))
        let version = try Self.planhat(["--version"])
        #expect(version.stdout.hasPrefix("0.1.0 (commit "), "\(version.stdout)")
        let server = try Self.planhat(["--stdio", "--sandbox"], stdin: Self.mcpSession)
        #expect(server.status == 0, "\(server.stderr)")
        #expect(try Self.offeredModels(server.stdout).count == Catalog.shared.models.count)
        let typo = try Self.planhat(["--sandbox", "frobnicate"])
        #expect(typo.status == 2)
        #expect(typo.stderr.hasPrefix("error: Unexpected argument 'frobnicate'"), "\(typo.stderr)")
    }

    @Test("--json and --log-level are accepted by every command, before or after it", arguments: [
        ["models"], ["schema", "companies", "list"], ["call", "companies", "list", "--sandbox", "--params", limitOne],
        ["export", "companies", "--sandbox", "--max", "1"], ["doctor", "--sandbox"], ["sandbox", "info"], ["mcp-config", "--sandbox"],
    ], Placement.allCases)
    func reportingOptionsEverywhere(_ command: [String], _ placement: Placement) throws {
        let arguments = placement.arguments(["--json", "--log-level", "error"], command)
        let result = try Self.planhat(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }

    // MARK: - Bad values

    /// An option that takes a number, the command to try it on and what it accepts.
    struct NumberCase: Sendable, CustomTestStringConvertible {
        var option: String
        var command: [String]
        /// Whether it is a global option, tried before the subcommand too.
        var global: Bool
        var expected: String
        var zeroAllowed = false

        var testDescription: String { option }
    }

    static let numberCases: [NumberCase] = {
        let call = ["call", "companies", "list", "--sandbox", "--params", limitOne]
        let export = ["export", "companies", "--sandbox", "--max", "1"]
        return [
            NumberCase(option: "--max", command: ["export", "companies", "--sandbox"], global: false, expected: "a whole number of at least 1"),
            NumberCase(option: "--page-size", command: export, global: false, expected: "a whole number of at least 1"),
            NumberCase(option: "--timeout", command: call, global: true, expected: "a number of seconds greater than 0"),
            NumberCase(option: "--rate-limit-attempts", command: call, global: true, expected: "a whole number of at least 1"),
            NumberCase(option: "--rate-limit-budget", command: call, global: true, expected: "a number of seconds, 0 or more", zeroAllowed: true),
            NumberCase(option: "--requests-per-minute", command: call, global: true, expected: "a whole number of at least 1"),
            NumberCase(option: "--companies", command: ["sandbox", "reset"], global: false, expected: "a whole number from 0 to 2000000", zeroAllowed: true),
        ]
    }()

    static let numberInputs: [(NumberCase, String, Placement)] = numberCases.flatMap { option in
        ["-1", "0", "abc"].flatMap { value in
            (option.global ? Placement.allCases : [.afterSubcommand]).map { (option, value, $0) }
        }
    }

    @Test("numbers: -1, 0 and abc are refused naming the option, the value and what is allowed (exit 2)", arguments: numberInputs)
    func numberValues(_ option: NumberCase, _ value: String, _ placement: Placement) throws {
        // `sandbox reset` writes: a sandbox of its own.
        let environment = Self.environment(["PLANHAT_SANDBOX_PATH": ProcessRunner.temporaryDirectory("reset").appendingPathComponent("s.sqlite").path])
        let arguments = placement.arguments([option.option, value], option.command)
        let result = try Self.planhat(arguments, environment: environment)
        if value == "0" && option.zeroAllowed {
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return
        }
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: \(option.option): \(value) is not allowed; expected \(option.expected)", "\(arguments): \(result.stderr)")
        let path = option.command.prefix { !$0.hasPrefix("-") && $0 != "companies" }.joined(separator: " ")
        #expect(lines.contains { $0.hasPrefix("Usage: planhat \(path) ") }, "the subcommand's usage, not the top one: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("other option values are refused naming the option, the value and what is allowed (exit 2)", arguments: [
        (["--log-level", "loud", "models"], "error: --log-level: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical"),
        (["models", "--log-level", "loud"], "error: --log-level: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical"),
        (["call", "companies", "list", "--log-level", "loud"], "error: --log-level: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical"),
        (["--region", "Mars!", "call", "companies", "list"], "error: --region: Mars! is not allowed; expected a cluster name such as eu, eu2, eu3, us2, us4 (api-<region>.planhat.com)"),
        (["doctor", "--region", "Mars!"], "error: --region: Mars! is not allowed; expected a cluster name such as eu, eu2, eu3, us2, us4 (api-<region>.planhat.com)"),
        (["doctor", "--api-url", "ftp://example.com"], "error: --api-url: ftp://example.com is not allowed; expected an http or https URL such as https://api.planhat.com"),
        (["export", "companies", "--format", "xml"], "error: --format: xml is not allowed; expected one of ndjson, csv, json"),
        (["mcp-config", "--client", "vim"], "error: --client: vim is not allowed; expected one of claude-desktop, claude-code, cursor, vscode, chatgpt, claude-ai, generic"),
        (["explore", "--sandbox", "--models", "compnies"], "error: --models: compnies is not allowed; expected model names from planhat models, comma-separated (unknown model 'compnies'; did you mean companies?)"),
        (["--stdio", "--sandbox", "--models", ","], "error: --models: , is not allowed; expected model names from planhat models, comma-separated"),
        (["--sandbox", "--theme", "neon"], "error: --theme: neon is not allowed; expected a built-in theme (default, light, high-contrast) or a theme YAML file"),
        (["export", "companies", "--max", "--sandbox"], "error: --max: missing value before --sandbox; expected a whole number of at least 1"),
        (["sandbox", "reset", "--companies", "2000001"], "error: --companies: 2000001 is not allowed; expected a whole number from 0 to 2000000"),
    ])
    func otherValues(_ arguments: [String], _ firstLine: String) throws {
        let result = try Self.planhat(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").first.map(String.init)?.hasPrefix(firstLine) == true, "\(arguments): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("with --json, before or after, a bad value is the one-line JSON envelope (exit 2)", arguments: [
        (["export", "companies", "--max", "-1"], "--max: -1 is not allowed; expected a whole number of at least 1"),
        (["--timeout", "-1", "call", "companies", "list"], "--timeout: -1 is not allowed; expected a number of seconds greater than 0"),
        (["--log-level", "loud", "models"], "--log-level: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical"),
        (["doctor", "--region", "Mars!"], "--region: Mars! is not allowed; expected a cluster name such as eu, eu2, eu3, us2, us4 (api-<region>.planhat.com)"),
        (["sandbox", "reset", "--companies", "-3"], "--companies: -3 is not allowed; expected a whole number from 0 to 2000000"),
        (["export", "companies", "--page-size", "0"], "--page-size: 0 is not allowed; expected a whole number of at least 1"),
    ], Placement.allCases)
    func jsonEnvelope(_ bad: ([String], String), _ placement: Placement) throws {
        let (arguments, message) = bad
        let result = try Self.planhat(placement.arguments(["--json"], arguments))
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        let envelope = try JSONValue.parse(String(lines.first ?? ""))
        #expect(envelope["error"]?["message"] == .string(message), "\(arguments): \(result.stderr)")
        #expect(envelope["error"]?["cause"] == "usage")
        #expect(envelope["error"]?["status"] == nil, "a usage error is not an HTTP status")
    }

    @Test("a sandbox file that cannot be written is a server-side error (7), an unwritable --output names the option (3)")
    func unusablePaths() throws {
        let reset = try Self.planhat(["sandbox", "reset", "--companies", "1", "--sandbox-path", "/proc/planhat-cli-test/s.sqlite"])
        #expect(reset.status == 7, "\(reset.stderr)")
        #expect(reset.stderr.hasPrefix("error: 500 Internal Server Error: cannot reset the sandbox at /proc/planhat-cli-test/s.sqlite"), "\(reset.stderr)")
        let missing = ProcessRunner.temporaryDirectory("output").appendingPathComponent("missing/x.csv").path
        let export = try Self.planhat(["export", "companies", "--sandbox", "--output", missing, "--json"])
        #expect(export.status == 3, "\(export.stderr)")
        let envelope = try JSONValue.parse(export.stderr)
        #expect(envelope["error"]?["message"]?.stringValue?.hasPrefix("--output: cannot write \(missing)") == true, "\(export.stderr)")
        #expect(envelope["error"]?["fields"] == [["path": "--output", "value": .string(missing), "expected": "a file that can be written"]])
    }

    // MARK: - Log level

    @Test("PLANHAT_LOG_LEVEL that is not a level is a warning on stderr; the command still runs")
    func badEnvironmentLogLevel() throws {
        let result = try Self.planhat(["models", "--json"], environment: Self.environment(["PLANHAT_LOG_LEVEL": "loud"]))
        #expect(result.status == 0)
        #expect(result.stderr == "planhat: PLANHAT_LOG_LEVEL: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical; logging at warning\n")
        #expect(try JSONValue.parse(result.stdout).arrayValue?.isEmpty == false)
        let overridden = try Self.planhat(["models", "--log-level", "error"], environment: Self.environment(["PLANHAT_LOG_LEVEL": "loud"]))
        #expect(overridden.stderr.isEmpty, "--log-level wins; the environment is not read")
    }

    @Test("--log-level sets the level, in any position and spelling; PLANHAT_LOG_LEVEL otherwise")
    func logLevelApplies() throws {
        let served = try ServedSandbox(companies: 3)
        defer { served.stop() }
        let remote = Self.environment(["PLANHAT_API_TOKEN": "test-token-0123456789", "PLANHAT_API_URL": served.baseURL])
        let call = ["call", "companies", "list", "--params", Self.limitOne]
        for arguments in [["--log-level", "debug"] + call, call + ["--log-level=debug"], ["--log-level=DEBUG"] + call] {
            let result = try Self.planhat(arguments, environment: remote)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("debug") && result.stderr.contains("/companies"), "\(arguments): \(result.stderr)")
        }
        var fromEnvironment = remote
        fromEnvironment["PLANHAT_LOG_LEVEL"] = "debug"
        #expect(try Self.planhat(call, environment: fromEnvironment).stderr.contains("/companies"))
        #expect(try Self.planhat(call, environment: remote).stderr.isEmpty, "warning by default")
    }

    // MARK: - doctor --json

    @Test("doctor --json prints what doctor shows as JSON, the token masked and never printed")
    func doctorJSON() throws {
        let token = "tok-secret-0123456789abcdef"
        let environment = Self.environment(["PLANHAT_API_TOKEN": token])
        let result = try Self.planhat(["doctor", "--json", "--sandbox"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONValue.parse(result.stdout)
        #expect(report["backend"] == "sandbox")
        #expect(report["baseURL"] == .string(Settings.defaultBaseURL))
        #expect(report["profile"] == .null)
        #expect(report["token"] == ["configured": true, "masked": "tok-…", "source": "PLANHAT_API_TOKEN"])
        #expect(report["config"]?["path"] == .string(Self.fixture.configHome + "/planhat-explorer/config.yaml"))
        #expect(report["config"]?["found"] == true)
        #expect(report["sandboxPath"] == .string(Self.fixture.sandboxPath))
        #expect(report["readOnly"] == false)
        #expect(report["version"] == "0.1.0")
        #expect(report["check"]?["ok"] == true)
        #expect(report["check"]?["records"] == 1)
        let table = try Self.planhat(["doctor", "--sandbox"], environment: environment)
        #expect(table.stdout.contains("tok-… (from PLANHAT_API_TOKEN)"))
        for output in [result.stdout, result.stderr, table.stdout, table.stderr] {
            #expect(!output.contains("secret"), "the token is never printed")
        }
    }

    @Test("doctor shows only an ellipsis for a token too short to show 4 characters of")
    func doctorShortToken() throws {
        let environment = Self.environment(["PLANHAT_API_TOKEN": "abcdef"])
        let json = try Self.planhat(["--json", "doctor", "--sandbox"], environment: environment)
        #expect(try JSONValue.parse(json.stdout)["token"]?["masked"] == "…")
        let table = try Self.planhat(["doctor", "--sandbox"], environment: environment)
        #expect(!table.stdout.contains("abcd"))
    }

    @Test("doctor --json reports a failed check in the document and as the error envelope")
    func doctorJSONFailure() throws {
        let environment = Self.environment(["PLANHAT_API_TOKEN": "test-token-0123456789"])
        let result = try Self.planhat(["doctor", "--json", "--api-url", "http://127.0.0.1:9", "--timeout", "2", "--rate-limit-attempts", "1"], environment: environment)
        #expect(result.status == 7, "\(result.stderr)")
        let report = try JSONValue.parse(result.stdout)
        #expect(report["backend"] == "remote")
        #expect(report["check"]?["ok"] == false)
        #expect(report["check"]?["error"]?["cause"] == "network")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try JSONValue.parse(result.stderr)["error"]?["cause"] == "network")
        #expect(try JSONValue.parse(result.stderr)["error"]?["message"]?.stringValue?.contains("connection was refused") == true)
    }

    // MARK: - Helpers

    /// An MCP session on stdin: initialize, then get_model_actions.
    static let mcpSession = [
        #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"cli-tests","version":"1"}}}"#,
        #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_model_actions","arguments":{}}}"#,
    ].joined(separator: "\n") + "\n"

    /// The models the server's get_model_actions answer lists.
    static func offeredModels(_ stdout: String) throws -> [(route: String, operations: [String])] {
        for line in stdout.split(separator: "\n") {
            let message = try JSONValue.parse(String(line))
            guard message["id"] == 2, let models = message["result"]?["structuredContent"]?["models"]?.arrayValue else { continue }
            return models.map { model in
                (model["route"]?.stringValue ?? "", model["operations"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
        }
        return []
    }
}
