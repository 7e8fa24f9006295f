import Foundation
import PlanhatKit
import TerminalUI

/// A one-line summary of a JSON value for table cells.
public enum CellText {
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
        let digits = String(abs(number))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return number < 0 ? "-" + result : result
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

    /// The pretty-printed lines of `value`, each a list of spans.
    public static func render(_ value: JSONValue) -> [[Span]] {
        var lines: [[Span]] = []
        append(value, indent: 0, prefix: [], suffix: "", into: &lines)
        return lines
    }

    private static func append(_ value: JSONValue, indent: Int, prefix: [Span], suffix: String, into lines: inout [[Span]]) {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            lines.append(prefix + [Span(text: "{", slot: .text)])
            let keys = members.keys.sorted()
            for (index, key) in keys.enumerated() {
                let keySpan = [Span(text: pad + "  ", slot: .text), Span(text: JSONValue.string(key).compactText(), slot: .jsonKey), Span(text: ": ", slot: .text)]
                append(members[key] ?? .null, indent: indent + 1, prefix: keySpan, suffix: index < keys.count - 1 ? "," : "", into: &lines)
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

