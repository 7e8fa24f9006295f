// libFuzzer harness over the parameter parser, the validator and request building: the code every
// face (CLI --params, MCP PARAMETERS, explorer forms) runs on untrusted input. An ordinary SwiftPM
// executable target over the core: `make fuzz` builds it with -DFUZZING and the fuzzer sanitizer and
// runs it on fuzz/corpus; without -DFUZZING it is a replay tool that `make test` runs over the corpus.
// A crash is a finding to fix and to keep as a regression case in the corpus.
import Foundation
import FuzzSupport
import PlanhatKit

/// A backend that is never reached: the harness stops at `prepare`.
struct UnreachableBackend: PlanhatBackend {
    var info: BackendInfo { BackendInfo(kind: .sandbox, location: "fuzz") }
    func execute(_ request: PlanhatRequest) async throws -> JSONValue { [] }
}

let service = PlanhatService(backend: UnreachableBackend())
let models = Catalog.shared.models

/// Integers and fractions compare by value (2 and 2.0 are the same JSON number).
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameJSON)
    case (.object(let x), .object(let y)): return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameJSON(value, $0) } ?? false }
    default:
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        return a == b
    }
}

/// Checks the rules on one input; a broken rule stops the process (the fuzzer's finding).
func fuzzOne(_ input: [UInt8]) {
    guard input.count >= 2 else { return }
    let bytes = input
    let model = models[Int(bytes[0]) % models.count]
    let operation = ModelOperation.allCases[Int(bytes[1]) % ModelOperation.allCases.count]
    let text = String(decoding: bytes.dropFirst(2), as: UTF8.self)

    // Names: any text resolves or is a 404 with at most three suggestions.
    do {
        _ = try Catalog.shared.model(named: text)
    } catch let error as PlanhatError {
        precondition(error.status == 404 && error.cause == .unknownModel, "model lookup failed with \(error.label)")
    } catch {
        preconditionFailure("model lookup threw \(error)")
    }

    // Parameters: parsed or a 400; then valid or a 400 that names every field at fault.
    let parameters: JSONValue
    do {
        parameters = try PlanhatService.parseParameters(text)
    } catch let error as PlanhatError {
        precondition(error.status == 400, "parse failed with \(error.label)")
        return
    } catch {
        preconditionFailure("parse threw \(error)")
    }
    guard let reparsed = try? JSONValue.parse(parameters.compactText()) else { preconditionFailure("JSON written does not parse") }
    precondition(sameJSON(reparsed, parameters), "JSON does not round-trip")
    do {
        let request = try service.prepare(model: model.route, operation: operation.rawValue, parameters: parameters)
        _ = request.pathAndQuery
        _ = request.curlCommand(baseURL: "https://api.planhat.com")
    } catch let error as PlanhatError {
        precondition([400, 404].contains(error.status ?? 0), "prepare failed with \(error.label)")
        if error.status == 400 && parameters.objectValue != nil {
            precondition(!error.fieldIssues.isEmpty, "a rejection names no field: \(error.message)")
        }
        _ = error.report
        _ = error.jsonValue.compactText()
    } catch {
        preconditionFailure("prepare threw \(error)")
    }
}

#if FUZZING
    /// SwiftPM links an executable target's `main` to `<module>_main`: here it starts libFuzzer.
    @_cdecl("PlanhatCoreFuzz_main")
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
            FuzzHarness.replay(fuzzOne)
        }
    }
#endif
