import Foundation
import MCP
import PlanhatKit

extension MCP.Value {
    /// The MCP SDK's value for a PlanhatKit JSON value.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let number): self = .int(number)
        case .number(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .array(let elements): self = .array(elements.map { MCP.Value($0) })
        case .object(let members): self = .object(members.mapValues { MCP.Value($0) })
        }
    }
}

extension JSONValue {
    /// The PlanhatKit JSON value for an MCP SDK value (binary data becomes its base64 text).
    init(mcp value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .integer(number)
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .data(_, let data): self = .string(data.base64EncodedString())
        case .array(let elements): self = .array(elements.map { JSONValue(mcp: $0) })
        case .object(let members): self = .object(members.mapValues { JSONValue(mcp: $0) })
        }
    }
}
