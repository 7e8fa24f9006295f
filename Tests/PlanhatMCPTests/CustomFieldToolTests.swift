import Foundation
import MCP
import PlanhatKit
import PlanhatSandbox
import PlanhatTestSupport
import Testing

@testable import PlanhatMCP

/// The tools with the tenant's custom fields (the sandbox's).
@Suite("MCP tools and custom fields")
struct CustomFieldToolTests {
    @Test("get_model_action_parameters shows the custom fields; perform_model_action checks records against them")
    func customFields() async throws {
        let tools = try ToolTests.tools()
        let result = try await tools.call(PlanhatTools.schemaName, arguments: ["MODEL_ROUTE": "companies", "OPERATION": "update"])
        #expect(result.isError == false)
        let custom = try JSONValue.parse(ToolTests.text(result))["properties"]?["custom"]
        #expect(custom?["properties"]?["Segment"]?["enum"] == ["Enterprise", "Mid-Market", "SMB", nil])
        #expect(custom?["properties"]?["Products"]?["items"]?["enum"] == ["Platform", "Analytics", "Integrations", "Mobile"])
        #expect(result.structuredContent?.objectValue?["properties"]?.objectValue?["custom"]?.objectValue?["properties"] != nil)

        func update(_ custom: Value) async throws -> CallTool.Result {
            try await tools.call(PlanhatTools.performName, arguments: [
                "MODEL_ROUTE": "companies", "OPERATION": "update", "PARAMETERS": ["id": "extid-ACC-00001", "custom": custom],
            ])
        }
        let refused = try await update(["Seats": "many", "Segment": "Huge"])
        #expect(refused.isError == true)
        let text = ToolTests.text(refused)
        #expect(text.hasPrefix("400") && text.contains("custom.Seats") && text.contains("custom.Segment") && text.contains("--refresh"), "\(text)")
        let accepted = try await update(["Seats": 12, "Products": ["Mobile"], "Segment": nil, "Brand new": "kept"])
        #expect(accepted.isError == false, "\(ToolTests.text(accepted))")
        let record = try JSONValue.parse(ToolTests.text(accepted))
        #expect(record["custom"]?["Products"] == ["Mobile"] && record["custom"]?["Segment"] == nil && record["custom"]?["Brand new"] == "kept")
    }
}
