import Foundation

/// A JSON document: the parameters sent to Planhat and the records it answers with.
///
/// Integers and fractional numbers are kept apart so that an `arr` of `120000` prints as `120000`,
/// never `120000.0`, and a `limit` of `2.5` can be rejected as "not an integer".
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

// MARK: - Accessors

extension JSONValue {
    /// The object's members, or `nil` when this is not an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The array's elements, or `nil` when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The string, or `nil` when this is not a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number as a `Double`, for integers and fractional numbers alike.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// The number as an `Int`, when it is integral.
    public var intValue: Int? {
        switch self {
        case .integer(let value): return value
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15: return Int(value)
        default: return nil
        }
    }

    /// The Boolean, or `nil` when this is not a Boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The JSON type name used in messages and JSON Schema: `object`, `array`, `string`, `integer`,
    /// `number`, `boolean` or `null`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer: return "integer"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// A short rendering for error messages: strings quoted, long values cut at `limit` characters.
    public func preview(limit: Int = 60) -> String {
        let text = compactText()
        if text.count <= limit { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: - Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

// MARK: - Text

extension JSONValue {
    /// Parses JSON text. Throws ``JSONParseError`` with the parser's explanation on bad input.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Parses JSON bytes. Throws ``JSONParseError`` with the parser's explanation on bad input.
    ///
    /// JSONSerialization does the parsing (several times faster than decoding this enum through
    /// `Codable`); its booleans are told from numbers by their type encoding.
    public static func parse(_ data: Data) throws -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let said = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw JSONParseError(reason: JSONParseError.explain(said, in: data))
        }
        guard let value = JSONValue(foundation: object) else {
            throw JSONParseError(reason: "unsupported value of type \(type(of: object))")
        }
        return value
    }

    /// A value from JSONSerialization's output.
    ///
    /// Containers and strings are tested first: testing a Swift dictionary or array held in `Any`
    /// against a class (`NSNumber`, `NSNull`) bridges it to Foundation first, which made this
    /// conversion cost more than the parse itself.
    init?(foundation object: Any) {
        switch object {
        case let members as [String: Any]:
            var values: [String: JSONValue] = [:]
            values.reserveCapacity(members.count)
            for (key, member) in members {
                guard let value = JSONValue(foundation: member) else { return nil }
                values[key] = value
            }
            self = .object(values)
        case let elements as [Any]:
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                guard let value = JSONValue(foundation: element) else { return nil }
                values.append(value)
            }
            self = .array(values)
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": self = .bool(number.boolValue)
            case "f", "d":
                // JSONSerialization reads some integers (Int.min among them) as doubles: keep them integers.
                let value = number.doubleValue
                if value.rounded() == value, let exact = Int(exactly: value) { self = .integer(exact) } else { self = .number(value) }
            case "Q" where number.uint64Value > UInt64(Int.max): self = .number(number.doubleValue)
            default: self = .integer(number.intValue)
            }
        case is NSNull:
            self = .null
        default:
            return nil
        }
    }

    /// One-line JSON with sorted keys: the form sent over MCP and HTTP.
    public func compactText() -> String {
        var writer = JSONWriter(pretty: false)
        writer.write(self)
        return writer.output
    }

    /// One-line JSON bytes with sorted keys.
    public func compactData() -> Data {
        Data(compactText().utf8)
    }

    /// Indented JSON with sorted keys: the form printed for people.
    public func prettyText() -> String {
        var writer = JSONWriter(pretty: true)
        writer.write(self)
        return writer.output
    }
}

/// JSON text that could not be parsed.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What the parser found wrong, in its words.
    public var reason: String

    public var description: String { "invalid JSON: \(reason)" }

    public init(reason: String) {
        self.reason = reason
    }

    /// The parser's words made plain: an invalid UTF-8 byte with its offset, a number too large
    /// with the range allowed; anything else as the parser said it.
    static func explain(_ said: String, in data: Data) -> String {
        if let offset = UTF8Check.firstInvalidByte(in: data) {
            return "the text is not valid UTF-8: byte \(offset) (0x\(String(format: "%02X", data[data.startIndex + offset]))) cannot start or continue a character"
        }
        if said.hasPrefix("Number "), said.hasSuffix(" is not representable in Swift.") {
            let number = said.dropFirst("Number ".count).dropLast(" is not representable in Swift.".count)
            return "the number \(number) is too large: numbers must lie within ±1.8e308"
        }
        return said
    }
}

/// Finds the first byte of `data` that is not part of a well-formed UTF-8 sequence.
enum UTF8Check {
    /// The 0-based offset of the first invalid byte, or `nil` when the whole text is valid UTF-8.
    static func firstInvalidByte(in data: Data) -> Int? {
        data.withUnsafeBytes { raw -> Int? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let length: Int
                var lowest: UInt8 = 0x80, highest: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; lowest = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; highest = 0x9F
                case 0xF0: length = 4; lowest = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; highest = 0x8F
                default: return index
                }
                for offset in 1..<length {
                    guard index + offset < bytes.count else { return index }
                    let byte = bytes[index + offset]
                    let (low, high) = offset == 1 ? (lowest, highest) : (UInt8(0x80), UInt8(0xBF))
                    guard byte >= low && byte <= high else { return index + offset }
                }
                index += length
            }
            return nil
        }
    }
}

/// Writes JSON text with sorted keys, UTF-8 left as is and `/` unescaped, into a byte buffer.
struct JSONWriter {
    let pretty: Bool
    private var bytes: [UInt8] = []
    private var indent = 0

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(512)
    }

    var output: String { String(decoding: bytes, as: UTF8.self) }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .integer(let number): append(String(number))
        case .number(let number): append(number.isFinite ? Self.format(number) : "null")
        case .string(let text): writeString(text)
        case .array(let elements): writeArray(elements)
        case .object(let members): writeObject(members)
        }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private static func format(_ number: Double) -> String {
        if number.rounded() == number && abs(number) < 1e15 { return String(Int(number)) }
        return "\(number)"
    }

    private mutating func writeArray(_ elements: [JSONValue]) {
        if elements.isEmpty { append("[]"); return }
        bytes.append(UInt8(ascii: "["))
        indent += 1
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            newline()
            write(element)
        }
        indent -= 1
        newline()
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ members: [String: JSONValue]) {
        if members.isEmpty { append("{}"); return }
        bytes.append(UInt8(ascii: "{"))
        indent += 1
        var first = true
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            newline()
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
            if pretty { bytes.append(UInt8(ascii: " ")) }
            write(value)
        }
        indent -= 1
        newline()
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0..<0x20, 0x7F:
                let hex = String(byte, radix: 16)
                append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
