import ArgumentParser
import Foundation
import PlanhatKit
import PlanhatSandbox

/// Options every command that reaches Planhat shares: which backend, and how errors are printed.
struct BackendOptions: ParsableArguments {
    @Flag(name: .long, help: "Use the embedded sandbox, whatever token is configured.")
    var sandbox = false

    @Option(name: .long, help: ArgumentHelp("The sandbox file (default $PLANHAT_SANDBOX_PATH or ~/.local/share/planhat-explorer/sandbox.sqlite).", valueName: "path"))
    var sandboxPath: String?

    @Flag(name: .long, help: "Print errors as a one-line JSON envelope on stderr.")
    var json = false

    /// The sandbox file these options point at.
    var resolvedSandboxPath: String {
        SandboxLocation.resolve(explicit: sandboxPath)
    }

    /// The service over the backend the options and environment select.
    ///
    /// - Parameter announceSandbox: say on stderr when the sandbox is used because no token is set.
    func makeService(readOnly: Bool = false, announceSandbox: Bool = true) throws -> PlanhatService {
        let environment = ProcessInfo.processInfo.environment
        let token = environment["PLANHAT_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if !sandbox, token != nil {
            throw PlanhatError(
                status: 501,
                message: "PLANHAT_API_TOKEN is set, but this build has no remote Planhat client yet",
                details: ["Add --sandbox to work on the offline sandbox."])
        }
        let path = resolvedSandboxPath
        if !sandbox && announceSandbox {
            Console.err("planhat: no PLANHAT_API_TOKEN configured; using the offline sandbox at \(path)")
        }
        return PlanhatService(backend: try SandboxBackend.open(path: path), readOnly: readOnly)
    }
}
