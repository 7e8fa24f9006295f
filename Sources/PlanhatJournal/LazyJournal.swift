import Foundation
import PlanhatKit

/// A ``SQLiteJournal`` opened on first use, so a session that only reads never touches the file.
public final class LazyJournal: WriteJournal, @unchecked Sendable {
    /// The file.
    public let path: String
    private let lock = NSLock()
    private var opened: SQLiteJournal?

    public init(path: String = SQLiteJournal.standardPath()) {
        self.path = path
    }

    /// The journal, opened now if it was not yet.
    public func journal() throws -> SQLiteJournal {
        try lock.withLock {
            if let opened { return opened }
            let journal = try SQLiteJournal(path: path)
            opened = journal
            return journal
        }
    }

    public func record(_ entry: JournalEntry) throws -> Int64 { try journal().record(entry) }
    public func complete(_ id: Int64, _ completion: JournalCompletion) throws { try journal().complete(id, completion) }
    public func entries(_ query: JournalQuery) throws -> [JournalEntry] { try journal().entries(query) }
    public func entry(_ id: Int64) throws -> JournalEntry? { try journal().entry(id) }
}
