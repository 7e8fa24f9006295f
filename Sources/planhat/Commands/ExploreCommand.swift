import ArgumentParser
import CSupport
import Explorer
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote
import TerminalCurses
import TerminalUI

/// `planhat` (or `planhat explore`): the full-screen terminal explorer.
struct ExploreCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Open the terminal explorer (what planhat does with no subcommand).",
        discussion: "Keys: arrows or h j k l, Enter opens, Esc goes back, / filters, : jumps to a model, ? lists the keys of the screen, q quits.")

    @Option(name: .long, help: ArgumentHelp("A built-in theme (default, light, high-contrast) or a theme YAML file (default $PLANHAT_THEME or default).", valueName: "name|path"))
    var theme: String?

    @Flag(name: .long, help: "Do not read the mouse (clicks, the wheel): the terminal keeps its own text selection.")
    var noMouse = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var backend: BackendOptions

    func run() async throws {
        // validate() refused a theme that does not load.
        let theme = (try? Self.loadTheme(themeChoice)) ?? Theme.fallback
        // The explorer keeps the rows it shows itself: small SQLite page caches, and one malloc arena
        // (it makes one call at a time), keep 100 000 loaded rows near 75 MB.
        _ = csupport_set_malloc_arena_max(1)
        let service = try backend.makeService(
            catalog: try scope.catalog(), readOnly: scope.readOnly, announceSandbox: false, sandboxPageCacheKiB: 1024, face: .explorer)
        let settings = try? backend.settings()
        let context = ExplorerContext(
            service: service, drafts: DraftStore.standard(backend: service.backend.info), columns: ColumnStore.standard(backend: service.backend.info),
            views: SavedViewsFile.standard(catalog: service.catalog), webLinks: WebLinks(pattern: settings?.webURL, tenant: settings?.tenantSlug))
        let app = ExplorerApp(context: context, theme: theme)
        let mouse = !noMouse
        let outcome: Result<Void, TerminalUnavailable> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do {
                    let driver = try NCursesDriver(mouse: mouse)
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

    var logLevel: Logger.Level? { backend.logging.level }

    func validate() throws {
        _ = try Self.loadTheme(themeChoice)
    }

    /// The theme asked for and where: `--theme`, else `PLANHAT_THEME`, else the default.
    private var themeChoice: (source: String, name: String) {
        if let theme { return ("--theme", theme) }
        if let name = ProcessInfo.processInfo.environment["PLANHAT_THEME"], !name.isEmpty { return ("PLANHAT_THEME", name) }
        return ("--theme", "default")
    }

    /// Where themes named without a path are looked for first: the user's
    /// (`$XDG_CONFIG_HOME/planhat-explorer/themes`), then the installed ones beside the binary
    /// (`<prefix>/share/planhat-explorer/themes`, what `make install` puts there).
    static var themeFolders: [String] {
        let binary = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath()
        let installed = binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/planhat-explorer/themes").path
        return [UserDirectories().config("themes"), installed]
    }

    /// The theme, or a usage error naming where the choice came from and what is allowed.
    private static func loadTheme(_ choice: (source: String, name: String)) throws -> Theme {
        do {
            return try Theme.named(choice.name, folders: themeFolders)
        } catch let error as ThemeError {
            throw OptionRefusal(
                option: choice.source, value: choice.name,
                expected: "a built-in theme (default, light, high-contrast) or a theme YAML file", reason: error.description
            ).error
        }
    }
}
