import Foundation
import MCP
import PlanhatKit
import PlanhatSandbox
import Testing

@testable import PlanhatMCP

/// `get_model_action_parameters` answers say what repeats once (`$defs` for keyed ids, ids, dates)
/// and drop nothing; the tools' own input schemas keep no `$ref`.
@Suite("MCP schema answers share what repeats")
struct SchemaSharingTests {
    /// Every (path, description) of a schema, `$defs` left out.
    static func descriptions(_ schema: JSONValue, at path: String = "") -> [String: String] {
        guard let members = schema.objectValue else {
            return (schema.arrayValue ?? []).enumerated().reduce(into: [:]) { found, item in
                found.merge(descriptions(item.element, at: path + "[\(item.offset)]")) { a, _ in a }
            }
        }
        var found: [String: String] = [:]
        if let description = members["description"]?.stringValue { found[path] = description }
        for (key, value) in members where key != "$defs" && key != "enum" && key != "examples" && key != "default" {
            found.merge(descriptions(value, at: path + "/" + key)) { a, _ in a }
        }
        return found
    }

    /// The schema with every `$ref` replaced by its definition's keywords, `$defs` removed.
    static func inlined(_ schema: JSONValue, defs: [String: JSONValue]) -> JSONValue {
        switch schema {
        case .object(var members):
            members.removeValue(forKey: "$defs")
            if let reference = members.removeValue(forKey: "$ref")?.stringValue, let name = reference.split(separator: "/").last,
                let definition = defs[String(name)]?.objectValue {
                members.merge(definition) { own, _ in own }
            }
            return .object(members.mapValues { inlined($0, defs: defs) })
        case .array(let items):
            return .array(items.map { inlined($0, defs: defs) })
        default:
            return schema
        }
    }

    @Test("every model and operation: the answer with $defs inlined is the full schema, every description kept; companies create shares keyed ids and dates")
    func lossless() async throws {
        let tools = try HostedToolTests.tools(.all, companies: 5)
        let service = try await tools.service.withCustomFields()
        var shrunk = 0
        for model in service.catalog.models {
            for operation in service.operations(of: model) {
                let full = try service.schema(model: model.route, operation: operation.rawValue)
                let result = try await tools.call("get_model_action_parameters", arguments: ["MODEL": .string(model.name), "OPERATION": .string(operation.rawValue)])
                #expect(result.isError != true)
                let answer = try JSONValue.parse(try #require(HostedToolTests.texts(result).first))
                #expect(answer == HostedToolTests.structured(result), "the text copy is the structured content")
                let defs = answer["$defs"]?.objectValue ?? [:]
                #expect(Self.inlined(answer, defs: defs) == full, "\(model.route) \(operation.rawValue): nothing lost")
                #expect(Self.descriptions(answer) == Self.descriptions(full), "\(model.route) \(operation.rawValue): every description where it was")
                if !defs.isEmpty {
                    #expect(answer.compactData().count < full.compactData().count, "\(model.route) \(operation.rawValue) is smaller")
                    shrunk += 1
                }
                // A piece found once stays inline: every definition is used twice at least.
                let text = answer.compactText()
                for name in defs.keys {
                    #expect(text.components(separatedBy: "\"#/$defs/\(name)\"").count - 1 >= 2, "\(name) is shared")
                }
            }
        }
        #expect(shrunk >= 10)
        let companies = try await tools.call("get_model_action_parameters", arguments: ["MODEL": "Company"])
        let schema = HostedToolTests.structured(companies)
        #expect(schema["$defs"]?["keyedId"]?["x-expected"] == "a Planhat _id (24 hex characters), extid-<externalId> or srcid-<sourceId>")
        #expect(schema["properties"]?["owner"]?["$ref"] == "#/$defs/keyedId" && schema["properties"]?["owner"]?["x-references"] == "users")
        #expect(schema["properties"]?["owner"]?["description"] != nil && schema["properties"]?["owner"]?["type"] == "string")
        #expect(schema["properties"]?["followers"]?["items"]?["$ref"] == "#/$defs/keyedId")
    }

    @Test("the tools' input schemas keep no $ref, in every tool set")
    func inputSchemasInline() throws {
        for toolset in Toolset.allCases {
            for tool in try HostedToolTests.tools(toolset, companies: 1).definitions {
                let declared = JSONValue(mcp: tool.inputSchema).compactText() + (tool.outputSchema.map { JSONValue(mcp: $0).compactText() } ?? "")
                #expect(!declared.contains("$ref") && !declared.contains("$defs"), "\(toolset) \(tool.name)")
            }
        }
    }
}
