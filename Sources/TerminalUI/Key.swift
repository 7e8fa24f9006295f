/// A key press, as the explorer sees it.
public enum Key: Hashable, Sendable {
    case character(Character)
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab, backTab
    case function(Int)
    case resize

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
