import ArgumentParser
import Foundation

/// A refused option value, worded the way the rest of the program words a bad field:
/// `--max: -1 is not allowed; expected a whole number of at least 1`.
struct OptionRefusal: CustomStringConvertible, Sendable {
    /// The option's spelling: `--max`.
    var option: String
    /// The text that was given.
    var value: String
    /// What the option accepts, in words.
    var expected: String
    /// Why this value in particular fails, when "is not allowed" does not say enough.
    var reason: String?

    var description: String {
        let shown = value.isEmpty ? "''" : value
        let refusal: String
        if value.hasPrefix("--") {
            // `.unconditional` options read the next word even when it is an option: say what happened.
            refusal = "\(option): missing value before \(value); expected \(expected)"
        } else {
            refusal = "\(option): \(shown) is not allowed; expected \(expected)"
        }
        return reason.map { "\(refusal) (\($0))" } ?? refusal
    }

    /// The refusal as the error `validate()` throws: argument-parser reports it with the command's
    /// usage and the program exits with status 2.
    var error: ValidationError {
        ValidationError(description)
    }
}

/// What one option accepts. Options keep the text the user typed and `validate()` reads it
/// through a rule, so a bad value is refused naming the option, the value and what is allowed,
/// instead of argument-parser's "Missing value" for `-1` or a bare "is invalid".
struct OptionRule<Value: Sendable>: Sendable {
    /// The option's spelling: `--max`.
    let option: String
    /// What it accepts, in words: `a whole number of at least 1`.
    let expected: String
    /// The value the text stands for, or nil when it is not allowed.
    private let read: @Sendable (String) -> Value?

    init(option: String, expected: String, read: @escaping @Sendable (String) -> Value?) {
        self.option = option
        self.expected = expected
        self.read = read
    }

    /// The value `text` stands for.
    ///
    /// - Throws: a `ValidationError` naming the option, the text and what is allowed.
    func value(of text: String) throws -> Value {
        guard let value = read(text) else {
            throw OptionRefusal(option: option, value: text, expected: expected).error
        }
        return value
    }

    /// The value of an option that may be absent.
    func value(of text: String?) throws -> Value? {
        try text.map { try value(of: $0) }
    }
}

extension OptionRule where Value == Int {
    /// A whole number in `range`.
    static func wholeNumber(_ option: String, in range: ClosedRange<Int>) -> OptionRule {
        OptionRule(option: option, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)") { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A whole number of at least `minimum`.
    static func wholeNumber(_ option: String, atLeast minimum: Int) -> OptionRule {
        OptionRule(option: option, expected: "a whole number of at least \(minimum)") { text in
            Int(text).flatMap { $0 >= minimum ? $0 : nil }
        }
    }
}

extension OptionRule where Value == Double {
    /// A finite number of seconds, more than zero or (with `allowingZero`) zero or more.
    static func seconds(_ option: String, allowingZero: Bool = false) -> OptionRule {
        let expected = allowingZero ? "a number of seconds, 0 or more" : "a number of seconds greater than 0"
        return OptionRule(option: option, expected: expected) { text in
            Double(text).flatMap { $0.isFinite && ($0 > 0 || (allowingZero && $0 == 0)) ? $0 : nil }
        }
    }
}

extension OptionRule where Value == String {
    /// One of `choices`, spelled exactly.
    static func oneOf(_ option: String, _ choices: [String]) -> OptionRule {
        OptionRule(option: option, expected: "one of " + choices.joined(separator: ", ")) { text in
            choices.contains(text) ? text : nil
        }
    }
}

extension OptionRule where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enumeration's cases, by raw value; `caseInsensitive` also takes `DEBUG` for `debug`.
    static func oneOf(_ option: String, _ type: Value.Type = Value.self, caseInsensitive: Bool = false) -> OptionRule {
        let names = Value.allCases.map(\.rawValue)
        return OptionRule(option: option, expected: "one of " + names.joined(separator: ", ")) { text in
            Value(rawValue: caseInsensitive ? text.lowercased() : text)
        }
    }
}
