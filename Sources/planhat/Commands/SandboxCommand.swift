import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatSandbox

/// `planhat sandbox …`: the embedded offline workspace.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Manage the embedded sandbox workspace.",
        subcommands: [Reset.self, Info.self, Serve.self])

    /// `planhat sandbox reset [--companies N]`
    struct Reset: ParsableCommand, ChoosesLogLevel {
        static let configuration = CommandConfiguration(
            abstract: "Replace the sandbox's data with freshly seeded demo data.")

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("How many companies to seed (their contacts, licenses and the rest follow).", valueName: "n"))
        var companies = String(DemoData.defaultCompanies)

        @OptionGroup var sandboxFile: SandboxPathOption

        @Flag(name: .long, help: SharedHelp.json)
        var json = false

        @OptionGroup var logging: LogLevelOption

        /// What `--companies` accepts.
        static let companiesRule = OptionRule<Int>.wholeNumber("--companies", in: 0...2_000_000)

        var logLevel: Logger.Level? { logging.level }

        func validate() throws {
            _ = try Self.companiesRule.value(of: companies)
        }

        func run() throws {
            let companies = try Self.companiesRule.value(of: self.companies)
            let path = sandboxFile.resolved
            let start = Date()
            let total: Int
            do {
                try DemoData(companies: companies).reset(fileAt: path)
                total = try SandboxStore(path: path).counts().values.reduce(0, +)
            } catch let error as PlanhatError {
                throw error
            } catch {
                throw PlanhatError(
                    status: 500, message: "cannot reset the sandbox at \(path): \(error)",
                    details: ["Choose another file with --sandbox-path / PLANHAT_SANDBOX_PATH."])
            }
            Console.err(String(format: "seeded %d companies (%d records) in %.1f s", companies, total, Date().timeIntervalSince(start)))
            Console.out(path)
        }
    }

    /// `planhat sandbox info`
    struct Info: ParsableCommand, ChoosesLogLevel {
        static let configuration = CommandConfiguration(abstract: "Show where the sandbox is and what it holds.")

        @OptionGroup var sandboxFile: SandboxPathOption

        @Flag(name: .long, help: SharedHelp.json)
        var json = false

        @OptionGroup var logging: LogLevelOption

        var logLevel: Logger.Level? { logging.level }

        func run() throws {
            let path = sandboxFile.resolved
            let backend = try SandboxBackend.open(path: path)
            let counts = try backend.store.counts()
            Console.out("sandbox: \(path)")
            Console.out(Console.table(["MODEL", "RECORDS"], counts.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
        }
    }

    /// `planhat sandbox serve`: the sandbox over HTTP as a local Planhat stand-in.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the sandbox over HTTP with Planhat's URL layout, for scripts and tests.",
            discussion: """
                Point any Planhat client at it: PLANHAT_API_URL=http://127.0.0.1:4010 PLANHAT_API_TOKEN=any planhat call companies list
                Fault injection: --faults FILE (a JSON list of rules) or POST /__control/faults, e.g.
                  {"path": "/companies", "method": "GET", "count": 2, "status": 429, "retryAfter": "1"}
                  {"path": "/companies", "method": "POST", "status": 500}
                  {"path": "/endusers", "delayMs": 3000}   {"path": "/companies", "drop": "after"}
                GET /__control/requests counts the requests served; DELETE clears faults or counts.
                """)

        @Option(name: .long, help: "The IPv4 address to listen on.")
        var host = "127.0.0.1"

        @Option(name: .long, help: "The port (0 picks a free one; the port is printed on stderr).")
        var port: UInt16 = 4010

        @Option(name: .long, help: ArgumentHelp("The Bearer token clients must send (default: any non-empty token).", valueName: "token"))
        var token: String?

        @Option(name: .long, help: ArgumentHelp("A JSON file of fault rules to serve first.", valueName: "file"))
        var faults: String?

        @OptionGroup var sandboxFile: SandboxPathOption

        func run() async throws {
            var rules: [FaultRule] = []
            if let faults {
                guard let data = FileManager.default.contents(atPath: faults) else {
                    throw PlanhatError.file("cannot read the faults file \(faults)")
                }
                do {
                    rules = try FaultRule.decodeList(data)
                } catch {
                    throw PlanhatError(.usage, message: "the faults file \(faults) is not a list of fault rules: \(error)")
                }
            }
            let path = sandboxFile.resolved
            let service = PlanhatService(backend: try SandboxBackend.open(path: path))
            let server = SandboxServer(service: service, token: token, host: host, port: port, faults: FaultInjector(rules: rules))
            let host = self.host
            let tokenNote = token == nil ? "any non-empty Bearer token" : "the Bearer token given with --token"
            try await server.run { bound in
                Console.err("planhat sandbox serve: listening on http://\(host):\(bound) (sandbox \(path); \(tokenNote))")
            }
        }
    }
}
