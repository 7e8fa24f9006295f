/// CSV as spreadsheets read and write it (RFC 4180): cells quoted when needed, and whether a cell
/// was quoted is kept when reading, because a quoted `"007"` is text.
public enum CSV {
    /// One line of cells, without the line break; cells in `quoted` are quoted whatever they hold.
    public static func row(_ cells: [String], quoted: Set<Int> = []) -> String {
        cells.enumerated().map { index, cell in escape(cell, always: quoted.contains(index)) }.joined(separator: ",")
    }

    /// Quotes a cell holding a comma, a quote or a line break (or any cell, with `always`). The
    /// bytes are looked at, not the characters, so a `\r\n` (one character) is quoted too.
    public static func escape(_ text: String, always: Bool = false) -> String {
        guard always || text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        // Byte by byte: Foundation's replacingOccurrences was a sixth of a CSV export's time.
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            if byte == 0x22 { bytes.append(0x22) }
            bytes.append(byte)
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One cell as read: its text, and whether it was written in quotes.
    public struct Cell: Hashable, Sendable {
        public var text: String
        public var quoted: Bool

        public init(_ text: String, quoted: Bool = false) {
            self.text = text
            self.quoted = quoted
        }
    }
}

extension CSV {
    /// Why a CSV text could not be read.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The 1-based line where the problem starts.
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String { "line \(line): \(reason)" }
    }

    /// The rows of a CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks).
    /// Blank lines are skipped; a leading byte-order mark is ignored.
    ///
    /// - Throws: ``ParseError`` for a quote left open.
    public static func parse(_ text: String) throws -> [[String]] {
        try parseCells(text).map { $0.map(\.text) }
    }

    /// The rows of a CSV text, each cell with whether it was quoted.
    ///
    /// - Throws: ``ParseError`` for a quote left open.
    public static func parseCells(_ text: String) throws -> [[Cell]] {
        var rows: [[Cell]] = []
        var row: [Cell] = []
        var cell = ""
        var cellQuoted = false
        var quoted = false
        var line = 1
        var quoteLine = 1
        var characters = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return characters.next()
        }
        func endCell() {
            row.append(Cell(cell, quoted: cellQuoted))
            cell = ""
            cellQuoted = false
        }
        func endRow() {
            endCell()
            if !(row.count == 1 && row[0].text.isEmpty && !row[0].quoted) { rows.append(row) }
            row = []
        }
        var first = true
        while let scalar = next() {
            defer { first = false }
            if first && scalar == "\u{FEFF}" { continue }
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            cell.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where cell.isEmpty && !cellQuoted:
                quoted = true
                cellQuoted = true
                quoteLine = line
            case ",":
                endCell()
            case "\r":
                if let following = next(), following != "\n" { pending = following }
                endRow()
                line += 1
            case "\n":
                endRow()
                line += 1
            default:
                cell.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw ParseError(line: quoteLine, reason: "a quoted cell is never closed") }
        if !cell.isEmpty || !row.isEmpty || cellQuoted { endRow() }
        return rows
    }
}
