import ArgumentParser
import Foundation
import Logging
import PlanhatKit

#if canImport(Glibc)
    import Glibc
#endif

/// `planhat undo ENTRY`: takes a journaled write back, after showing exactly what will be sent.
struct UndoCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Take back a journaled write (see planhat history), after a preview.",
        discussion: """
            update → the old values of the fields it changed are put back; create → the record is deleted;
            delete → the record is created again from the journal (a new _id; externalId and sourceId kept);
            bulkUpsert → what it created is deleted and what it updated restored, in chunks.
            If the record changed since the entry, undo is refused with a three-way difference unless --force.
            The undo is journaled too, and can be undone.
            Examples: planhat undo 12      planhat undo 12 --yes      planhat undo 12 --yes --force
            """)

    @Argument(help: "The entry's number (#12 or 12), from planhat history.")
    var entry: String

    @Flag(name: .long, help: "Send without asking (the preview is printed all the same).")
    var yes = false

    @Flag(name: .long, help: "Undo even though the record changed since the entry (what changed is overwritten).")
    var force = false

    @Flag(name: .long, help: "Refuse to send anything (undo writes, so it is refused).")
    var readOnly = false

    @OptionGroup var backend: BackendOptions

    var logLevel: Logger.Level? { backend.logging.level }

    func run() async throws {
        let journaled = try JournalEntryArgument.load(entry, from: try JournalSetup.existing())
        let service = try backend.makeService(readOnly: readOnly, announceSandbox: false, face: .cli)
        let undo = JournalUndo(service: service)
        let plan = try await undo.plan(journaled)
        Console.out(plan.previewLines.joined(separator: "\n"))
        if !plan.conflicts.isEmpty {
            Console.out(plan.conflictLines.joined(separator: "\n"))
            if !force { throw PlanhatError(.conflict, message: "undo of entry #\(journaled.id) refused: the record changed since (--force to undo anyway)") }
        }
        guard !plan.steps.isEmpty else {
            Console.out("Nothing to undo.")
            return
        }
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                throw PlanhatError(.usage, message: "undo asks before it sends; add --yes to send without asking")
            }
            FileHandle.standardError.write(Data("Send it? [y/N] ".utf8))
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                Console.out("Nothing sent.")
                return
            }
        }
        let answers = try await undo.apply(plan, force: force)
        for (step, answer) in zip(plan.steps, answers) {
            switch step.kind {
            case .recreate:
                Console.out("Created again as \(answer["_id"]?.stringValue ?? "?") (it was \(step.recordID)).")
            case .delete:
                Console.out("Deleted \(step.recordID).")
            case .restore:
                Console.out("Restored \(step.recordID).")
            }
        }
        let entries = (try? JournalSetup.existing().entries(JournalQuery(limit: 50)))?.filter { $0.undoOf == journaled.id } ?? []
        let numbers = entries.reversed().map { "#\($0.id)" }.joined(separator: ", ")
        Console.out("Undone entry #\(journaled.id)" + (entries.isEmpty ? "." : " (journaled as \(numbers))."))
    }
}
