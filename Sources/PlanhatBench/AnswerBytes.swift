import Foundation
import PlanhatKit
import PlanhatTestSupport

/// The bytes MCP answers cost (what an assistant's context pays), against the built binary:
/// tools/list per tool set, a default list answer and a schema answer per model, a 20 000-item
/// bulk upsert answer. Targets from issue 16: a default list answer ≤ 12 KB (text and
/// structuredContent together), no answer's text over the budget (24 000), hosted tools/list under
/// 8 000 bytes; a schema answer's text ≤ 8 KB (companies create was 18 KB pretty-printed).
enum AnswerBytes {
    static let budget = 24_000

    /// One row: the figure, its bytes and whether it meets its target.
    struct Row {
        var name: String
        var bytes: Int
        var detail: String
        var target: String
        var met: Bool
    }

    static func child(_ binary: String, sandbox: String, toolset: String) throws -> MCPLineClient {
        let child = try MCPLineClient(executable: binary, arguments: ["--stdio", "--sandbox", "--sandbox-path", sandbox, "--toolset", toolset])
        child.initialize(clientName: "bench-bytes")
        return child
    }

    /// (text bytes, structuredContent bytes) of a tools/call answer.
    static func sizes(_ answer: Data) -> (text: Int, structured: Int) {
        let result = (try? JSONValue.parse(answer))?["result"]
        let text = (result?["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue?.utf8.count }.reduce(0, +)
        return (text, result?["structuredContent"]?.compactData().count ?? 0)
    }

    static func call(_ child: MCPLineClient, _ name: String, _ arguments: JSONValue) -> Data {
        child.call("tools/call", JSONValue.object(["name": .string(name), "arguments": arguments]).compactText())
    }

    static func measure(binary: String, folder: URL) throws -> [Row] {
        var rows: [Row] = []
        let sandbox = folder.appendingPathComponent("bytes.sqlite").path
        for toolset in ["classic", "hosted", "all"] {
            let child = try child(binary, sandbox: sandbox, toolset: toolset)
            let bytes = child.call("tools/list").count
            _ = child.stop()
            // Issue 16: the hosted set ≤ 8 KB, brought comfortably under 8 000; the classic set as tight, both together their sum.
            let target = toolset == "all" ? 16_000 : 8_000
            rows.append(Row(name: "tools/list (\(toolset))", bytes: bytes, detail: "", target: "≤ \(target)", met: bytes <= target))
        }
        let child = try child(binary, sandbox: sandbox, toolset: "all")
        for model in Catalog.shared.models where model.supports(.list) {
            let answer = call(child, "list_model_records", ["MODEL": .string(model.route)])
            let (text, structured) = sizes(answer)
            let failed = (try? JSONValue.parse(answer))?["result"]?["isError"] == true
            rows.append(Row(
                name: "default list: \(model.route)", bytes: text + structured, detail: failed ? "error answer" : "text \(text) + structured \(structured)",
                target: "≤ 12288, text ≤ \(budget)", met: text + structured <= 12_288 && text <= budget))
        }
        for model in Catalog.shared.models {
            let operation = model.supports(.create) ? "create" : "list"
            let answer = call(child, "get_model_action_parameters", ["MODEL_ROUTE": .string(model.route), "OPERATION": .string(operation)])
            let (text, structured) = sizes(answer)
            let shared = (try? JSONValue.parse(answer))?["result"]?["structuredContent"]?["$defs"]?.objectValue?.keys.sorted().joined(separator: ",") ?? ""
            rows.append(Row(
                name: "schema: \(model.route) \(operation)", bytes: text + structured,
                detail: "text \(text) + structured \(structured)" + (shared.isEmpty ? "" : "; $defs \(shared)"),
                target: "text ≤ 8192", met: text <= 8_192))
        }
        _ = child.stop()
        let bulkSandbox = folder.appendingPathComponent("bulk.sqlite").path
        let bulk = try Self.child(binary, sandbox: bulkSandbox, toolset: "classic")
        let items = JSONValue.array((0..<20_000).map { ["name": .string("Bench Bulk \($0)"), "externalId": .string("BB-\($0)")] })
        let answer = call(bulk, "perform_model_action", ["MODEL_ROUTE": "companies", "OPERATION": "bulkUpsert", "PARAMETERS": ["items": items]])
        _ = bulk.stop()
        let (text, structured) = sizes(answer)
        rows.append(Row(name: "bulkUpsert 20 000 companies", bytes: text + structured, detail: "text \(text) + structured \(structured)", target: "text ≤ \(budget)", met: text <= budget && text > 0))
        return rows
    }

    static func print(_ rows: [Row]) {
        let header = ["ANSWER", "BYTES", "DETAIL", "TARGET", "MET"]
        let table = [header] + rows.map { [$0.name, String($0.bytes), $0.detail, $0.target, $0.met ? "yes" : "NO"] }
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            Swift.print(row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
