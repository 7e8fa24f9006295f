
/// One terminal cell: a grapheme and its style. A wide grapheme fills its cell and the next one,
/// which holds a continuation (`width == 0`).
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var width: Int
    public var style: Style

    public static let blank = Cell(character: " ", width: 1, style: .plain)
}

/// A screen's worth of cells. Every view renders into one; the driver copies it to the terminal and
/// tests read it back as text.
public struct CellBuffer: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(character: " ", width: 1, style: fill), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns (and the buffer), ending in `…` when cut.
    /// - Returns: the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? (width - x), width - max(0, x))
        guard limit > 0 else { return 0 }
        let clipped = DisplayWidth.truncate(text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " "), to: limit)
        var column = x
        for character in clipped {
            let columns = DisplayWidth.of(character)
            guard columns > 0 else { continue }
            if column < 0 {
                column += columns
                continue
            }
            guard column + columns <= x + limit, column + columns <= width else { break }
            // A wide character overwritten halfway leaves a blank, never half a glyph.
            if self[column, y].width == 0, column > 0 { self[column - 1, y] = Cell(character: " ", width: 1, style: self[column - 1, y].style) }
            self[column, y] = Cell(character: character, width: columns, style: style)
            if columns == 2 { self[column + 1, y] = Cell(character: " ", width: 0, style: style) }
            column += columns
        }
        return column - x
    }

    /// Fills a rectangle with spaces in `style`.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, style: Style) {
        for row in max(0, y)..<min(self.height, y + height) {
            for column in max(0, x)..<min(self.width, x + width) {
                self[column, row] = Cell(character: " ", width: 1, style: style)
            }
        }
    }

    /// Draws a box with a title on its top edge.
    public mutating func box(x: Int, y: Int, width: Int, height: Int, style: Style, title: String? = nil, titleStyle: Style? = nil) {
        guard width >= 2, height >= 2 else { return }
        put("┌" + String(repeating: "─", count: width - 2) + "┐", x: x, y: y, style: style)
        for row in (y + 1)..<(y + height - 1) {
            put("│", x: x, y: row, style: style)
            put("│", x: x + width - 1, y: row, style: style)
        }
        put("└" + String(repeating: "─", count: width - 2) + "┘", x: x, y: y + height - 1, style: style)
        if let title, width > 6 {
            put(" \(title) ", x: x + 2, y: y, style: titleStyle ?? style, maxWidth: width - 4)
        }
    }

    /// The buffer as text, one line per row, trailing spaces removed: what tests compare.
    public var text: String {
        (0..<height).map { line($0) }.joined(separator: "\n")
    }

    /// One row as text, trailing spaces removed.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<width where self[x, y].width > 0 {
            text.append(self[x, y].character)
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Runs of cells with the same style in a row, for drivers that draw a run at a time.
    public func runs(row y: Int) -> [(x: Int, text: String, style: Style)] {
        var result: [(Int, String, Style)] = []
        var start = 0
        var current = ""
        var style: Style?
        for x in 0..<width {
            let cell = self[x, y]
            if cell.width == 0 { continue }
            if cell.style != style {
                if let style, !current.isEmpty { result.append((start, current, style)) }
                start = x
                current = ""
                style = cell.style
            }
            current.append(cell.character)
        }
        if let style, !current.isEmpty { result.append((start, current, style)) }
        return result
    }
}
