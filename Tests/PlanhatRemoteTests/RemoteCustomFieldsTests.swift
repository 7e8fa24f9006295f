import Foundation
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

@testable import PlanhatKit
@testable import PlanhatRemote

/// The tenant's custom fields over the remote client: read from `GET /customfields` (the sandbox
/// server's, as Planhat's would be), merged into the schemas, kept per profile and host.
@Suite("Remote custom fields")
struct RemoteCustomFieldsTests {
    func service(_ server: InProcessSandbox, baseURL: String? = nil, cacheFolder: String) -> PlanhatService {
        let backend = RemoteBackend(
            baseURL: baseURL ?? server.baseURL, token: APIToken("test-token")!, timeout: 10, retry: RemoteBackendTests.fastRetry,
            limiter: RequestLimiter(limits: .init(perMinute: 10_000)), transport: server.transport(timeout: 10))
        return PlanhatService(backend: backend, customFieldsCache: CustomFieldsCache.standard(
            for: backend.info, directories: UserDirectories(environment: ["HOME": "/nonexistent", "XDG_CACHE_HOME": cacheFolder])))
    }

    @Test("a remote schema includes the tenant's custom fields, read once and kept per host")
    func remoteSchema() async throws {
        let server = try InProcessSandbox(companies: 10)
        let folder = ProcessRunner.temporaryDirectory("cache").path
        let remote = try await service(server, cacheFolder: folder).withCustomFields()
        let custom = try remote.schema(model: "companies", operation: "create")["properties"]?["custom"]?["properties"]
        #expect(custom?["Segment"]?["enum"] == ["Enterprise", "Mid-Market", "SMB", nil])
        #expect(custom?["Seats"]?["type"] == ["number", "null"])
        #expect(custom?["Executive Sponsor"]?["x-references"] == "users")
        #expect(try remote.schema(model: "endusers", operation: "update")["properties"]?["custom"]?["properties"]?["Persona"] != nil)
        #expect(remote.customFields?.origin == server.baseURL)
        #expect(await server.count("GET /customfields") == 1)

        _ = try await service(server, cacheFolder: folder).withCustomFields()
        #expect(await server.count("GET /customfields") == 1, "the next process reads the cache")
        _ = try await service(server, baseURL: "http://other.in-process", cacheFolder: folder).withCustomFields()
        #expect(await server.count("GET /customfields") == 2, "another host has a cache of its own")
        _ = try await service(server, cacheFolder: folder).withCustomFields(refresh: true)
        #expect(await server.count("GET /customfields") == 3, "refresh reads again")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/planhat-explorer/custom-fields").sorted()
        #expect(files == ["other.in-process.json", "sandbox.in-process.json"])

        let refused = try #require(remote.rejection("companies", "update", ["id": "extid-ACC-00001", "custom": ["Seats": "many"]]))
        #expect(refused.fieldIssues.map(\.path) == ["custom.Seats"])
        let updated = try await remote.perform(model: "companies", operation: "update", parameters: [
            "id": "extid-ACC-00001", "custom": ["Products": ["Analytics"], "Next QBR": "2026-03-01T00:00:00.000Z"],
        ])
        #expect(updated["custom"]?["Products"] == ["Analytics"], "the server takes what its own definitions allow")
        #expect(await server.count("PUT /companies/extid-ACC-00001") == 1)
    }

    @Test("the CLI with a token: schema shows them, --refresh reads them again, a corrupt cache is read again; models and list never read them", .offThePool)
    func cli() throws {
        let server = try ServedSandbox()
        let environment = ProcessRunner.environment(["PLANHAT_API_URL": server.baseURL, "PLANHAT_API_TOKEN": "any-token"])
        func planhat(_ arguments: String...) throws -> ProcessResult { try ProcessRunner.planhat(arguments, environment: environment) }
        #expect(try planhat("models").status == 0)
        #expect(try planhat("call", "companies", "list", "--params", #"{"limit":1}"#).status == 0)
        #expect(try server.count("GET /customfields") == 0, "only what sends records or shows schemas reads them")

        let schema = try planhat("schema", "companies", "create")
        #expect(schema.status == 0 && schema.stderr.isEmpty, "\(schema.stderr)")
        let custom = try JSONValue.parse(schema.stdout)["properties"]?["custom"]?["properties"]
        #expect(custom?["Renewal Risk"]?["enum"] == ["Low", "Medium", "High", nil])
        #expect(custom?["Next QBR"]?["x-planhatType"] == "date")
        #expect(try server.count("GET /customfields") == 1)
        let cache = try #require(environment["XDG_CACHE_HOME"]) + "/planhat-explorer/custom-fields/127.0.0.1_\(server.port).json"
        #expect(FileManager.default.fileExists(atPath: cache))

        let refused = try planhat("call", "companies", "update", "--id", "extid-ACC-00001", "--params", #"{"custom":{"Seats":"many"}}"#)
        #expect(refused.status != 0 && refused.stderr.contains("custom.Seats") && refused.stderr.contains("planhat schema --refresh"), "\(refused.stderr)")
        #expect(try server.count("GET /customfields") == 1 && server.count("PUT /companies/extid-ACC-00001") == 0, "refused from the cache, before sending")

        let refresh = try planhat("schema", "--refresh")
        #expect(refresh.status == 0)
        #expect(refresh.stdout.hasPrefix("read 11 custom fields from \(server.baseURL) (companies 10, endusers 1); kept in "), "\(refresh.stdout)")
        #expect(try server.count("GET /customfields") == 2)

        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: cache))
        let again = try planhat("call", "companies", "update", "--id", "extid-ACC-00001", "--params", #"{"custom":{"Products":["Mobile"]}}"#)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.count("GET /customfields") == 3, "a corrupt cache is ignored and read again")
        #expect(try JSONValue.parse(String(decoding: FileManager.default.contents(atPath: cache) ?? Data(), as: UTF8.self))["customFields"] != nil, "and replaced")

        let unreachable = ProcessRunner.environment(["PLANHAT_API_URL": "http://127.0.0.1:9", "PLANHAT_API_TOKEN": "any-token"])
        let offline = try ProcessRunner.planhat(["schema", "companies", "create", "--timeout", "2"], environment: unreachable)
        #expect(offline.status == 0, "a schema without the custom fields rather than none")
        #expect(offline.stderr.contains("custom fields are left out"), "\(offline.stderr)")
        #expect(try JSONValue.parse(offline.stdout)["properties"]?["custom"]?["properties"] == nil)
    }
}
