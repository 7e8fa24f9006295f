import ArgumentParser
import Foundation
import PlanhatKit

/// The `planhat` program: parses the command line, runs the command, and turns failures into the
/// documented exit codes (0 ok, 2 usage, 3 invalid parameters, 4 auth, 5 not found,
/// 6 rate limited, 7 server or network).
@main
enum Entry {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        LogSetup.bootstrap(arguments: arguments)
        let status = await run(arguments)
        Console.flush()
        exit(status)
    }

    static func run(_ arguments: [String]) async -> Int32 {
        let wantsJSON = arguments.contains("--json")
        do {
            var command = try PlanhatCommand.parseAsRoot(arguments)
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
            let message = PlanhatCommand.fullMessage(for: error)
            if code == .success {
                Console.out(message)
                return 0
            }
            if wantsJSON {
                Console.err(PlanhatError(status: 400, message: message).jsonValue.compactText())
            } else {
                Console.err(message)
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
        switch error.status {
        case 400, 409, 413, 422: return invalidParameters
        case 401, 403: return auth
        case 404: return notFound
        case 429: return rateLimited
        default: return serverOrNetwork
        }
    }
}

/// The root command.
struct PlanhatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planhat",
        abstract: "Explore and operate on Planhat data: terminal explorer, MCP server and scriptable CLI.",
        discussion: """
            With PLANHAT_API_TOKEN set (or a config profile), commands talk to your Planhat workspace.
            Without one they run on the embedded sandbox, an offline workspace seeded with demo data.
            Exit codes: 0 ok, 2 usage, 3 invalid parameters, 4 auth, 5 not found, 6 rate limited,
            7 server or network.
            """,
        version: PlanhatVersion.current,
        subcommands: [
            ModelsCommand.self, SchemaCommand.self, CallCommand.self, ExportCommand.self, DoctorCommand.self,
            SandboxCommand.self,
        ]
    )
}
