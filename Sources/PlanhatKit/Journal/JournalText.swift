import Foundation

/// How journal entries read for people, the same in every face.
public enum JournalText {
    /// One line: `#12  2026-12-02 01:02:03Z  mcp (claude)  update companies 65f…  done`.
    public static func line(_ entry: JournalEntry) -> String {
        var text = "#\(entry.id)  \(shortTime(entry.time))  \(entry.who)  \(entry.operation.rawValue) \(entry.model) \(entry.recordLabel)  \(entry.outcome.words)"
        if let undoOf = entry.undoOf { text += "  (undo of #\(undoOf))" }
        return text
    }

    /// The whole entry, then its field diff.
    public static func detail(_ entry: JournalEntry) -> [String] {
        var lines = ["Entry #\(entry.id)"]
        lines.append("  when      \(JournalEntry.timeText(entry.time))")
        lines.append("  who       \(entry.who) (pid \(entry.pid))")
        lines.append("  where     \(entry.backend) \(entry.target)" + (entry.profile.map { " (profile \($0))" } ?? ""))
        lines.append("  what      \(entry.operation.rawValue) \(entry.model) \(entry.recordLabel)")
        lines.append("  request   \(entry.method) \(entry.path)")
        if let undoOf = entry.undoOf { lines.append("  undoes    entry #\(undoOf)") }
        var outcome = "  outcome   \(entry.outcome.words)"
        if let completion = entry.completion {
            outcome += (completion.status.map { " (\($0))" } ?? "") + " at \(JournalEntry.timeText(completion.time))"
        } else {
            outcome += ": no answer was recorded; it may or may not have been applied"
        }
        lines.append(outcome)
        if let error = entry.completion?.error { lines.append("  error     \(error)") }
        if let body = entry.body { lines.append("  sent      \(body.compactText())") }
        if let note = entry.beforeNote { lines.append("  before    \(note)") }
        let diffs = JournalDiff.changes(of: entry)
        lines.append("Changes:")
        if diffs.allSatisfy({ $0.changes.isEmpty }) { lines.append("  (no field changed)") }
        for (record, changes) in diffs where !changes.isEmpty {
            if diffs.count > 1 || entry.operation == .bulkUpsert { lines.append("  \(record)") }
            lines += changes.map { "    " + $0.line }
        }
        return lines
    }

    /// `2026-12-02 01:02:03Z`.
    public static func shortTime(_ date: Date) -> String {
        let text = JournalEntry.timeText(date)
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ") + "Z"
    }

    /// The start of `--since`: `2h`, `30m`, `7d`, `45s` before `now`, or a date (`2026-12-01`, UTC)
    /// or date-time (`2026-12-01T10:00:00Z`). Nil for anything else.
    public static func since(_ text: String, now: Date = Date()) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let amount = Double(trimmed.dropLast()), amount >= 0 {
            let seconds: Double? = switch unit {
            case "s": 1
            case "m": 60
            case "h": 3600
            case "d": 86400
            case "w": 604_800
            default: nil
            }
            if let seconds { return now.addingTimeInterval(-amount * seconds) }
        }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle().year().month().day()) { return date }
        return nil
    }

    /// What `--since` accepts, in words.
    public static let sinceExpectation = "a duration such as 30m, 2h or 7d, or a date such as 2026-12-01 (UTC)"
}
