import ArgumentParser
import Logging
import PlanhatKit
import Testing

@testable import planhat

/// The pre-parse routing step, option rules and log level choice, in process (no binary spawned).
@Suite("CLI routing and option rules")
struct CommandLineRouterTests {
    let router = CommandLineRouter.planhat

    /// Each global option with a value it accepts.
    static let globalOptions: [[String]] = [
        ["--sandbox"], ["--sandbox-path", "/tmp/s.sqlite"], ["--profile", "ro"], ["--api-url", "http://127.0.0.1:4010"],
        ["--demo"], ["--region", "eu"], ["--timeout", "5"], ["--rate-limit-attempts", "3"], ["--rate-limit-budget", "10"],
        ["--requests-per-minute", "100"], ["--json"], ["--log-level", "debug"], ["--read-only"], ["--models", "companies"],
    ]

    @Test("a global option before the subcommand moves, with its value, to just after the subcommand", arguments: globalOptions)
    func movesGlobalOption(_ option: [String]) {
        #expect(router.route(option + ["call", "companies", "list", "--compact"]) == ["call"] + option + ["companies", "list", "--compact"])
        #expect(router.route(option + ["sandbox", "reset", "--companies", "5"]) == ["sandbox", "reset"] + option + ["--companies", "5"])
    }

    @Test("a global option after the subcommand, or in --name=value form, is left or moved as one word", arguments: globalOptions)
    func otherSpellings(_ option: [String]) {
        let after = ["export", "companies"] + option + ["--max", "1"]
        #expect(router.route(after) == after, "already after the subcommand: untouched")
        let joined = option.count == 2 ? option[0] + "=" + option[1] : option[0]
        #expect(router.route([joined, "doctor"]) == ["doctor", joined])
    }

    @Test("the tester's command lines", arguments: [
        (["--json", "call", "companies", "list"], ["call", "--json", "companies", "list"]),
        (["--profile", "ro", "call", "companies", "list"], ["call", "--profile", "ro", "companies", "list"]),
        (["--sandbox", "export", "companies"], ["export", "--sandbox", "companies"]),
        (["--log-level", "debug", "models"], ["models", "--log-level", "debug"]),
        (["--sandbox", "--timeout", "-1", "call", "x", "y"], ["call", "--sandbox", "--timeout", "-1", "x", "y"]),
        (["--json", "--profile", "ro", "mcp", "--stdio"], ["mcp", "--json", "--profile", "ro", "--stdio"]),
    ])
    func testerCases(_ arguments: [String], _ routed: [String]) {
        #expect(router.route(arguments) == routed)
    }

    @Test("an option's value that looks like a subcommand stays the value", arguments: [
        (["--profile", "call", "call", "companies", "list"], ["call", "--profile", "call", "companies", "list"]),
        (["--profile", "export", "doctor"], ["doctor", "--profile", "export"]),
        (["--sandbox-path", "sandbox", "sandbox", "info"], ["sandbox", "info", "--sandbox-path", "sandbox"]),
        (["--profile", "explore"], ["explore", "--profile", "explore"]),
        (["--models", "models"], ["explore", "--models", "models"]),
        (["--log-level", "help", "models"], ["models", "--log-level", "help"]),
    ])
    func valueLooksLikeCommand(_ arguments: [String], _ routed: [String]) {
        #expect(router.route(arguments) == routed)
    }

    @Test("no subcommand: the explorer, the MCP server, or the root as asked", arguments: [
        ([], ["explore"]),
        (["--sandbox"], ["explore", "--sandbox"]),
        (["--sandbox", "--theme", "light"], ["explore", "--sandbox", "--theme", "light"]),
        (["--theme", "call"], ["explore", "--theme", "call"]),
        (["--profile"], ["explore", "--profile"]),
        (["--stdio", "--sandbox"], ["mcp", "--stdio", "--sandbox"]),
        (["--sandbox", "--read-only", "--stdio"], ["mcp", "--sandbox", "--read-only", "--stdio"]),
        (["--help"], ["--help"]),
        (["-h"], ["-h"]),
        (["--version"], ["--version"]),
        (["help", "call"], ["help", "call"]),
        (["--json", "help", "call"], ["help", "call"]),
        (["frobnicate"], ["frobnicate"]),
        (["--sandbox", "frobnicate"], ["frobnicate"]),
        (["models", "--json"], ["models", "--json"]),
        (["sandbox"], ["sandbox"]),
    ])
    func withoutSubcommand(_ arguments: [String], _ routed: [String]) {
        #expect(router.route(arguments) == routed)
    }

    @Test("the router's global options are exactly BackendOptions' and ScopeOptions', with the same value-taking")
    func tableMatchesOptionGroups() {
        let declared = Self.longOptions(BackendOptions.helpMessage()).merging(Self.longOptions(ScopeOptions.helpMessage())) { first, _ in first }
        #expect(router.globalOptions == declared)
    }

    @Test("the subcommand tree comes from the configuration")
    func commandTree() {
        let tree = CommandTree(of: PlanhatCommand.self)
        #expect(Set(tree.children.keys) == ["explore", "models", "schema", "call", "export", "doctor", "sandbox", "mcp", "mcp-config", "history", "undo", "views", "view", "login", "logout", "auth"])
        #expect(Set(tree.children["history"]?.children.keys.map { $0 } ?? []) == ["list", "show"])
        #expect(Set(tree.children["view"]?.children.keys.map { $0 } ?? []) == ["run"])
        #expect(Set(tree.children["sandbox"]?.children.keys.map { $0 } ?? []) == ["reset", "info", "serve"])
        #expect(tree.path(at: ["sandbox", "reset", "reset"]) == ["sandbox", "reset"])
        #expect(tree.path(at: ["companies", "call"]) == [])
    }

    @Test("a routed command line parses to the same command as the one typed with options after the subcommand", arguments: globalOptions.filter { $0 != ["--read-only"] && $0 != ["--models", "companies"] })
    func routedParses(_ option: [String]) throws {
        let before = try PlanhatCommand.parseAsRoot(router.route(option + ["doctor"]))
        let after = try PlanhatCommand.parseAsRoot(router.route(["doctor"] + option))
        #expect(before is DoctorCommand && after is DoctorCommand)
        #expect(String(describing: before) == String(describing: after))
        let plain = try PlanhatCommand.parseAsRoot(["doctor"])
        #expect(String(describing: before) != String(describing: plain), "the option took effect")
    }

    @Test("whole numbers: the message names the option, the value and what is allowed", arguments: ["-1", "0", "abc", "", "1.5", "99999999999999999999", "--json"])
    func wholeNumberRefusals(_ text: String) {
        let rule = OptionRule<Int>.wholeNumber("--max", atLeast: 1)
        #expect(throws: ValidationError.self) { _ = try rule.value(of: text) }
        let message = Self.message { _ = try rule.value(of: text) }
        #expect(message.hasPrefix("--max: "))
        #expect(message.hasSuffix("; expected a whole number of at least 1"))
        #expect(message.contains(text.isEmpty ? "''" : text))
    }

    @Test("the messages read as documented")
    func messages() {
        #expect(Self.message { _ = try OptionRule<Int>.wholeNumber("--max", atLeast: 1).value(of: "-1") } == "--max: -1 is not allowed; expected a whole number of at least 1")
        #expect(Self.message { _ = try OptionRule<Int>.wholeNumber("--companies", in: 0...2_000_000).value(of: "-3") } == "--companies: -3 is not allowed; expected a whole number from 0 to 2000000")
        #expect(Self.message { _ = try OptionRule<Double>.seconds("--timeout").value(of: "0") } == "--timeout: 0 is not allowed; expected a number of seconds greater than 0")
        #expect(Self.message { _ = try LogLevelOption.rule.value(of: "loud") } == "--log-level: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical")
        #expect(Self.message { _ = try OptionRule<Int>.wholeNumber("--max", atLeast: 1).value(of: "--json") } == "--max: missing value before --json; expected a whole number of at least 1")
    }

    @Test("accepted values read as numbers, levels and choices")
    func accepted() throws {
        #expect(try OptionRule<Int>.wholeNumber("--max", atLeast: 1).value(of: "1") == 1)
        #expect(try OptionRule<Int>.wholeNumber("--companies", in: 0...2_000_000).value(of: "0") == 0)
        #expect(try OptionRule<Double>.seconds("--rate-limit-budget", allowingZero: true).value(of: "0") == 0)
        #expect(try OptionRule<Double>.seconds("--timeout").value(of: "0.5") == 0.5)
        #expect(try LogLevelOption.rule.value(of: "DEBUG") == .debug)
        #expect(try OptionRule<RecordFormat>.oneOf("--format").value(of: "csv") == .csv)
        #expect(try OptionRule<Int>.wholeNumber("--max", atLeast: 1).value(of: nil) == nil)
    }

    @Test("seconds refuse what is not a finite number in range", arguments: ["-1", "0", "-0.5", "inf", "nan", "abc", "1e999"])
    func secondsRefusals(_ text: String) {
        #expect(throws: ValidationError.self) { _ = try OptionRule<Double>.seconds("--timeout").value(of: text) }
    }

    @Test("the log level: --log-level, else PLANHAT_LOG_LEVEL, else warning; a bad PLANHAT_LOG_LEVEL is a warning")
    func logLevel() {
        #expect(LogSetup.level(option: .debug, environment: ["PLANHAT_LOG_LEVEL": "loud"]) == (.debug, nil))
        #expect(LogSetup.level(option: nil, environment: ["PLANHAT_LOG_LEVEL": "INFO"]) == (.info, nil))
        #expect(LogSetup.level(option: nil, environment: [:]) == (.warning, nil))
        let bad = LogSetup.level(option: nil, environment: ["PLANHAT_LOG_LEVEL": "loud"])
        #expect(bad.level == .warning)
        #expect(bad.warning == "planhat: PLANHAT_LOG_LEVEL: loud is not allowed; expected one of trace, debug, info, notice, warning, error, critical; logging at warning")
    }

    /// The long options a help text lists, and whether each takes a value (`--name <value>`).
    static func longOptions(_ help: String) -> [String: Bool] {
        var options: [String: Bool] = [:]
        for line in help.split(separator: "\n") where line.hasPrefix("  --") {
            let words = line.split(separator: " ")
            guard let name = words.first, name != "--help", name != "--version" else { continue }
            options[String(name)] = words.count > 1 && words[1].hasPrefix("<")
        }
        return options
    }

    /// The message of the error `body` throws.
    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "(no error)"
        } catch let error as ValidationError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}
