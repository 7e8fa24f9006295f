import ArgumentParser
import Testing

@testable import planhat

/// The pre-parse routing step, in process (no binary spawned).
@Suite("CLI routing")
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
        #expect(Set(tree.children.keys) == ["explore", "models", "schema", "call", "export", "doctor", "sandbox", "mcp", "mcp-config"])
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
}
