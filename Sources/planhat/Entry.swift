import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// The `planhat` program: parses the command line, runs the command, and turns failures into the
/// documented exit codes (0 ok, 2 usage, 3 invalid parameters, 4 auth, 5 not found,
/// 6 rate limited, 7 server or network).
@main
enum Entry {
    static func main() async {
        let status = await run(Array(CommandLine.arguments.dropFirst()))
        Console.flush()
        exit(status)
    }

    /// Routes, parses and runs `arguments` (as typed after `planhat`); returns the exit status.
    static func run(_ arguments: [String]) async -> Int32 {
        let wantsJSON = arguments.contains("--json")
        do {
            var command = try PlanhatCommand.parseAsRoot(CommandLineRouter.planhat.route(arguments))
            LogSetup.bootstrap(option: (command as? any ChoosesLogLevel)?.logLevel)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as PlanhatError {
            Console.report(error, json: wantsJSON)
            return ExitStatus.code(for: error)
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            let code = PlanhatCommand.exitCode(for: error)
            if code == .success {
                Console.out(PlanhatCommand.fullMessage(for: error))
                return 0
            }
            if wantsJSON {
                // The message alone: the usage text is for people.
                Console.err(PlanhatError(.usage, message: PlanhatCommand.message(for: error)).jsonValue(for: .cli).compactText())
            } else {
                Console.err(PlanhatCommand.fullMessage(for: error))
            }
            return code == .validationFailure ? ExitStatus.usage : code.rawValue
        }
    }
}

/// The exit codes scripts can rely on.
enum ExitStatus {
    static let usage: Int32 = 2
    static let invalidParameters: Int32 = 3
    static let auth: Int32 = 4
    static let notFound: Int32 = 5
    static let rateLimited: Int32 = 6
    static let serverOrNetwork: Int32 = 7

    static func code(for error: PlanhatError) -> Int32 {
        switch error.cause {
        case .configuration, .usage: return usage
        case .invalidParameters, .conflict, .tooLarge, .file: return invalidParameters
        case .unauthorized, .forbidden, .readOnly: return auth
        case .unknownModel, .unknownOperation, .recordNotFound, .notFound: return notFound
        case .rateLimited: return rateLimited
        case .cancelled: return 130
        default: return serverOrNetwork
        }
    }
}

/// The root command: `planhat --stdio` serves MCP; subcommands do the rest.
struct PlanhatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planhat",
        abstract: "Explore and operate on Planhat data: terminal explorer, MCP server and scriptable CLI.",
        discussion: """
            With PLANHAT_API_TOKEN set (or a config profile), commands talk to your Planhat workspace.
            Without one they run on the embedded sandbox, an offline workspace seeded with demo data.
            planhat alone opens the terminal explorer; planhat --stdio serves Planhat's three MCP tools to
            an AI assistant (add --sandbox for demo data).
            Exit codes: 0 ok, 2 usage, 3 invalid parameters, 4 auth, 5 not found, 6 rate limited,
            7 server or network.
            """,
        version: PlanhatVersion.full,
        subcommands: [
            ExploreCommand.self, ModelsCommand.self, SchemaCommand.self, CallCommand.self, ExportCommand.self,
            DoctorCommand.self, SandboxCommand.self, MCPCommand.self, MCPConfigCommand.self,
            HistoryCommand.self, UndoCommand.self,
            ViewsCommand.self, ViewCommand.self,
            LoginCommand.self, LogoutCommand.self, AuthCommand.self,
        ]
    )

    /// argument-parser's errors start like the program's own: `error: …`.
    static var _errorPrefix: String { "error: " }

    func run() async throws {
        Console.out(PlanhatCommand.helpMessage())
    }
}

/// `planhat mcp --stdio` (also spelled `planhat --stdio`): the MCP server.
struct MCPCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve Planhat's MCP tools over stdin/stdout (also: planhat --stdio), or over HTTP with --http.",
        discussion: """
            Uses your workspace when a token is configured, the offline sandbox with --sandbox; with
            neither it refuses to start. stdout carries only JSON-RPC; logs go to stderr.
            Example: planhat --stdio --sandbox --read-only --models companies,endusers
            --toolset hosted serves Planhat's hosted tool names (list_model_records, …), all serves both.
            With --http it serves MCP Streamable HTTP at /mcp for a team (see README: Run it for your team).
            Example: planhat mcp --http --host 0.0.0.0 --port 8765 --stateless --read-only
            """)

    @Flag(name: .long, help: "Serve MCP over stdin/stdout (the default transport; accepted for clarity).")
    var stdio = false

    @OptionGroup var httpOptions: HTTPServeOptions

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var backend: BackendOptions

    @OptionGroup var tools: MCPToolOptions

    var logLevel: Logger.Level? { backend.logging.level }

    func run() async throws {
        if httpOptions.http {
            try await MCPHTTPServe(scope: scope, backend: backend, options: httpOptions, tools: tools).run()
        } else {
            try await MCPServe(scope: scope, backend: backend, tools: tools).run()
        }
    }

    func validate() throws {
        if stdio && httpOptions.http { throw ValidationError("--stdio and --http are two transports: choose one") }
    }
}

/// What a session may touch: read-only mode and a model allow-list.
struct ScopeOptions: ParsableArguments {
    @Flag(name: .long, help: "Refuse create, update, delete and bulkUpsert (overrides everything else).")
    var readOnly = false

    @Option(name: .long, help: ArgumentHelp("Only these models, comma-separated (e.g. companies,endusers).", valueName: "list"))
    var models: String?

    /// The catalog the session offers.
    ///
    /// - Throws: a usage error naming `--models` when a name matches no model.
    func catalog() throws -> Catalog {
        guard let models else { return .shared }
        let names = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let refusal = OptionRefusal(option: "--models", value: models, expected: "model names from planhat models, comma-separated")
        guard !names.isEmpty else { throw refusal.error }
        do {
            return try Catalog.shared.restricted(to: names)
        } catch let error as PlanhatError {
            var named = refusal
            named.reason = error.message
            throw named.error
        }
    }

    func validate() throws {
        _ = try catalog()
    }
}
