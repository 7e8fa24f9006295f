import ArgumentParser

/// Rewrites the command line before argument-parser reads it, for what argument-parser has no
/// notion of:
///
/// - global options before the subcommand: `planhat --json call companies list` is read as
///   `planhat call --json companies list` (recognised options move, with their values, to just
///   after the subcommand path);
/// - `planhat` alone, or with only options, is `planhat explore …`;
/// - `planhat --stdio …` is `planhat mcp --stdio …`.
///
/// Everything else is left as typed, so argument-parser's own errors still name what is wrong.
struct CommandLineRouter: Sendable {
    /// The options that may come before the subcommand: their long names, and whether each takes
    /// a value (`--profile ro`, or `--profile=ro` in one word).
    let globalOptions: [String: Bool]
    /// The subcommand tree: each name and the names under it.
    let commands: CommandTree
    /// Words that make `planhat …` the root command itself, never the explorer.
    /// (argument-parser's own: help, version, the completion scripts and the tool description the
    /// manual is generated from.)
    let rootWords: Set<String> = ["-h", "--help", "--version", "help", "--generate-completion-script", "--experimental-dump-help"]

    /// The arguments argument-parser should read for `arguments`, as typed after `planhat`.
    func route(_ arguments: [String]) -> [String] {
        guard let first = arguments.first else { return ["explore"] }
        let leading = leadingGlobalOptions(arguments)
        let rest = arguments[leading.endIndex...]
        let path = commands.path(at: rest)
        if !path.isEmpty {
            let pathEnd = leading.endIndex + path.count
            return Array(arguments[leading.endIndex..<pathEnd]) + arguments[leading] + arguments[pathEnd...]
        }
        if let word = rest.first, !word.hasPrefix("-") {
            // A word where the subcommand goes, naming none: `help`, or a typo the root reports as
            // an unexpected argument. The global options before it have no command to go to.
            return Array(rest)
        }
        // No subcommand: the explorer or the MCP server, unless the root itself is asked for.
        guard first.hasPrefix("-"), !rootWords.contains(first.split(separator: "=").first.map(String.init) ?? first) else { return arguments }
        return [arguments.contains("--stdio") ? "mcp" : "explore"] + arguments
    }

    /// The range of `arguments`, from the start, made of recognised global options and their values.
    func leadingGlobalOptions(_ arguments: [String]) -> Range<Int> {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            guard word.hasPrefix("--"), let takesValue = globalOptions[name] else { break }
            // The value is the next word whatever it looks like, so `--profile call call …` keeps
            // `call` as the profile.
            index += takesValue && !word.contains("=") ? 2 : 1
        }
        return 0..<Swift.min(index, arguments.count)
    }
}

/// Subcommand names, as argument-parser matches them (names and aliases), and the names below each.
struct CommandTree: Sendable {
    let children: [String: CommandTree]

    init(children: [String: CommandTree]) {
        self.children = children
    }

    /// The tree of `command`'s subcommands, from its configuration.
    init(of command: any ParsableCommand.Type) {
        var children: [String: CommandTree] = [:]
        for subcommand in command.configuration.subcommands {
            let tree = CommandTree(of: subcommand)
            for name in [subcommand._commandName] + subcommand.configuration.aliases {
                children[name] = tree
            }
        }
        self.children = children
    }

    /// The subcommand names `words` starts with: `["sandbox", "reset"]` for `sandbox reset --companies 5`.
    func path(at words: ArraySlice<String>) -> [String] {
        guard let first = words.first, let child = children[first] else { return [] }
        return [first] + child.path(at: words.dropFirst())
    }
}

extension CommandLineRouter {
    /// `planhat`'s routing: the BackendOptions and ScopeOptions groups are global.
    static let planhat = CommandLineRouter(
        globalOptions: [
            // BackendOptions (with SandboxPathOption and LogLevelOption)
            "--sandbox": false, "--sandbox-path": true, "--profile": true, "--api-url": true, "--demo": false,
            "--region": true, "--timeout": true, "--rate-limit-attempts": true, "--rate-limit-budget": true,
            "--requests-per-minute": true, "--requests-per-second": true, "--json": false, "--log-level": true, "--allow-unknown-fields": false,
            // ScopeOptions
            "--read-only": false, "--models": true,
        ],
        commands: CommandTree(of: PlanhatCommand.self))
}
