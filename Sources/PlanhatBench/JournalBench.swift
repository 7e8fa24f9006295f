import Foundation
import PlanhatJournal
import PlanhatKit
import PlanhatSandbox

/// The write journal's cost per write on the sandbox: the same updates with the journal in `full`
/// mode (one read of the record before, the entry, the completion), in `light` mode, and without
/// one, alternated so that the sandbox's own variation falls on all three alike.
@MainActor func journalFigures(sandbox: String, folder: URL, runs: Int = 300) async throws -> [Figure] {
    let backend = try SandboxBackend.open(path: sandbox)
    let journal = try SQLiteJournal(path: folder.appendingPathComponent("bench-journal.sqlite").path)
    let plain = PlanhatService(backend: backend)
    let full = plain.journaling(JournalRecorder(journal: journal, mode: .full, face: .cli))
    let light = plain.journaling(JournalRecorder(journal: journal, mode: .light, face: .cli))
    let ids = (try await plain.perform(model: "companies", operation: "list", parameters: ["limit": .integer(runs)]).arrayValue ?? [])
        .compactMap { $0["_id"]?.stringValue }
    var samples: [String: [Double]] = ["off": [], "light": [], "full": []]
    for (index, id) in ids.enumerated() {
        for (name, service) in [("off", plain), ("light", light), ("full", full)] {
            let request = try service.prepare(model: "companies", operation: "update", parameters: ["id": .string(id), "name": .string("Journal bench \(name) \(index)")])
            samples[name, default: []].append(try await asyncMilliseconds { _ = try await service.perform(request) })
        }
    }
    func median(_ values: [Double]) -> Double { Figure(name: "", samples: values).quantile(0.5) }
    let off = median(samples["off"] ?? [])
    let costFull = median(samples["full"] ?? []) - off
    let costLight = median(samples["light"] ?? []) - off
    let verdict = { (cost: Double) in cost <= 1 ? "within" : "OVER" }
    FileHandle.standardError.write(Data(String(format: "  journal cost per update: full %.3f ms, light %.3f ms (target ≤ 1 ms)\n", costFull, costLight).utf8))
    return [
        Figure(name: "Sandbox: update, no journal", samples: samples["off"] ?? []),
        Figure(
            name: "Sandbox: update, journal full", samples: samples["full"] ?? [],
            note: String(format: "journal cost %.3f ms per write (target ≤ 1 ms: %@)", costFull, verdict(costFull))),
        Figure(
            name: "Sandbox: update, journal light", samples: samples["light"] ?? [],
            note: String(format: "journal cost %.3f ms per write (target ≤ 1 ms: %@)", costLight, verdict(costLight))),
    ]
}
