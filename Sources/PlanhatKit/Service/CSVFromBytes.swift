/// Names as UTF-8 bytes, each given a small number, looked up straight from a record's bytes
/// without making a `String` per member: an export's CSV columns, and the field names seen while
/// spooling one. Open addressing over FNV-1a hashes; the names' bytes live in one arena.
struct ByteNameTable {
    private var arena: [UInt8] = []
    private var spans: [Range<Int>] = []
    private var hashes: [UInt64] = []
    /// Index into `spans`, or -1 for an empty slot; the count is a power of two.
    private var slots = [Int](repeating: -1, count: 64)

    /// How many names there are.
    var count: Int { spans.count }

    /// Name `index` as text.
    func name(_ index: Int) -> String { String(decoding: arena[spans[index]], as: UTF8.self) }

    /// Every name, in the order they were first inserted.
    var names: [String] { (0..<count).map(name) }

    /// The number of `name`, or nil when it is not in the table.
    func index(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(name)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            if matches(slots[slot], name, hash) { return slots[slot] }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// The number of `name` given as text, or nil when it is not in the table.
    func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { index(of: $0) }
    }

    /// The number of `name`, which is added when it is not there yet.
    @discardableResult
    mutating func insert(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(name)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] >= 0 {
            if matches(slots[slot], name, hash) { return slots[slot] }
            slot = (slot + 1) & (slots.count - 1)
        }
        let index = spans.count
        let start = arena.count
        arena.append(contentsOf: name)
        spans.append(start..<arena.count)
        hashes.append(hash)
        slots[slot] = index
        if spans.count * 2 > slots.count { grow() }
        return index
    }

    /// The number of `name` given as text, added when it is not there yet.
    @discardableResult
    mutating func insert(_ name: String) -> Int {
        var name = name
        return name.withUTF8 { insert($0) }
    }

    private func matches(_ index: Int, _ name: UnsafeBufferPointer<UInt8>, _ hash: UInt64) -> Bool {
        guard hashes[index] == hash, spans[index].count == name.count else { return false }
        let span = spans[index]
        return arena.withUnsafeBufferPointer { arena in
            var offset = 0
            while offset < name.count {
                if arena[span.lowerBound + offset] != name[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int](repeating: -1, count: slots.count * 2)
        for index in spans.indices {
            var slot = Int(truncatingIfNeeded: hashes[index]) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = index
        }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Walks compact JSON (no whitespace between tokens) that ``JSONCompactor`` checked or this
/// program wrote, by positions only: where a value or a string ends. Every step stays inside `end`.
struct CompactJSONScan {
    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int

    /// Where the string starting (at its quote) at `start` ends (past the closing quote), and
    /// whether it holds an escape.
    func stringEnd(_ start: Int) -> (end: Int, escaped: Bool) {
        var at = start + 1
        var escaped = false
        while at < end {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") { return (at + 1, escaped) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                at += 2
            } else {
                at += 1
            }
        }
        return (end, escaped)
    }

    /// Where the value starting at `start` ends.
    func valueEnd(_ start: Int) -> Int {
        guard start < end else { return end }
        switch bytes[start] {
        case UInt8(ascii: "\""): return stringEnd(start).end
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var at = start
            while at < end {
                switch bytes[at] {
                case UInt8(ascii: "\""):
                    at = stringEnd(at).end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return at + 1 }
                default: break
                }
                at += 1
            }
            return end
        case UInt8(ascii: "t"), UInt8(ascii: "n"): return min(end, start + 4)
        case UInt8(ascii: "f"): return min(end, start + 5)
        default:
            var at = start
            while at < end {
                switch bytes[at] {
                case 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): at += 1
                default: return at
                }
            }
            return at
        }
    }

    /// Calls `body` with each member of the object at `start` that ends by `limit`: where its
    /// name's text lies (inside the quotes), whether the name holds an escape, and where its value
    /// lies. Nothing when the value there is not an object.
    func forEachMember(_ start: Int, _ limit: Int, _ body: (_ name: Range<Int>, _ escaped: Bool, _ value: Range<Int>) -> Void) {
        guard start < limit, bytes[start] == UInt8(ascii: "{") else { return }
        var at = start + 1
        guard at < limit, bytes[at] != UInt8(ascii: "}") else { return }
        while at < limit, bytes[at] == UInt8(ascii: "\"") {
            let name = stringEnd(at)
            let value = name.end + 1
            let valueEnd = valueEnd(value)
            guard valueEnd <= limit else { return }
            body((at + 1)..<(name.end - 1), name.escaped, value..<valueEnd)
            at = valueEnd
            guard at < limit, bytes[at] == UInt8(ascii: ",") else { return }
            at += 1
        }
    }

    /// The value at `range` read as ``CompactJSONReader`` reads it (the slow way, for what the
    /// bytes cannot be copied from).
    func value(_ range: Range<Int>) -> JSONValue? {
        let copy = Array(UnsafeBufferPointer(rebasing: bytes[range]))
        var reader = CompactJSONReader(copy, range: 0..<copy.count)
        return reader.value()
    }

    /// The text of the name (or string) whose inside is `range`, escapes decoded.
    func text(_ range: Range<Int>) -> String {
        value((range.lowerBound - 1)..<(range.upperBound + 1))?.stringValue ?? ""
    }
}

/// The CSV column names records fill, gathered from their bytes: their top-level fields, and
/// the custom fields as `custom.<Name>` (``RecordWriter/columnNames(of:)`` for records as bytes).
struct ColumnNameCollector {
    private var fields = ByteNameTable()
    private var custom = ByteNameTable()

    /// Adds the names record `range` of `bytes` fills.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        let scan = CompactJSONScan(bytes: bytes, end: range.upperBound)
        scan.forEachMember(range.lowerBound, range.upperBound) { name, escaped, value in
            if isCustom(bytes, name, escaped), bytes[value.lowerBound] == UInt8(ascii: "{") {
                scan.forEachMember(value.lowerBound, value.upperBound) { inner, innerEscaped, _ in
                    if innerEscaped { custom.insert(scan.text(inner)) } else { custom.insert(UnsafeBufferPointer(rebasing: bytes[inner])) }
                }
            } else if escaped {
                fields.insert(scan.text(name))
            } else {
                fields.insert(UnsafeBufferPointer(rebasing: bytes[name]))
            }
        }
    }

    /// Every name gathered.
    var names: Set<String> { Set(fields.names).union(custom.names.map { "custom." + $0 }) }
}

/// Whether the name whose inside is `range` is `custom` (an escaped name never is: it would be
/// written `custom` plainly by every server and by this program).
private func isCustom(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ escaped: Bool) -> Bool {
    if escaped { return CompactJSONScan(bytes: bytes, end: range.upperBound + 1).text(range) == "custom" }
    guard range.count == 6 else { return false }
    let word: StaticString = "custom"
    for offset in 0..<6 where bytes[range.lowerBound + offset] != word.utf8Start[offset] { return false }
    return true
}

/// CSV rows written straight from records' compact JSON bytes, the same bytes the rows made from
/// values give (``CellValue/cell(_:)``, ``CSV/escape(_:always:)``, ``RecordWriter/value(of:in:)``'s
/// rule: a top-level `custom.X` field first, else `X` inside `custom`). Text, whole numbers,
/// Booleans and arrays of those are copied as they are; only what would be written differently
/// (an escape, a fraction, an object) is read as a value first.
struct CSVRowBuilder {
    let columns: [String]
    private var fields = ByteNameTable()
    /// For each name in `fields`, the columns it fills (a column may be asked for twice).
    private var fieldColumns: [[Int]] = []
    private var custom = ByteNameTable()
    private var customColumns: [[Int]] = []
    /// Where each column's value lies in the record being written (-1: none), from a top-level field
    /// and from inside `custom`.
    private var fieldStart: [Int]
    private var fieldEnd: [Int]
    private var customStart: [Int]
    private var customEnd: [Int]

    init(columns: [String]) {
        self.columns = columns
        fieldStart = [Int](repeating: -1, count: columns.count)
        fieldEnd = fieldStart
        customStart = fieldStart
        customEnd = fieldStart
        for (index, column) in columns.enumerated() {
            let name = fields.insert(column)
            if name == fieldColumns.count { fieldColumns.append([]) }
            fieldColumns[name].append(index)
            if column.hasPrefix("custom.") {
                let inner = custom.insert(String(column.dropFirst("custom.".count)))
                if inner == customColumns.count { customColumns.append([]) }
                customColumns[inner].append(index)
            }
        }
    }

    /// Appends the row of record `range` of `bytes`, with its line break, to `output`.
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to output: inout [UInt8]) {
        for index in columns.indices {
            fieldStart[index] = -1
            customStart[index] = -1
        }
        let scan = CompactJSONScan(bytes: bytes, end: range.upperBound)
        var customObject: Range<Int>?
        let wantsCustom = custom.count > 0
        scan.forEachMember(range.lowerBound, range.upperBound) { name, escaped, value in
            let number = escaped ? fields.index(of: scan.text(name)) : fields.index(of: UnsafeBufferPointer(rebasing: bytes[name]))
            if let number {
                for column in fieldColumns[number] {
                    fieldStart[column] = value.lowerBound
                    fieldEnd[column] = value.upperBound
                }
            }
            // The last `custom` member wins, as it does when the record is read as a value.
            if wantsCustom, isCustom(bytes, name, escaped) {
                customObject = bytes[value.lowerBound] == UInt8(ascii: "{") ? value : nil
            }
        }
        if let customObject {
            scan.forEachMember(customObject.lowerBound, customObject.upperBound) { name, escaped, value in
                let number = escaped ? custom.index(of: scan.text(name)) : custom.index(of: UnsafeBufferPointer(rebasing: bytes[name]))
                guard let number else { return }
                for column in customColumns[number] {
                    customStart[column] = value.lowerBound
                    customEnd[column] = value.upperBound
                }
            }
        }
        for index in columns.indices {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            if fieldStart[index] >= 0 {
                Self.appendCell(scan, fieldStart[index]..<fieldEnd[index], to: &output)
            } else if customStart[index] >= 0 {
                Self.appendCell(scan, customStart[index]..<customEnd[index], to: &output)
            }
        }
        output.append(0x0A)
    }

    /// The cell of the value at `range`.
    static func appendCell(_ scan: CompactJSONScan, _ range: Range<Int>, to output: inout [UInt8]) {
        let bytes = scan.bytes
        switch bytes[range.lowerBound] {
        case UInt8(ascii: "n"):
            return
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        case UInt8(ascii: "\""):
            let inside = (range.lowerBound + 1)..<(range.upperBound - 1)
            if scan.stringEnd(range.lowerBound).escaped {
                var text = scan.text(inside)
                text.withUTF8 { appendText($0, to: &output) }
            } else {
                appendText(UnsafeBufferPointer(rebasing: bytes[inside]), to: &output)
            }
        case UInt8(ascii: "["):
            if isPlain(scan, range) {
                appendEscaped(UnsafeBufferPointer(rebasing: bytes[range]), always: false, to: &output)
            } else {
                appendSlowly(scan, range, to: &output)
            }
        case UInt8(ascii: "{"):
            appendSlowly(scan, range, to: &output)
        default:
            if isPlainInteger(UnsafeBufferPointer(rebasing: bytes[range])) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
            } else {
                appendSlowly(scan, range, to: &output)
            }
        }
    }

    /// The cell of a value read as a value first, exactly as a record given as a value is written.
    private static func appendSlowly(_ scan: CompactJSONScan, _ range: Range<Int>, to output: inout [UInt8]) {
        let cell = CellValue.cell(scan.value(range))
        output.append(contentsOf: CSV.escape(cell.text, always: cell.quoted).utf8)
    }

    /// A text cell: quoted when it would otherwise read back as something else, or when it holds
    /// a comma, a quote or a line break.
    private static func appendText(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        appendEscaped(text, always: mustQuote(text), to: &output)
    }

    private static func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, always: Bool, to output: inout [UInt8]) {
        guard always || text.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            output.append(contentsOf: text)
            return
        }
        output.append(0x22)
        for byte in text {
            if byte == 0x22 { output.append(0x22) }
            output.append(byte)
        }
        output.append(0x22)
    }

    /// ``CellValue/cell(_:)``'s test for text: empty, or read back as a Boolean, `null` or a number.
    /// The bytes rule out most text at once; the rest is asked of ``CellValue/inferred(_:quoted:)``.
    private static func mustQuote(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first else { return true }
        if (4...5).contains(text.count) {
            guard text.allSatisfy({ $0 < 0x80 }) else { return inferredOtherwise(text) }
            if isLowercased(text, "true") || isLowercased(text, "false") || isLowercased(text, "null") { return true }
        }
        guard first == UInt8(ascii: "-") || (first >= 0x30 && first <= 0x39) else { return false }
        return CellValue.isCanonicalNumber(text) && inferredOtherwise(text)
    }

    /// Whether ASCII `text` is `word` in any case.
    private static func isLowercased(_ text: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        guard text.count == word.utf8CodeUnitCount else { return false }
        for offset in 0..<text.count {
            let byte = text[offset]
            if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != word.utf8Start[offset] { return false }
        }
        return true
    }

    private static func inferredOtherwise(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let string = String(decoding: text, as: UTF8.self)
        return CellValue.inferred(string, quoted: false) != .string(string)
    }

    /// `0` or `-?[1-9][0-9]{0,17}`: a whole number that fits an `Int` and is written as `Int` writes it.
    private static func isPlainInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = bytes[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard let first = digits.first, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return first != 0x30 || (digits.count == 1 && bytes.count == 1)
    }

    /// Whether the array at `range` is written exactly as compact JSON writes its value: it holds
    /// only plain text (no escape, no DEL), plain whole numbers, Booleans, `null` and such arrays.
    private static func isPlain(_ scan: CompactJSONScan, _ range: Range<Int>) -> Bool {
        let bytes = scan.bytes
        var at = range.lowerBound + 1
        guard at < range.upperBound, bytes[at] != UInt8(ascii: "]") else { return true }
        while at < range.upperBound {
            let end = scan.valueEnd(at)
            switch bytes[at] {
            case UInt8(ascii: "\""):
                for offset in (at + 1)..<(end - 1) where bytes[offset] == UInt8(ascii: "\\") || bytes[offset] == 0x7F { return false }
            case UInt8(ascii: "["):
                guard isPlain(scan, at..<end) else { return false }
            case UInt8(ascii: "{"):
                return false
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                break
            default:
                guard isPlainInteger(UnsafeBufferPointer(rebasing: bytes[at..<end])) else { return false }
            }
            at = end
            guard at < range.upperBound, bytes[at] == UInt8(ascii: ",") else { return true }
            at += 1
        }
        return true
    }
}
