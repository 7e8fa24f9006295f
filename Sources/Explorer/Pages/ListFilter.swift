import CSupport
import Foundation
import PlanhatKit
import TerminalUI

#if canImport(Glibc)
    import Glibc
#endif

/// Substring search on UTF-8 bytes (strstr): the filter runs over every loaded row on each key.
enum ByteSearch {
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        return haystack.withCString { hay in needle.withCString { pin in strstr(hay, pin) != nil } }
    }

    /// Ignoring the case of ASCII letters (strcasestr), so rows need no lower-cased copy.
    static func containsIgnoringCase(_ haystack: String, _ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        return haystack.withCString { hay in needle.withCString { pin in csupport_strcasestr(hay, pin) != nil } }
    }
}

/// A live filter or search: the text and whether it is still being typed.
public struct FilterState: Hashable, Sendable {
    public var field = TextField()
    public var editing = true

    public var query: String { field.text }
}

/// The filter keys every list shares.
extension ExplorerUpdate {
    /// What a key did to a filter being typed.
    enum FilterKey {
        case started, cleared, submitted, finished, edited
    }

    /// The filter keys every list shares: typing into the filter, `/` to start one, Esc to drop it;
    /// editing the text moves the cursor back to the first row. `nil`: the key is the page's.
    static func listFilterKey(_ key: Key, _ filter: inout FilterState?, _ cursor: inout ListCursor) -> FilterKey? {
        if let outcome = typeIntoFilter(&filter, key) {
            if outcome == .edited { cursor = ListCursor() }
            return outcome
        }
        if Keys.filter.matches(key) {
            filter = FilterState()
            return .started
        }
        if Keys.dropFilter.matches(key), filter != nil {
            filter = nil
            return .cleared
        }
        return nil
    }

    /// Feeds a key to the filter being typed; `nil` when none is (the key is then the page's).
    static func typeIntoFilter(_ filter: inout FilterState?, _ key: Key) -> FilterKey? {
        guard var current = filter, current.editing else { return nil }
        switch key {
        case .escape:
            filter = nil
            return .cleared
        case .enter, .down, .up, .tab:
            current.editing = false
            filter = current
            return key == .enter ? .submitted : .finished
        default:
            _ = current.field.handle(key)
            filter = current
            return .edited
        }
    }
}
