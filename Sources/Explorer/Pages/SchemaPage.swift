import Foundation
import PlanhatKit
import TerminalUI

/// An operation's parameters shown as its JSON Schema.
public struct SchemaPage: Hashable, Sendable {
    public var model: ModelDefinition
    public var operation: ModelOperation
    public var lines: [[JSONLines.Span]]
    public var offset = 0
}

