import ArgumentParser
import Explorer
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat views`: the saved views (the file's, and on the sandbox the built-in ones).
struct ViewsCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "views",
        abstract: "List the saved views ($XDG_CONFIG_HOME/planhat-explorer/views.yaml; the sandbox has three built in).",
        discussion: "Run one with: planhat view run NAME [--format table|csv|json|ndjson]")

    @OptionGroup var backend: BackendOptions

    var logLevel: Logger.Level? { backend.logging.level }

    func run() async throws {
        let service = try backend.makeService(readOnly: true, announceSandbox: false)
        let views = try SavedViews.all(store: SavedViewsFile.standard(catalog: service.catalog), sandbox: service.backend.info.kind == .sandbox)
        let rows = views.map { view in
            [view.name, view.model, view.title ?? "", view.builtIn ? "built in" : "views.yaml"]
        }
        Console.out(Console.table(["NAME", "MODEL", "TITLE", "FROM"], rows))
    }
}

/// `planhat view run NAME`: a saved view's records with its columns.
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view", abstract: "Run a saved view.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand, ChoosesLogLevel {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Print the records of a saved view with its columns (the same records the explorer shows for it).",
            discussion: "Example: planhat view run renewals-90d --format csv")

        @Argument(help: "The view's name (planhat views lists them).")
        var name: String

        @Option(name: .long, help: ArgumentHelp("table (default), csv, json or ndjson.", valueName: "format"))
        var format = "table"

        @Option(name: .long, help: ArgumentHelp("At most this many records (default 10 000).", valueName: "n"))
        var max: Int?

        @OptionGroup var backend: BackendOptions

        var logLevel: Logger.Level? { backend.logging.level }

        static let formats = ["table"] + RecordFormat.allCases.map(\.rawValue)

        func validate() throws {
            guard Self.formats.contains(format) else {
                throw OptionRefusal(option: "--format", value: format, expected: Self.formats.joined(separator: ", "), reason: "unknown format").error
            }
            if let max, max < 1 {
                throw OptionRefusal(option: "--max", value: String(max), expected: "a whole number of at least 1", reason: "too small").error
            }
        }

        func run() async throws {
            let service = try backend.makeService(readOnly: true, announceSandbox: false)
            let views = try SavedViews.all(store: SavedViewsFile.standard(catalog: service.catalog), sandbox: service.backend.info.kind == .sandbox)
            let view = try SavedViews.named(name, in: views)
            let result = try await SavedViewRunner.run(view, service: service, max: max ?? 10_000)
            let columns = view.columns.filter { $0 != "_id" } + ["_id"]
            if let recordFormat = RecordFormat(rawValue: format) {
                let writer = try RecordWriter(output: FileHandle.standardOutput, format: recordFormat, columns: recordFormat == .csv ? columns : nil)
                try writer.write(result.records)
                try writer.finish()
            } else if let model = service.catalog.model(route: view.model) {
                let rows = result.records.map { record in columns.map { CellText.of(SavedView.value(of: $0, in: record), field: $0, in: model) } }
                Console.out(Console.table(columns.map { ExplorerView.columnTitle($0) }, rows))
            }
            Console.err("\(view.name): \(result.records.count) of \(result.scanned) \(view.model) read" + (result.truncated ? " (stopped at the limit)" : ""))
        }
    }
}
