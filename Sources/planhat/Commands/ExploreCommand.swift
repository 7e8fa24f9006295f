import ArgumentParser
import Explorer
import Foundation
import PlanhatKit
import TerminalUI

/// `planhat` (or `planhat explore`): the full-screen terminal explorer.
struct ExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the terminal explorer (what planhat does with no subcommand).",
        discussion: "Keys: arrows or h j k l, Enter opens, Esc goes back, / filters, : jumps to a model, ? lists the keys of the screen, q quits.")

    @Option(name: .long, help: ArgumentHelp("A built-in theme (default, light, high-contrast) or a theme YAML file (default $PLANHAT_THEME or default).", valueName: "name|path"))
    var theme: String?

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var backend: BackendOptions

    func run() async throws {
        let theme: Theme
        do {
            theme = try Theme.named(self.theme ?? ProcessInfo.processInfo.environment["PLANHAT_THEME"] ?? "default")
        } catch let error as ThemeError {
            Console.err("planhat: \(error)")
            throw ExitCode(ExitStatus.usage)
        }
        // The explorer keeps the rows it shows itself: small SQLite page caches, and one malloc arena
        // (it makes one call at a time), keep 100 000 loaded rows near 75 MB.
        _ = glibcMallopt(glibcArenaMax, 1)
        let service = try backend.makeService(catalog: try scope.catalog(), readOnly: scope.readOnly, announceSandbox: false, sandboxPageCacheKiB: 1024)
        let app = ExplorerApp(context: ExplorerContext(service: service, drafts: DraftStore.standard()), theme: theme)
        let outcome: Result<Void, TerminalUnavailable> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do {
                    let driver = try NCursesDriver()
                    app.run(driver: driver)
                    continuation.resume(returning: .success(()))
                } catch let error as TerminalUnavailable {
                    continuation.resume(returning: .failure(error))
                } catch {
                    continuation.resume(returning: .failure(TerminalUnavailable(description: "\(error)")))
                }
            }
            thread.name = "planhat-explorer-ui"
            thread.stackSize = 8 << 20
            thread.start()
        }
        if case .failure(let error) = outcome {
            Console.err("planhat: \(error.description)")
            throw ExitCode(ExitStatus.usage)
        }
    }
}

/// glibc's `mallopt` and `M_ARENA_MAX` (malloc.h is not part of the Glibc module).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcArenaMax: Int32 = -8
