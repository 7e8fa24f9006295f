import ArgumentParser
import Foundation
import PlanhatJournal
import PlanhatKit

/// `planhat history`: the write journal, newest first; `planhat history show ENTRY`: one entry.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the writes every face made (the write journal), newest first.",
        discussion: """
            Examples:
              planhat history --since 2h
              planhat history --face mcp --client claude-ai --json
              planhat history show 12
            The journal is $XDG_STATE_HOME/planhat-explorer/journal.sqlite; planhat undo ENTRY takes a write back.
            """,
        subcommands: [HistoryList.self, HistoryShow.self],
        defaultSubcommand: HistoryList.self)
}

/// The entries, one line each (or NDJSON).
struct HistoryList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List journal entries, newest first (the default).")

    @Option(name: .long, help: ArgumentHelp("Only writes to this model (a route or name).", valueName: "model"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Only writes since: 30m, 2h, 7d, or a date such as 2026-12-01 (UTC).", valueName: "when"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only writes through this face: cli, mcp or explorer.", valueName: "face"))
    var face: String?

    @Option(name: .long, help: ArgumentHelp("Only writes by this MCP client (its name from initialize), or by this key of mcp --http --auth key.", valueName: "name"))
    var client: String?

    @Option(name: .long, help: ArgumentHelp("Only writes to this record (_id).", valueName: "id"))
    var record: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("At most this many entries.", valueName: "n"))
    var limit = "100"

    @Flag(name: .long, help: "Print each entry as a JSON line (NDJSON).")
    var json = false

    enum Rules {
        static let face = OptionRule<JournalFace>.oneOf("--face")
        static let since = OptionRule<Date>(option: "--since", expected: JournalText.sinceExpectation) { JournalText.since($0) }
        static let limit = OptionRule<Int>.wholeNumber("--limit", atLeast: 1)
    }

    func validate() throws {
        _ = try Rules.face.value(of: face)
        _ = try Rules.since.value(of: since)
        _ = try Rules.limit.value(of: limit)
    }

    func run() async throws {
        let route = try model.map { try Catalog.shared.model(named: $0).route }
        let query = JournalQuery(
            model: route, since: try Rules.since.value(of: since), face: try Rules.face.value(of: face), client: client, recordID: record,
            limit: try Rules.limit.value(of: limit) as Int)
        guard FileManager.default.fileExists(atPath: JournalSetup.path) else {
            if !json { Console.err("planhat: no writes journaled yet (\(JournalSetup.path))") }
            return
        }
        let entries = try JournalSetup.existing().entries(query)
        for entry in entries {
            Console.out(json ? entry.jsonValue.compactText() : JournalText.line(entry))
        }
        if entries.isEmpty && !json { Console.err("planhat: no journal entries match") }
    }
}

/// One entry in full, with its field diff.
struct HistoryShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one journal entry in full, with a field diff.")

    @Argument(help: "The entry's number (#12 or 12).")
    var entry: String

    @Flag(name: .long, help: "Print the entry as one JSON object.")
    var json = false

    func run() async throws {
        let found = try JournalEntryArgument.load(entry, from: try JournalSetup.existing())
        if json {
            Console.out(found.jsonValue.prettyText())
        } else {
            Console.out(JournalText.detail(found).joined(separator: "\n"))
        }
    }
}

/// An entry number as typed: `12` or `#12`.
enum JournalEntryArgument {
    static let rule = OptionRule<Int64>(option: "ENTRY", expected: "an entry number from planhat history, such as 12") { text in
        Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// The entry, or a not-found error naming it and the journal.
    static func load(_ text: String, from journal: any WriteJournal) throws -> JournalEntry {
        let id: Int64 = try rule.value(of: text)
        guard let entry = try journal.entry(id) else {
            throw PlanhatError(.notFound, message: "no entry #\(id) in the write journal \(JournalSetup.path)", details: ["planhat history lists the entries."])
        }
        return entry
    }
}
