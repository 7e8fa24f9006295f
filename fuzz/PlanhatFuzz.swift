// libFuzzer harness over the parameter parser, the validator and request building: the code every
// face (CLI --params, MCP PARAMETERS, explorer forms) runs on untrusted input. `make fuzz` builds it
// with PlanhatKit's core sources and runs it on fuzz/corpus; a crash is a finding to fix and to keep
// as a regression case in Tests/PlanhatKitTests/PropertyTests.swift.
import Foundation

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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count >= 2 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let model = models[Int(bytes[0]) % models.count]
    let operation = ModelOperation.allCases[Int(bytes[1]) % ModelOperation.allCases.count]
    let text = String(decoding: bytes.dropFirst(2), as: UTF8.self)

    // Names: any text resolves or is a 404 with at most three suggestions.
    do {
        _ = try Catalog.shared.model(named: text)
    } catch let error as PlanhatError {
        precondition(error.status == 404, "model lookup failed with \(error.status)")
    } catch {
        preconditionFailure("model lookup threw \(error)")
    }

    // Parameters: parsed or a 400; then valid or a 400 that names every field at fault.
    let parameters: JSONValue
    do {
        parameters = try PlanhatService.parseParameters(text)
    } catch let error as PlanhatError {
        precondition(error.status == 400, "parse failed with \(error.status)")
        return 0
    } catch {
        preconditionFailure("parse threw \(error)")
    }
    precondition(sameJSON(try! JSONValue.parse(parameters.compactText()), parameters), "JSON does not round-trip")
    do {
        let request = try service.prepare(model: model.route, operation: operation.rawValue, parameters: parameters)
        _ = request.pathAndQuery
        _ = request.curlCommand(baseURL: "https://api.planhat.com")
    } catch let error as PlanhatError {
        precondition([400, 404].contains(error.status), "prepare failed with \(error.status)")
        if error.status == 400 && parameters.objectValue != nil {
            precondition(!error.fieldIssues.isEmpty, "a rejection names no field: \(error.message)")
        }
        _ = error.report
        _ = error.jsonValue.compactText()
    } catch {
        preconditionFailure("prepare threw \(error)")
    }
    return 0
}
