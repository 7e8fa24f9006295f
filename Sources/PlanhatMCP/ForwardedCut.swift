import Foundation
import MCP
import PlanhatKit

/// An answer forwarded from Planhat's hosted MCP server (``UpstreamMCP``), held to the answer budget
/// (``MCPServerOptions/maxResultBytes``) as the list tools' own answers are: an answer over it is
/// cut at a whole item of its largest list (`results`), or, when it is one record (a document), has
/// its longest texts shortened; `truncated` in the structured content and a plain line say what was
/// cut and how to ask for less. An answer within the budget passes as the hosted server gave it.
struct ForwardedCut {
    let budget: Int
    /// The tool forwarded (named in the line).
    let tool: String

    /// What the line of a cut list advises.
    var advice: String {
        tool == PlanhatTools.searchName ? "narrow the QUERY or name a MODEL for fewer" : "narrow the QUERY for fewer"
    }

    func apply(_ result: CallTool.Result) -> CallTool.Result {
        let texts = result.content.compactMap { block -> String? in
            if case .text(let text, _, _) = block { return text } else { return nil }
        }
        guard texts.reduce(0, { $0 + $1.utf8.count }) > budget else { return result }
        let firstJSON = texts.first.flatMap { try? JSONValue.parse($0) }.flatMap { $0.objectValue != nil ? $0 : nil }
        guard let answer = result.structuredContent.map(JSONValue.init(mcp:)).flatMap({ $0.objectValue != nil ? $0 : nil }) ?? firstJSON,
            var members = answer.objectValue
        else { return cutText(result, texts: texts) }
        // The blocks after the JSON copy (the hosted server's own lines, where it came from).
        let lines = firstJSON != nil ? Array(texts.dropFirst()) : texts
        let linesBytes = lines.reduce(0) { $0 + $1.utf8.count } + 400
        var line: String
        let lists: [(key: String, items: [JSONValue])] = members.compactMap { key, value in
            guard let items = value.arrayValue else { return nil }
            return (key, items)
        }
        let list = lists.max { JSONValue.array($0.items).compactData().count < JSONValue.array($1.items).compactData().count }
        if let list, !list.items.isEmpty {
            var rest = members
            rest[list.key] = .array([])
            let reserve = JSONValue.object(rest.merging(["truncated": AnswerShaping.truncatedPlaceholder]) { a, _ in a }).compactData().count + linesBytes
            let (kept, shortened) = AnswerShaping.fit(list.items, budget: budget, reserve: reserve)
            let largest = AnswerShaping.largestFields(list.items)
            members[list.key] = .array(kept)
            var truncated: [String: JSONValue] = [
                "truncated": true, "list": .string(list.key), "returned": .integer(kept.count), "total": .integer(list.items.count),
                "largestFields": .array(largest.map { JSONValue.object(["field": .string($0.field), "bytes": .integer($0.bytes)]) }),
                "budgetBytes": .integer(budget),
            ]
            if !shortened.isEmpty { truncated["shortenedFields"] = .array(shortened.map { .string($0) }) }
            members["truncated"] = .object(truncated)
            let names = largest.prefix(3).map { "\($0.field) (\(AnswerShaping.kilobytes($0.bytes)))" }.joined(separator: ", ")
            line = "\(tool): cut at \(kept.count) of \(list.items.count) \(list.key) to stay under \(budget) bytes (largest fields: \(names)): \(advice)"
            if !shortened.isEmpty {
                line += "; texts shortened to \(AnswerShaping.shortenedLength) characters to fit: \(shortened.joined(separator: ", "))"
            }
        } else {
            let (short, fields) = AnswerShaping.shorten(answer, toFit: budget - linesBytes - 300)
            members = short.objectValue ?? members
            members["truncated"] = ["truncated": true, "shortenedFields": .array(fields.map { .string($0) }), "budgetBytes": .integer(budget)]
            line = "\(tool): texts shortened to \(AnswerShaping.shortenedLength) characters to stay under \(budget) bytes: "
                + (fields.isEmpty ? "none could be" : fields.joined(separator: ", "))
        }
        let structured = JSONValue.object(members)
        var content: [Tool.Content] = [.text(text: structured.compactText(), annotations: nil, _meta: nil), .text(text: line, annotations: nil, _meta: nil)]
        content += lines.map { .text(text: $0, annotations: nil, _meta: nil) }
        guard result.structuredContent != nil else { return CallTool.Result(content: content, isError: result.isError, _meta: result._meta) }
        let value: MCP.Value? = .some(MCP.Value(structured))
        return CallTool.Result(content: content, structuredContent: value, isError: result.isError, _meta: result._meta)
    }

    /// A text answer that is not JSON: cut at a whole line, the last block (where it came from) kept.
    private func cutText(_ result: CallTool.Result, texts: [String]) -> CallTool.Result {
        let source = texts.last ?? ""
        let body = texts.dropLast().joined(separator: "\n")
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var used = source.utf8.count + 400
        for line in lines {
            let size = line.utf8.count + 1
            if used + size > budget { break }
            kept.append(line)
            used += size
        }
        var text = kept.joined(separator: "\n")
        if kept.isEmpty { text = String(decoding: body.utf8.prefix(max(0, budget - used)), as: UTF8.self) }
        let note = "\(tool): cut at \(kept.count) of \(lines.count) lines (\(text.utf8.count) of \(body.utf8.count) bytes) to stay under \(budget) bytes: \(advice)"
        return CallTool.Result(
            content: [.text(text: text, annotations: nil, _meta: nil), .text(text: note, annotations: nil, _meta: nil), .text(text: source, annotations: nil, _meta: nil)],
            structuredContent: result.structuredContent, isError: result.isError, _meta: result._meta)
    }
}
