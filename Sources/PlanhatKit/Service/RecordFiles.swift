import Foundation

/// The file formats records are written in (`planhat export`, the explorer's `e`) and read back
/// from (`bulkUpsert` items): whatever is written in one reads back unchanged.
public enum RecordFormat: String, CaseIterable, Sendable, Hashable {
    /// One JSON object a line.
    case ndjson
    /// A header of field names, `custom.<Name>` columns for custom fields.
    case csv
    /// A JSON array of objects.
    case json

    /// The format a file name says: `.csv`, `.json`, `.ndjson` or `.jsonl`; `nil` for anything else.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": self = .csv
        case "json": self = .json
        case "ndjson", "jsonl": self = .ndjson
        default: return nil
        }
    }
}

/// How one value becomes a CSV cell and back, so that a cell reads back as the value it was.
///
/// A cell is a number only where the field's type says number; where the type is unknown (custom
/// fields) a cell reads as a number only when it is written the way a number is written (no leading
/// zeros, no sign, no spaces), as `true`/`false` (any case, as spreadsheets write them) when it is
/// one of those, and as text otherwise; a quoted cell is always text. The writer quotes any text
/// that would otherwise read as something else.
public enum CellValue {
    /// The cell for a value: text as it is, numbers and Booleans as JSON writes them, `null`
    /// empty, arrays and objects as compact JSON; `quoted` when the text must be quoted to stay text.
    public static func cell(_ value: JSONValue?) -> (text: String, quoted: Bool) {
        switch value {
        case nil, .null?: return ("", false)
        case .string(let text)?: return (text, inferred(text, quoted: false) != .string(text) || text.isEmpty)
        case .bool(let flag)?: return (flag ? "true" : "false", false)
        case let value?: return (value.compactText(), false)
        }
    }

    /// A cell of a field whose type is unknown (a custom field): see the type rules above.
    public static func inferred(_ text: String, quoted: Bool) -> JSONValue {
        if quoted { return .string(text) }
        // Only a text of 4 or 5 bytes can be `true`, `false` or `null` in any case.
        if (4...5).contains(text.utf8.count) {
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: break
            }
        }
        if isCanonicalInteger(text), let number = Int(text) { return .integer(number) }
        if isCanonicalNumber(text), let number = Double(text), number.isFinite { return .number(number) }
        return .string(text)
    }

    /// `0`, `42`, `-7`; not `007`, `+7`, ` 7` or `1e3`.
    static func isCanonicalInteger(_ text: String) -> Bool {
        var digits = Substring(text).utf8
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        guard let first = digits.first, digits.allSatisfy(isDigit) else { return false }
        return first != UInt8(ascii: "0") || digits.count == 1
    }

    /// A number as JSON writes it: `1.5`, `-0.25`, `-1e-07`, `2E+10`; not `01.5`, `.5`, `1.`, `1,5` or `+5`:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, read byte by byte (a regular expression
    /// per cell was most of a CSV export's time).
    static func isCanonicalNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var at = 0
        func digits() -> Int {
            let start = at
            while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            return at - start
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count, isDigit(bytes[at]) else { return false }
        if bytes[at] == UInt8(ascii: "0") { at += 1 } else { _ = digits() }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits() > 0 else { return false }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() > 0 else { return false }
        }
        return at == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Writes records page by page as NDJSON, CSV or JSON, for `planhat export` and the explorer's
/// `e`. What it writes, ``BulkItems`` reads back unchanged (a test checks it for every model).
///
/// CSV columns are `_id`, then every top-level field seen in any record (sorted), then one
/// `custom.<Name>` column per custom field seen; with `columns` given, exactly those. Without
/// `columns` the records are spooled to a temporary file first, so a field that first appears on a
/// later page still gets its column.
public final class RecordWriter {
    private let output: FileHandle
    private let format: RecordFormat
    private var columns: [String]?
    private var spool: FileHandle?
    private var spoolPath: String?
    private var seen: Set<String> = []
    private var first = true

    /// - Parameter columns: the CSV columns (`custom.Segment` for a custom field); `nil` for every field.
    public init(output: FileHandle, format: RecordFormat, columns: [String]? = nil) throws {
        self.output = output
        self.format = format
        self.columns = columns
        if format == .json { try emit("[") }
        if format == .csv, columns == nil {
            let path = NSTemporaryDirectory() + "planhat-export-\(UUID().uuidString).ndjson"
            spool = try FileOutput.createNew(path)
            spoolPath = path
        }
    }

    deinit {
        if let spoolPath { unlink(spoolPath) }
    }

    /// Writes a page of records.
    public func write(_ records: [JSONValue]) throws {
        var text = ""
        switch format {
        case .ndjson:
            for record in records { text += record.compactText() + "\n" }
        case .json:
            for record in records {
                text += (first ? "\n" : ",\n") + record.compactText()
                first = false
            }
        case .csv:
            if let spool {
                for record in records {
                    seen.formUnion(Self.columnNames(of: record))
                    text += record.compactText() + "\n"
                }
                try spool.write(contentsOf: Data(text.utf8))
                return
            }
            text = try csvLines(records)
        }
        try emit(text)
    }

    /// Writes a page of records kept as bytes: NDJSON and JSON get each record's bytes as they
    /// are; CSV reads only the fields its columns need (a spooled CSV, only the field names).
    public func write(_ records: RawRecords) throws {
        var bytes: [UInt8] = []
        switch format {
        case .ndjson:
            bytes.reserveCapacity(records.bytes.count + records.count)
            for index in 0..<records.count {
                bytes += records.record(index)
                bytes.append(0x0A)
            }
        case .json:
            bytes.reserveCapacity(records.bytes.count + 2 * records.count)
            for index in 0..<records.count {
                if !first { bytes.append(UInt8(ascii: ",")) }
                bytes.append(0x0A)
                bytes += records.record(index)
                first = false
            }
        case .csv:
            if let spool {
                bytes.reserveCapacity(records.bytes.count + records.count)
                for index in 0..<records.count {
                    seen.formUnion(Self.columnNames(of: records, index))
                    bytes += records.record(index)
                    bytes.append(0x0A)
                }
                try spool.write(contentsOf: bytes)
                return
            }
            try emit(try csvLines(records))
            return
        }
        try output.write(contentsOf: bytes)
    }

    /// Ends the file: the JSON array is closed; a spooled CSV is written out.
    public func finish() throws {
        switch format {
        case .json: try emit("\n]\n")
        case .ndjson: break
        case .csv:
            guard let spool, let spoolPath else {
                if columns != nil, first { try emit(CSV.row(columns ?? []) + "\n") }
                return
            }
            try spool.close()
            self.spool = nil
            columns = ["_id"] + seen.subtracting(["_id"]).sorted { Self.columnOrder($0) < Self.columnOrder($1) }
            guard let reader = FileHandle(forReadingAtPath: spoolPath) else { throw PlanhatError.file("cannot read back \(spoolPath)") }
            defer { try? reader.close() }
            // The spool holds compact lines this writer wrote: read back field by field, as bytes.
            var pending: [UInt8] = []
            while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty {
                pending += chunk
                guard let lastBreak = pending.lastIndex(of: 0x0A) else { continue }
                var bytes: [UInt8] = []
                var ends: [Int] = []
                for line in pending[..<lastBreak].split(separator: 0x0A) {
                    bytes += line
                    ends.append(bytes.count)
                }
                pending = Array(pending[(lastBreak + 1)...])
                try emit(try csvLines(RawRecords(trustedCompact: bytes, ends: ends)))
            }
            if first { try emit(CSV.row(columns ?? []) + "\n") }
        }
    }

    private func csvLines(_ records: [JSONValue]) throws -> String {
        let columns = self.columns ?? []
        var text = ""
        if first, !records.isEmpty {
            text += CSV.row(columns) + "\n"
            first = false
        }
        for record in records {
            text += Self.csvRow(columns.map { Self.value(of: $0, in: record) })
        }
        return text
    }

    /// CSV rows of records kept as bytes: each record's columns' fields read from its bytes in one
    /// pass, straight into their columns (``value(of:in:)``'s rule: a top-level `custom.X` field
    /// first, else `X` inside `custom`).
    private func csvLines(_ records: RawRecords) throws -> String {
        let columns = self.columns ?? []
        var text = ""
        if first, records.count > 0 {
            text += CSV.row(columns) + "\n"
            first = false
        }
        var slots: [String: [Int]] = [:]
        var customSlots: [String: [Int]] = [:]
        for (index, column) in columns.enumerated() {
            slots[column, default: []].append(index)
            if column.hasPrefix("custom.") { customSlots[String(column.dropFirst("custom.".count)), default: []].append(index) }
        }
        for index in 0..<records.count {
            var values = [JSONValue?](repeating: nil, count: columns.count)
            var custom: [String: JSONValue]?
            records.forEachMember(index) { name, reader in
                let wanted = slots[name]
                guard wanted != nil || (name == "custom" && !customSlots.isEmpty), let value = reader.value() else {
                    reader.skip()
                    return
                }
                for slot in wanted ?? [] { values[slot] = value }
                if name == "custom" { custom = value.objectValue }
            }
            if let custom {
                for (name, indexes) in customSlots {
                    guard let value = custom[name] else { continue }
                    for slot in indexes where values[slot] == nil { values[slot] = value }
                }
            }
            text += Self.csvRow(values)
        }
        return text
    }

    /// One CSV line of cells.
    private static func csvRow(_ values: [JSONValue?]) -> String {
        let cells = values.map(CellValue.cell)
        let quoted = Set(cells.indices.filter { cells[$0].quoted })
        return CSV.row(cells.map(\.text), quoted: quoted) + "\n"
    }

    /// ``columnNames(of:)`` of a record kept as bytes: its names, and its custom fields' names.
    static func columnNames(of records: RawRecords, _ index: Int) -> [String] {
        var names: [String] = []
        records.forEachMember(index) { name, reader in
            guard name == "custom" else {
                names.append(name)
                reader.skip()
                return
            }
            // Only the custom object's member names are read, not their values.
            if reader.isAtObject {
                names += reader.keys().map { "custom." + $0 }
            } else {
                names.append(name)
                reader.skip()
            }
        }
        return names
    }

    /// The CSV columns a record fills: its fields, custom fields as `custom.<Name>`.
    static func columnNames(of record: JSONValue) -> [String] {
        guard let members = record.objectValue else { return [] }
        return members.flatMap { key, value -> [String] in
            if key == "custom", let custom = value.objectValue { return custom.keys.map { "custom." + $0 } }
            return [key]
        }
    }

    /// Fields first, then custom fields, each by name.
    private static func columnOrder(_ name: String) -> (Int, String) {
        (name.hasPrefix("custom.") ? 1 : 0, name)
    }

    /// The value a column holds in a record (`custom.Segment` reads `custom` → `Segment`).
    static func value(of column: String, in record: JSONValue) -> JSONValue? {
        if column.hasPrefix("custom."), record[column] == nil { return record["custom"]?[String(column.dropFirst("custom.".count))] }
        return record[column]
    }

    private func emit(_ text: String) throws {
        try output.write(contentsOf: Data(text.utf8))
    }
}
