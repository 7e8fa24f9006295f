/// A key press, as the explorer sees it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    case resize
    /// A mouse event (off with `--no-mouse`).
    case mouse(MouseEvent)

    /// The key for a raw byte or Unicode scalar read from the terminal (control codes included).
    public init(scalar: Unicode.Scalar) {
        switch scalar.value {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .control(Character(Unicode.Scalar(scalar.value + 96) ?? "?"))
        default: self = .character(Character(scalar))
        }
    }
}

/// A click or a wheel turn at a cell of the screen (column `x`, row `y`, from the top left).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case click, wheelUp, wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
