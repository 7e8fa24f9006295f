
/// A multi-line text editor: lines, a cursor and a scroll offset, edited by keys.
public struct TextArea: Hashable, Sendable {
    public private(set) var lines: [String]
    public private(set) var row = 0
    public private(set) var column = 0
    public private(set) var offset = 0

    public init(_ text: String = "") {
        lines = text.components(separatedBy: "\n")
        if lines.isEmpty { lines = [""] }
    }

    /// The whole text, lines joined by line breaks.
    public var text: String { lines.joined(separator: "\n") }

    /// Applies an editing or moving key; returns whether the text area used it. `visible` is the
    /// number of lines on screen, for paging and scrolling.
    public mutating func handle(_ key: Key, visible: Int) -> Bool {
        switch key {
        case .character(let character):
            // A scalar may join the character before it (see TextField): edit the line as one
            // field, so the column lands after whatever cluster the key made.
            var field = TextField(lines[row])
            field.cursor = column
            field.insert(String(character))
            lines[row] = field.text
            column = field.cursor
        case .enter:
            let characters = Array(lines[row])
            let indent = characters.prefix { $0 == " " }.count
            lines[row] = String(characters[..<column])
            lines.insert(String(repeating: " ", count: min(indent, column)) + String(characters[column...]), at: row + 1)
            row += 1
            column = min(indent, column)
        case .tab:
            for _ in 0..<2 { _ = handle(.character(" "), visible: visible) }
        case .backspace:
            if column > 0 {
                var characters = Array(lines[row])
                characters.remove(at: column - 1)
                lines[row] = String(characters)
                column -= 1
            } else if row > 0 {
                column = lines[row - 1].count
                lines[row - 1] += lines[row]
                lines.remove(at: row)
                row -= 1
            }
        case .delete:
            if column < lines[row].count {
                var characters = Array(lines[row])
                characters.remove(at: column)
                lines[row] = String(characters)
            } else if row + 1 < lines.count {
                lines[row] += lines[row + 1]
                lines.remove(at: row + 1)
            }
        case .left:
            if column > 0 { column -= 1 } else if row > 0 { row -= 1; column = lines[row].count }
        case .right:
            if column < lines[row].count { column += 1 } else if row + 1 < lines.count { row += 1; column = 0 }
        case .up: move(to: row - 1)
        case .down: move(to: row + 1)
        case .pageUp: move(to: row - max(1, visible - 1))
        case .pageDown: move(to: row + max(1, visible - 1))
        case .home, .control("a"): column = 0
        case .end, .control("e"): column = lines[row].count
        default:
            return false
        }
        column = min(column, lines[row].count)
        scroll(visible: visible)
        return true
    }

    private mutating func move(to target: Int) {
        row = max(0, min(lines.count - 1, target))
        column = min(column, lines[row].count)
    }

    private mutating func scroll(visible: Int) {
        if row < offset { offset = row }
        if visible > 0, row >= offset + visible { offset = row - visible + 1 }
    }

    /// Draws the visible lines with the cursor, scrolled horizontally on the cursor's line.
    public func render(into buffer: inout CellBuffer, x: Int, y: Int, width: Int, height: Int, style: Style, cursorStyle: Style) {
        guard width > 0, height > 0 else { return }
        buffer.fill(x: x, y: y, width: width, height: height, style: style)
        for (index, line) in lines.dropFirst(offset).prefix(height).enumerated() {
            let lineIndex = offset + index
            let characters = Array(line)
            let start = lineIndex == row ? GraphemeText.scrollStart(characters, cursor: min(column, characters.count), width: width) : 0
            buffer.put(String(characters[min(start, characters.count)...]), x: x, y: y + index, style: style, maxWidth: width)
            if lineIndex == row {
                let before = String(characters[min(start, characters.count)..<min(column, characters.count)])
                let cursorX = x + DisplayWidth.of(before)
                let under = column < characters.count ? String(characters[column]) : " "
                if cursorX < x + width { buffer.put(under, x: cursorX, y: y + index, style: cursorStyle, maxWidth: 2) }
            }
        }
    }
}
