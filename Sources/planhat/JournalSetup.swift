import Foundation
import PlanhatJournal
import PlanhatKit
import PlanhatRemote

/// The write journal every face records into: one file, opened on the first write.
enum JournalSetup {
    /// The journal's file (`$XDG_STATE_HOME/planhat-explorer/journal.sqlite`).
    static var path: String { SQLiteJournal.standardPath() }

    /// The recorder for `face`, or nil when the settings say `journal: off`.
    static func recorder(face: JournalFace, settings: Settings) -> JournalRecorder? {
        guard settings.journalMode != .off else { return nil }
        return JournalRecorder(journal: LazyJournal(path: path), mode: settings.journalMode, face: face)
    }

    /// The journal for reading (`history`, `undo`), refusing to make one that does not exist.
    ///
    /// - Throws: ``PlanhatError`` when there is no journal yet or it cannot be opened.
    static func existing() throws -> SQLiteJournal {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PlanhatError(.notFound, message: "no write journal yet at \(path)", details: ["Writes are journaled there once one is made (journal: full or light)."])
        }
        return try SQLiteJournal(path: path)
    }
}
