import ArgumentParser
import Foundation
import PlanhatKit
import PlanhatSandbox

/// `planhat sandbox …`: the embedded offline workspace.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Manage the embedded sandbox workspace.",
        subcommands: [Reset.self, Info.self])

    /// `planhat sandbox reset [--companies N]`
    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the sandbox's data with freshly seeded demo data.")

        @Option(name: .long, help: "How many companies to seed (their contacts, licenses and the rest follow).")
        var companies = DemoData.defaultCompanies

        @Option(name: .long, help: ArgumentHelp("The sandbox file.", valueName: "path"))
        var sandboxPath: String?

        func validate() throws {
            guard (0...2_000_000).contains(companies) else {
                throw ValidationError("--companies must be from 0 to 2000000, got \(companies)")
            }
        }

        func run() throws {
            let path = SandboxLocation.resolve(explicit: sandboxPath)
            let start = Date()
            let store = try SandboxStore(path: path)
            try DemoData(companies: companies).seed(into: store)
            let total = try store.counts().values.reduce(0, +)
            Console.err(String(format: "seeded %d companies (%d records) in %.1f s", companies, total, Date().timeIntervalSince(start)))
            Console.out(path)
        }
    }

    /// `planhat sandbox info`
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where the sandbox is and what it holds.")

        @Option(name: .long, help: ArgumentHelp("The sandbox file.", valueName: "path"))
        var sandboxPath: String?

        func run() throws {
            let path = SandboxLocation.resolve(explicit: sandboxPath)
            let backend = try SandboxBackend.open(path: path)
            let counts = try backend.store.counts()
            Console.out("sandbox: \(path)")
            Console.out(Console.table(["MODEL", "RECORDS"], counts.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }))
        }
    }
}
