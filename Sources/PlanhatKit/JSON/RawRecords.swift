import Foundation

/// The records of a JSON array answer kept as bytes, for readers that pass them through (an
/// export): splitting a page into records checks the JSON grammar and UTF-8 and drops the
/// whitespace between tokens, but builds no values. A record's fields are read only when asked
/// for (a filter check, a CSV cell), each from its own bytes.
public struct RawRecords: Sendable {
    /// The records' compact JSON, one after another.
    public private(set) var bytes: [UInt8]
    /// Where each record ends in `bytes`; each starts where the one before ends.
    public private(set) var ends: [Int]

    /// How many records there are.
    public var count: Int { ends.count }

    /// No records.
    public init() {
        bytes = []
        ends = []
    }

    /// The elements of a JSON array, compacted; `nil` when `data` is not one well-formed JSON array
    /// (then the caller parses it as before, and says what is wrong the way it always did).
    public init?(splitting data: Data) {
        guard let split = data.withUnsafeBytes({ raw -> (bytes: [UInt8], ends: [Int])? in
            var scanner = JSONCompactor(raw.bindMemory(to: UInt8.self))
            return scanner.splitArray()
        }) else { return nil }
        bytes = split.bytes
        ends = split.ends
    }

    /// Records as values: each written as compact JSON (for a backend that only answers values).
    public init(values: [JSONValue]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for value in values {
            bytes += value.compactText().utf8
            ends.append(bytes.count)
        }
        self.bytes = bytes
        self.ends = ends
    }

    /// Records given as compact JSON lines this program wrote itself (an export's spool): `bytes`
    /// and where each record ends, trusted to be well-formed.
    init(trustedCompact bytes: [UInt8], ends: [Int]) {
        self.bytes = bytes
        self.ends = ends
    }

    /// The bytes of record `index`.
    public func record(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    /// Record `index` as a value.
    public func value(_ index: Int) -> JSONValue {
        var reader = CompactJSONReader(bytes, range: span(index))
        return reader.value() ?? .null
    }

    /// The top-level members of record `index` named in `names` (all of them when `names` is nil);
    /// none when the record is not an object.
    public func members(_ index: Int, named names: Set<String>?) -> [String: JSONValue] {
        var reader = CompactJSONReader(bytes, range: span(index))
        return reader.members(named: names)
    }

    /// The top-level member names of record `index`, in the order written.
    public func keys(_ index: Int) -> [String] {
        var reader = CompactJSONReader(bytes, range: span(index))
        return reader.keys()
    }

    /// Only the records at `indexes` (ascending).
    public func keeping(_ indexes: [Int]) -> RawRecords {
        var kept = RawRecords()
        for index in indexes {
            kept.bytes += record(index)
            kept.ends.append(kept.bytes.count)
        }
        return kept
    }

    /// Where record `index` lies in `bytes`.
    func span(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }
}

/// Checks JSON text and copies it without the whitespace between tokens.
struct JSONCompactor {
    private let input: UnsafeBufferPointer<UInt8>
    private var at = 0
    private(set) var output: [UInt8] = []
    /// Deeper nesting than this is left to the full parser (and its error).
    static let depthLimit = 512

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        output.reserveCapacity(input.count)
    }

    /// `[v, v, …]`: each element compacted, and where each ends in the output.
    mutating func splitArray() -> (bytes: [UInt8], ends: [Int])? {
        skipSpace()
        guard take(UInt8(ascii: "[")) else { return nil }
        var ends: [Int] = []
        skipSpace()
        if !take(UInt8(ascii: "]")) {
            while true {
                skipSpace()
                guard value(depth: 1) else { return nil }
                ends.append(output.count)
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                break
            }
        }
        skipSpace()
        guard at == input.count else { return nil }
        return (output, ends)
    }

    private mutating func skipSpace() {
        while at < input.count {
            switch input[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return
            }
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < input.count, input[at] == byte else { return false }
        at += 1
        return true
    }

    private mutating func copy(_ byte: UInt8) {
        output.append(byte)
        at += 1
    }

    private mutating func value(depth: Int) -> Bool {
        guard at < input.count, depth <= Self.depthLimit else { return false }
        switch input[at] {
        case UInt8(ascii: "{"):
            copy(UInt8(ascii: "{"))
            skipSpace()
            if at < input.count, input[at] == UInt8(ascii: "}") {
                copy(UInt8(ascii: "}"))
                return true
            }
            while true {
                skipSpace()
                guard at < input.count, input[at] == UInt8(ascii: "\""), string() else { return false }
                skipSpace()
                guard at < input.count, input[at] == UInt8(ascii: ":") else { return false }
                copy(UInt8(ascii: ":"))
                skipSpace()
                guard value(depth: depth + 1) else { return false }
                skipSpace()
                guard at < input.count else { return false }
                if input[at] == UInt8(ascii: ",") {
                    copy(UInt8(ascii: ","))
                    continue
                }
                guard input[at] == UInt8(ascii: "}") else { return false }
                copy(UInt8(ascii: "}"))
                return true
            }
        case UInt8(ascii: "["):
            copy(UInt8(ascii: "["))
            skipSpace()
            if at < input.count, input[at] == UInt8(ascii: "]") {
                copy(UInt8(ascii: "]"))
                return true
            }
            while true {
                skipSpace()
                guard value(depth: depth + 1) else { return false }
                skipSpace()
                guard at < input.count else { return false }
                if input[at] == UInt8(ascii: ",") {
                    copy(UInt8(ascii: ","))
                    continue
                }
                guard input[at] == UInt8(ascii: "]") else { return false }
                copy(UInt8(ascii: "]"))
                return true
            }
        case UInt8(ascii: "\""):
            return string()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default:
            return number()
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard input.count - at >= count else { return false }
        for offset in 0..<count where input[at + offset] != word.utf8Start[offset] { return false }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[at..<(at + count)]))
        at += count
        return true
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() -> Bool {
        let start = at
        func digit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        if at < input.count, input[at] == UInt8(ascii: "-") { at += 1 }
        guard at < input.count, digit(input[at]) else { return false }
        if input[at] == 0x30 { at += 1 } else { while at < input.count, digit(input[at]) { at += 1 } }
        if at < input.count, input[at] == UInt8(ascii: ".") {
            at += 1
            guard at < input.count, digit(input[at]) else { return false }
            while at < input.count, digit(input[at]) { at += 1 }
        }
        if at < input.count, input[at] == UInt8(ascii: "e") || input[at] == UInt8(ascii: "E") {
            at += 1
            if at < input.count, input[at] == UInt8(ascii: "+") || input[at] == UInt8(ascii: "-") { at += 1 }
            guard at < input.count, digit(input[at]) else { return false }
            while at < input.count, digit(input[at]) { at += 1 }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<at]))
        return true
    }

    /// A string, copied as written: escapes checked (a surrogate escape must be a pair), no
    /// control characters, well-formed UTF-8.
    private mutating func string() -> Bool {
        let start = at
        at += 1
        func hex(_ byte: UInt8) -> UInt16? {
            switch byte {
            case 0x30...0x39: return UInt16(byte - 0x30)
            case 0x41...0x46: return UInt16(byte - 0x41 + 10)
            case 0x61...0x66: return UInt16(byte - 0x61 + 10)
            default: return nil
            }
        }
        func unit(_ from: Int) -> UInt16? {
            guard from + 4 <= input.count else { return nil }
            var value: UInt16 = 0
            for offset in 0..<4 {
                guard let digit = hex(input[from + offset]) else { return nil }
                value = value << 4 | digit
            }
            return value
        }
        while at < input.count {
            let byte = input[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<at]))
                return true
            }
            if byte < 0x20 { return false }
            if byte == UInt8(ascii: "\\") {
                guard at + 1 < input.count else { return false }
                switch input[at + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    at += 2
                case UInt8(ascii: "u"):
                    guard let code = unit(at + 2) else { return false }
                    at += 6
                    if code >= 0xD800 && code < 0xDC00 {
                        guard at + 1 < input.count, input[at] == UInt8(ascii: "\\"), input[at + 1] == UInt8(ascii: "u"),
                            let low = unit(at + 2), low >= 0xDC00 && low < 0xE000
                        else { return false }
                        at += 6
                    } else if code >= 0xDC00 && code < 0xE000 {
                        return false
                    }
                default:
                    return false
                }
                continue
            }
            if byte < 0x80 {
                at += 1
                continue
            }
            guard utf8Scalar() else { return false }
        }
        return false
    }

    /// One multi-byte UTF-8 sequence: no overlong forms, no surrogates, nothing past U+10FFFF.
    private mutating func utf8Scalar() -> Bool {
        let lead = input[at]
        let length: Int
        var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowest = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: length = 3
        case 0xED: length = 3; highest = 0x9F
        case 0xF0: length = 4; lowest = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; highest = 0x8F
        default: return false
        }
        guard at + length <= input.count else { return false }
        let second = input[at + 1]
        guard second >= lowest && second <= highest else { return false }
        for offset in 2..<max(2, length) where input[at + offset] & 0xC0 != 0x80 { return false }
        at += length
        return true
    }
}

/// Reads values out of compact JSON that ``JSONCompactor`` checked (or this program wrote): the
/// same values ``JSONValue/parse(_:)-(Data)`` gives, without Foundation.
struct CompactJSONReader {
    private let bytes: [UInt8]
    private var at: Int
    private let end: Int

    init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        at = range.lowerBound
        end = range.upperBound
    }

    /// The names of the object's members, in order (the reader moves past the object); none when
    /// it is not an object.
    mutating func keys() -> [String] {
        var names: [String] = []
        _ = eachMember { name, reader in
            names.append(name)
            reader.skip()
        }
        return names
    }

    /// The object's members named in `names` (all when nil), the last of a repeated name winning.
    mutating func members(named names: Set<String>?) -> [String: JSONValue] {
        var found: [String: JSONValue] = [:]
        _ = eachMember { name, reader in
            if names?.contains(name) ?? true, let value = reader.value() { found[name] = value } else { reader.skip() }
        }
        return found
    }

    /// Calls `body` at each member's value (which it must read or skip); false when not an object.
    private mutating func eachMember(_ body: (String, inout CompactJSONReader) -> Void) -> Bool {
        guard at < end, bytes[at] == UInt8(ascii: "{") else { return false }
        at += 1
        if at < end, bytes[at] == UInt8(ascii: "}") {
            at += 1
            return true
        }
        while at < end {
            guard let name = string() else { return false }
            at += 1  // :
            body(name, &self)
            guard at < end else { return false }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            at += 1  // }
            return true
        }
        return false
    }

    /// Moves past one value.
    mutating func skip() {
        var depth = 0
        while at < end {
            let byte = bytes[at]
            switch byte {
            case UInt8(ascii: "\""):
                at += 1
                while at < end, bytes[at] != UInt8(ascii: "\"") { at += bytes[at] == UInt8(ascii: "\\") ? 2 : 1 }
                at += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                at += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return }
                depth -= 1
                at += 1
            case UInt8(ascii: ","):
                if depth == 0 { return }
                at += 1
            default:
                at += 1
            }
            if depth == 0, byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { return }
        }
    }

    /// The value here.
    mutating func value() -> JSONValue? {
        guard at < end else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            var members: [String: JSONValue] = [:]
            var failed = false
            let isObject = eachMember { name, reader in
                if let value = reader.value() { members[name] = value } else { failed = true }
            }
            return isObject && !failed ? .object(members) : nil
        case UInt8(ascii: "["):
            at += 1
            var elements: [JSONValue] = []
            if at < end, bytes[at] == UInt8(ascii: "]") {
                at += 1
                return .array(elements)
            }
            while at < end {
                guard let element = value() else { return nil }
                elements.append(element)
                guard at < end else { return nil }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                at += 1  // ]
                return .array(elements)
            }
            return nil
        case UInt8(ascii: "\""):
            return string().map { .string($0) }
        case UInt8(ascii: "t"):
            at += 4
            return .bool(true)
        case UInt8(ascii: "f"):
            at += 5
            return .bool(false)
        case UInt8(ascii: "n"):
            at += 4
            return .null
        default:
            return number()
        }
    }

    /// A number as ``JSONValue/parse(_:)-(Data)`` reads it: whole numbers that fit are integers.
    private mutating func number() -> JSONValue? {
        let start = at
        var whole = true
        while at < end {
            let byte = bytes[at]
            if byte >= 0x30 && byte <= 0x39 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                at += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                whole = false
                at += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<at], as: UTF8.self)
        if whole, let integer = Int(text) { return .integer(integer) }
        guard let double = Double(text) else { return nil }
        if double.rounded() == double, let exact = Int(exactly: double) { return .integer(exact) }
        return .number(double)
    }

    /// A string's text, escapes decoded.
    private mutating func string() -> String? {
        guard at < end, bytes[at] == UInt8(ascii: "\"") else { return nil }
        at += 1
        let start = at
        while at < end, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
        guard at < end else { return nil }
        if bytes[at] == UInt8(ascii: "\"") {
            at += 1
            return String(decoding: bytes[start..<(at - 1)], as: UTF8.self)
        }
        var text = String(decoding: bytes[start..<at], as: UTF8.self)
        var pending: [UInt8] = []
        func flush() {
            if !pending.isEmpty {
                text += String(decoding: pending, as: UTF8.self)
                pending.removeAll(keepingCapacity: true)
            }
        }
        func unit(_ from: Int) -> UInt32? {
            guard from + 4 <= end else { return nil }
            return UInt32(String(decoding: bytes[from..<(from + 4)], as: UTF8.self), radix: 16)
        }
        while at < end {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                at += 1
                flush()
                return text
            }
            guard byte == UInt8(ascii: "\\") else {
                pending.append(byte)
                at += 1
                continue
            }
            guard at + 1 < end else { return nil }
            let escaped = bytes[at + 1]
            at += 2
            switch escaped {
            case UInt8(ascii: "n"): pending.append(0x0A)
            case UInt8(ascii: "t"): pending.append(0x09)
            case UInt8(ascii: "r"): pending.append(0x0D)
            case UInt8(ascii: "b"): pending.append(0x08)
            case UInt8(ascii: "f"): pending.append(0x0C)
            case UInt8(ascii: "u"):
                guard var code = unit(at) else { return nil }
                at += 4
                if code >= 0xD800 && code < 0xDC00 {
                    guard at + 6 <= end, let low = unit(at + 2) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    at += 6
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                flush()
                text.unicodeScalars.append(scalar)
            default: pending.append(escaped)
            }
        }
        return nil
    }
}
