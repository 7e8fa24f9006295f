import Foundation
import MCP
import PlanhatKit
import Testing

@testable import PlanhatMCP

/// Answers forwarded from Planhat's hosted MCP server keep to the answer budget: the cases the
/// hosted stand-in does not play (a text answer that is not JSON, a JSON copy without structured content).
@Suite("Forwarded answers held to the budget")
struct ForwardedCutTests {
    static let source = Tool.Content.text(text: "answered by Planhat's hosted MCP server (http://127.0.0.1/v1/mcp)", annotations: nil, _meta: nil)

    static func texts(_ result: CallTool.Result) -> [String] {
        result.content.compactMap { if case .text(let text, _, _) = $0 { return text } else { return nil } }
    }

    @Test("an answer within the budget passes unchanged")
    func within() {
        let result = CallTool.Result(content: [.text(text: #"{"results":[]}"#, annotations: nil, _meta: nil), Self.source], structuredContent: .object(["results": .array([])]))
        let cut = ForwardedCut(budget: 2_000, tool: "search_records").apply(result)
        #expect(Self.texts(cut) == Self.texts(result) && cut.structuredContent == result.structuredContent)
    }

    @Test("a JSON text without structured content is cut at a whole item of its list")
    func jsonText() throws {
        let hits = (0..<200).map { JSONValue.object(["_id": .string("hit-\($0)"), "title": .string(String(repeating: "w", count: 60))]) }
        let text = JSONValue.object(["results": .array(hits)]).compactText()
        let cut = ForwardedCut(budget: 2_000, tool: "search_documents").apply(CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil), Self.source]))
        let texts = Self.texts(cut)
        #expect(texts.reduce(0) { $0 + $1.utf8.count } <= 2_000)
        #expect(cut.structuredContent == nil, "no structured content is made up")
        let answer = try JSONValue.parse(try #require(texts.first))
        let kept = try #require(answer["results"]?.arrayValue)
        #expect(!kept.isEmpty && kept == Array(hits.prefix(kept.count)))
        #expect(answer["truncated"]?["total"] == 200 && answer["truncated"]?["returned"] == .integer(kept.count))
        #expect(texts[1].hasPrefix("search_documents: cut at \(kept.count) of 200 results to stay under 2000 bytes (largest fields: title (13 KB), _id ("), "\(texts[1])")
        #expect(texts[1].hasSuffix("): narrow the QUERY for fewer"), "\(texts[1])")
        #expect(texts.last == Self.texts(CallTool.Result(content: [Self.source])).first)
    }

    @Test("a text that is not JSON is cut at a whole line and says how much was left")
    func plainText() {
        let lines = (0..<400).map { "line \($0): " + String(repeating: "t", count: 20) }
        let cut = ForwardedCut(budget: 2_000, tool: "get_document").apply(CallTool.Result(content: [.text(text: lines.joined(separator: "\n"), annotations: nil, _meta: nil), Self.source]))
        let texts = Self.texts(cut)
        #expect(texts.count == 3 && texts.reduce(0) { $0 + $1.utf8.count } <= 2_000)
        let kept = texts[0].split(separator: "\n").map(String.init)
        #expect(!kept.isEmpty && kept == Array(lines.prefix(kept.count)))
        #expect(texts[1].hasPrefix("get_document: cut at \(kept.count) of 400 lines (") && texts[1].contains("to stay under 2000 bytes"), "\(texts[1])")
        #expect(texts[2].hasPrefix("answered by Planhat's hosted MCP server"))
    }
}
