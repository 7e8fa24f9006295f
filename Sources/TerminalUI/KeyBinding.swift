/// A key binding as a value, as bubbles' `key.Binding` is: the keys that trigger an action and the
/// help that names it. The update matches keys against bindings and the help and footer list the
/// same bindings, so what a screen does and what it says it does cannot drift apart.
public struct KeyBinding: Hashable, Sendable {
    /// The keys that trigger it.
    public let keys: [Key]
    /// How the help shows the keys: `Esc ← h`.
    public let label: String
    /// What it does: `back`.
    public let action: String
    /// Whether the footer lists it (the help lists every binding).
    public let inFooter: Bool
    /// What the footer says, when shorter than `label action` (`Enter open`).
    public let hint: String?

    public init(_ keys: [Key], _ label: String, _ action: String, footer: Bool = false, hint: String? = nil) {
        self.keys = keys
        self.label = label
        self.action = action
        inFooter = footer
        self.hint = hint
    }

    /// The footer's words for it.
    public var footerText: String { hint ?? "\(label) \(action)" }

    /// Whether `key` triggers this binding.
    public func matches(_ key: Key) -> Bool {
        keys.contains(key)
    }

    /// The same keys with other help (`Enter` "open record" rather than "open").
    public func described(_ action: String, footer: Bool? = nil, hint: String? = nil) -> KeyBinding {
        KeyBinding(keys, label, action, footer: footer ?? inFooter, hint: hint)
    }

    /// Lets a `switch` over keys name bindings: `case Keys.back:`.
    public static func ~= (binding: KeyBinding, key: Key) -> Bool {
        binding.matches(key)
    }
}

/// The keys that move through a list or scroll a text.
public struct ListKeys: Hashable, Sendable {
    public var up = KeyBinding([.up, .character("k")], "↑ k", "up")
    public var down = KeyBinding([.down, .character("j")], "↓ j", "down")
    public var pageUp = KeyBinding([.pageUp], "PgUp", "page up")
    public var pageDown = KeyBinding([.pageDown], "PgDn", "page down")
    public var halfUp = KeyBinding([.control("u")], "^U", "half a page up")
    public var halfDown = KeyBinding([.control("d")], "^D", "half a page down")
    public var first = KeyBinding([.home, .character("g")], "Home g", "first")
    public var last = KeyBinding([.end, .character("G")], "End G", "last")

    /// Lists: the usual keys.
    public static let list = ListKeys()
    /// Texts read like a pager: Space pages down too.
    public static let pager: ListKeys = {
        var keys = ListKeys()
        keys.pageDown = KeyBinding([.pageDown, .character(" ")], "PgDn Space", "page down")
        return keys
    }()

    /// Every binding, for the help.
    public var bindings: [KeyBinding] { [up, down, pageUp, pageDown, halfUp, halfDown, first, last] }
}
