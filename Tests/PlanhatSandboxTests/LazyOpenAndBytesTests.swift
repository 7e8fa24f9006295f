import Foundation
import PlanhatKit
import PlanhatTestSupport
import Testing

@testable import PlanhatSandbox

/// Start-up opens no database it does not need, and lists answer the stored bytes.
@Suite("The sandbox opened on first use; lists as stored bytes")
struct LazyOpenAndBytesTests {
    @Test("an existing sandbox file is opened by the first request, not before, and answers as the sandbox does; a new one is created and seeded at once")
    func deferredOpen() async throws {
        let folder = ProcessRunner.temporaryDirectory("deferred")
        let path = folder.appendingPathComponent("sandbox.sqlite").path
        let created = try DeferredSandboxBackend.open(path: path)
        #expect(created is SandboxBackend, "a new file is created and seeded now")
        #expect(FileManager.default.fileExists(atPath: path))

        let deferred = try #require(try DeferredSandboxBackend.open(path: path) as? DeferredSandboxBackend)
        #expect(!deferred.isOpen)
        #expect(deferred.info == BackendInfo(kind: .sandbox, location: path))
        let lazy = PlanhatService(backend: deferred)
        let eager = PlanhatService(backend: try SandboxBackend.open(path: path))
        let parameters: JSONValue = ["sort": "-arr", "limit": 5, "select": "name,arr"]
        let listed = try await lazy.perform(model: "companies", operation: "list", parameters: parameters)
        #expect(deferred.isOpen)
        #expect(listed == (try await eager.perform(model: "companies", operation: "list", parameters: parameters)))
        #expect(listed.arrayValue?.count == 5)
    }

    @Test("a file that is not a database fails its first request with the error opening it gives, naming the file")
    func deferredFailure() async throws {
        let path = ProcessRunner.temporaryDirectory("deferred").appendingPathComponent("broken.sqlite").path
        try Data("this is not a database, it is text".utf8).write(to: URL(fileURLWithPath: path))
        let backend = try DeferredSandboxBackend.open(path: path)
        let service = PlanhatService(backend: backend)
        let error = await #expect(throws: PlanhatError.self) {
            _ = try await service.perform(model: "companies", operation: "list", parameters: [:])
        }
        #expect(error?.message.contains(path) == true, "\(String(describing: error))")
    }

    @Test("a list's bytes are the stored documents as one array: the same records as the parsed answer, with and without select, filters and sort")
    func listBytes() async throws {
        let (service, store) = try makeSandbox(companies: 12)
        let backend = SandboxBackend(store: store)
        let company = try #require(try await service.call("companies", "list", ["limit": 1]).arrayValue?.first?["_id"]?.stringValue)
        for (model, parameters) in [
            ("companies", [:]), ("companies", ["sort": "-arr", "select": "name,arr,custom.Segment", "limit": 4]),
            ("endusers", ["companyId": .string(company)]), ("companies", ["offset": 1_000]),
        ] as [(String, JSONValue)] {
            let request = try service.prepare(model: model, operation: "list", parameters: parameters)
            let bytes = try await backend.executeList(request)
            let parsed = try await backend.execute(request)
            #expect(try JSONValue.parse(bytes) == parsed, "\(model) \(parameters.compactText())")
            #expect(RawRecords(splitting: bytes)?.count == parsed.arrayValue?.count)
        }
    }
}
