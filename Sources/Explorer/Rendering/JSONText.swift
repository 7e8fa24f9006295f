import Foundation
import PlanhatKit
import TerminalUI

/// A one-line summary of a JSON value for table cells.
public enum CellText {
    /// A value as its field is read: day numbers as dates, instants as `YYYY-MM-DD HH:MM` (UTC),
    /// identifiers (invoice numbers, ids, codes, years) as plain digits, other numbers grouped.
    public static func of(_ value: JSONValue?, field name: String, in model: ModelDefinition) -> String {
        let field = model.field(named: name)
        switch value {
        case .integer(let number)? where field?.isDayNumber == true:
            return CivilDate(dayNumber: number).iso
        case .number(let number)? where field?.isDayNumber == true && number.rounded() == number && abs(number) < 1e9:
            return CivilDate(dayNumber: Int(number)).iso
        case .string(let text)? where ["date-time", "iso-date-time", "iso-date"].contains(field?.format):
            return instant(text)
        case let value? where name.hasSuffix("DaysFromNow") && value.doubleValue != nil:
            return relativeDays(Int((value.doubleValue ?? 0).rounded()))
        case .integer(let number)? where isIdentifier(name, field):
            return String(number)
        case .number(let number)? where isIdentifier(name, field) && number.rounded() == number && abs(number) < 1e15:
            return String(Int(number))
        default:
            return of(value)
        }
    }

    /// `in 14 days`, `tomorrow`, `today`, `yesterday`, `3 days ago` (a renewal's days from now).
    static func relativeDays(_ days: Int) -> String {
        switch days {
        case 0: return "today"
        case 1: return "tomorrow"
        case -1: return "yesterday"
        case let days where days > 0: return "in \(grouped(days)) days"
        default: return "\(grouped(-days)) days ago"
        }
    }

    /// Whether a field holds a number that names something (an invoice number, a code, a year)
    /// rather than an amount: it is never grouped by thousands.
    static func isIdentifier(_ name: String, _ field: FieldDefinition?) -> Bool {
        if field?.format == "planhat-id" { return true }
        let suffixes = ["No", "Number", "Id", "ID", "Code", "Year", "Zip"]
        let exact: Set<String> = ["id", "no", "number", "code", "year", "zip", "externalId", "sourceId", "extId"]
        return exact.contains(name) || suffixes.contains { name.hasSuffix($0) && name.count > $0.count }
    }

    /// `2026-11-29T09:30:00.000Z` → `2026-11-29 09:30`; anything else as it is.
    static func instant(_ text: String) -> String {
        guard text.count >= 16, FormatCheckText.isInstant(text) else { return text }
        let characters = Array(text)
        let seconds = text.count >= 19 ? String(characters[16..<19]) : ""
        let minute = String(characters[0..<10]) + " " + String(characters[11..<16])
        return seconds == ":00" || seconds.isEmpty ? minute : minute + seconds
    }

    public static func of(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let text)?: return text
        case .integer(let number)?: return Self.grouped(number)
        case .number(let number)?:
            if number.rounded() == number && abs(number) < 1e15 { return Self.grouped(Int(number)) }
            let cents = Int((abs(number) * 100).rounded())
            let fraction = cents % 100
            return (number < 0 ? "-" : "") + Self.grouped(cents / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
        case .bool(let flag)?: return flag ? "yes" : "no"
        case .array(let items)?: return items.map { of($0) }.joined(separator: ", ")
        case let value?: return value.compactText()
        }
    }

    /// `1234567` → `1,234,567`.
    public static func grouped(_ number: Int) -> String {
        English.number(number)
    }
}

/// JSON as coloured lines for the record viewer.
public enum JSONLines {
    /// A styled span of a line.
    public struct Span: Hashable, Sendable {
        public var text: String
        public var slot: Slot

        public init(text: String, slot: Slot) {
            self.text = text
            self.slot = slot
        }
    }

    /// The pretty-printed lines of `value`, each a list of spans. `note` may add a muted remark
    /// after a top-level member's value (a day number's date).
    public static func render(_ value: JSONValue, note: (String, JSONValue) -> String? = { _, _ in nil }) -> [[Span]] {
        var lines: [[Span]] = []
        append(value, indent: 0, prefix: [], suffix: "", note: note, into: &lines)
        return lines
    }

    /// A record's lines, its day numbers followed by the date they stand for.
    /// A record's lines, its day numbers followed by the date they stand for and its references by
    /// the names of the records they point to (those `names` knows).
    public static func render(record: JSONValue, of model: ModelDefinition, names: ReferenceNames = ReferenceNames()) -> [[Span]] {
        render(record) { key, value in
            if let route = ReferenceFields.route(of: key, in: model) { return ReferenceFields.readable(value, route: route, names: names) }
            guard model.field(named: key)?.isDayNumber == true, let day = value.intValue else { return nil }
            return CivilDate(dayNumber: day).iso
        }
    }

    private static func append(
        _ value: JSONValue, indent: Int, prefix: [Span], suffix: String, note: (String, JSONValue) -> String? = { _, _ in nil }, into lines: inout [[Span]]
    ) {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            lines.append(prefix + [Span(text: "{", slot: .text)])
            let keys = members.keys.sorted()
            for (index, key) in keys.enumerated() {
                let keySpan = [Span(text: pad + "  ", slot: .text), Span(text: JSONValue.string(key).compactText(), slot: .jsonKey), Span(text: ": ", slot: .text)]
                let member = members[key] ?? .null
                append(member, indent: indent + 1, prefix: keySpan, suffix: index < keys.count - 1 ? "," : "", into: &lines)
                if indent == 0, let remark = note(key, member), var last = lines.popLast() {
                    last.append(Span(text: "  (\(remark))", slot: .muted))
                    lines.append(last)
                }
            }
            lines.append([Span(text: pad + "}" + suffix, slot: .text)])
        case .array(let elements) where !elements.isEmpty:
            lines.append(prefix + [Span(text: "[", slot: .text)])
            for (index, element) in elements.enumerated() {
                append(element, indent: indent + 1, prefix: [Span(text: pad + "  ", slot: .text)], suffix: index < elements.count - 1 ? "," : "", into: &lines)
            }
            lines.append([Span(text: pad + "]" + suffix, slot: .text)])
        default:
            lines.append(prefix + [Span(text: value.compactText(), slot: slot(of: value)), Span(text: suffix, slot: .text)])
        }
    }

    private static func slot(of value: JSONValue) -> Slot {
        switch value {
        case .string: return .jsonString
        case .integer, .number: return .jsonNumber
        case .bool: return .jsonBool
        case .null: return .jsonNull
        default: return .text
        }
    }
}


/// The shape of ISO instants, as the table shows them.
enum FormatCheckText {
    /// `YYYY-MM-DDTHH:MM…` (a `T` or a space between date and time).
    static func isInstant(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(16))
        guard bytes.count == 16 else { return false }
        let digits: Set<Int> = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 4, 7: if byte != UInt8(ascii: "-") { return false }
            case 10: if byte != UInt8(ascii: "T") && byte != UInt8(ascii: " ") { return false }
            case 13: if byte != UInt8(ascii: ":") { return false }
            default: if digits.contains(index), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { return false }
            }
        }
        return true
    }
}
