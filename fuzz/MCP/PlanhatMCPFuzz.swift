// Fuzzing the MCP tool arguments through the SDK: each input becomes the `arguments` of a JSON-RPC
// `tools/call` line, decoded by the SDK's own `Request<CallTool>` (and its `Value`), then handled by
// `PlanhatTools` over an in-memory sandbox. Whatever the input, the call must end in a tool result
// the SDK can encode, and a failed call must start with its status, or, for a failure with no HTTP
// status (a local one: cancelled, internal, file, network, timeout, configuration, usage), its title.
//
// `make fuzz-mcp` builds it with `-sanitize=fuzzer,address -DFUZZING` (libFuzzer supplies `main`);
// a normal build makes a replay tool instead: `PlanhatMCPFuzz FILE…` runs saved inputs, so a crash
// found once is checked again.
import Foundation
import FuzzSupport
import MCP
import PlanhatKit
import PlanhatMCP
import PlanhatSandbox

/// The tools over a small in-memory sandbox, built once.
let tools: PlanhatTools = {
    do {
        let store = try SandboxStore(path: nil)
        try DemoData(companies: 5).seed(into: store)
        return PlanhatTools(service: PlanhatService(backend: SandboxBackend(store: store)))
    } catch {
        preconditionFailure("cannot build the sandbox: \(error)")
    }
}()

let toolNames = [PlanhatTools.discoverName, PlanhatTools.schemaName, PlanhatTools.performName, "no_such_tool"]

/// `Cancelled: `, `Internal error: `, …: how the headline of a failure without an HTTP status starts,
/// in the core's own words.
let localFailureStarts: [String] = [
    PlanhatError.Cause.cancelled, .internal, .file, .network, .timeout, .configuration, .usage,
].map { PlanhatError($0, message: "").label + ": " }

/// Whether a failed call's text starts as every failure's headline does: `404 Not Found: …`, or a
/// local failure's title.
func startsWithStatusOrLocalTitle(_ text: String) -> Bool {
    text.range(of: #"^[1-5][0-9][0-9] "#, options: .regularExpression) != nil || localFailureStarts.contains { text.hasPrefix($0) }
}

/// The rule against headlines the core writes, checked before replaying: a change of words there must
/// neither switch the rule off nor make it refuse every local failure.
func checkTheRule() {
    let headlines = [PlanhatError(status: 404, message: "x"), PlanhatError(.cancelled, message: "x"), PlanhatError(.internal, message: "x")].map(\.headline)
    for headline in headlines {
        precondition(startsWithStatusOrLocalTitle(headline), "the rule refuses the headline \(headline)")
    }
    precondition(!startsWithStatusOrLocalTitle("something went wrong"), "the rule accepts any text")
}

/// Runs one input; any broken rule stops the process (libFuzzer then keeps the input).
func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let name = toolNames[Int(selector) % toolNames.count]
    let arguments = String(decoding: bytes.dropFirst(), as: UTF8.self)
    let line = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\#(name)","arguments":"# + arguments + "}}"
    guard let request = try? JSONDecoder().decode(Request<CallTool>.self, from: Data(line.utf8)) else { return }
    let done = DispatchSemaphore(value: 0)
    let outcome = Outcome()
    Task {
        do {
            outcome.result = try await tools.call(request.params.name, arguments: request.params.arguments)
        } catch let error as MCPError {
            outcome.protocolError = error
        } catch {
            outcome.other = "\(error)"
        }
        done.signal()
    }
    done.wait()
    if let other = outcome.other { preconditionFailure("the call threw a non-MCP error: \(other)") }
    if outcome.protocolError != nil {
        precondition(name == "no_such_tool", "only an unknown tool is a protocol error")
        return
    }
    guard let result = outcome.result else { preconditionFailure("no result") }
    guard (try? JSONEncoder().encode(result)) != nil else { preconditionFailure("the result does not encode") }
    if result.isError == true {
        guard case .text(let text, _, _)? = result.content.first else { preconditionFailure("an error without text") }
        precondition(startsWithStatusOrLocalTitle(text), "an error without its status or a local failure's title: \(text.prefix(80))")
    }
}

final class Outcome: @unchecked Sendable {
    var result: CallTool.Result?
    var protocolError: MCPError?
    var other: String?
}

#if FUZZING
    /// SwiftPM links an executable target's `main` to `<module>_main`: here it starts libFuzzer.
    @_cdecl("PlanhatMCPFuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        FuzzHarness.run(argc, argv) { data, size in
            fuzzOne(FuzzHarness.bytes(data, size))
            return 0
        }
    }
#else
    /// Replays saved inputs through the same rules.
    @main
    struct Replay {
        static func main() {
            checkTheRule()
            FuzzHarness.replay(fuzzOne)
        }
    }
#endif
