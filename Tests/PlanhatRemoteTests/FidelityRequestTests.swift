import Foundation
import PlanhatTestSupport
import Testing

@testable import PlanhatKit
@testable import PlanhatRemote

/// For each fact the fidelity corrections changed: the exact request the remote client builds
/// (method, host, path, query, body), recorded as it leaves the client, and the answer of the
/// sandbox server (in this process) it went to.
@Suite("Corrected facts: the requests sent and the sandbox's answers")
struct FidelityRequestTests {
    static let tenant = "fb08c97b-41f5-4a22-8888-579a3ce223ae"
    static let apiURL = "https://api.planhat.com"

    /// The remote client, its requests recorded, handed to `server`'s handler whatever their host.
    func client(_ server: InProcessSandbox, tenant: String? = FidelityRequestTests.tenant) -> (PlanhatService, RecordingTransport) {
        let recorder = RecordingTransport(server.transport(timeout: 30))
        let backend = RemoteBackend(
            baseURL: Self.apiURL, token: APIToken("test-token")!, timeout: 30,
            retry: RetryPolicy(rateLimitAttempts: 2, rateLimitBudget: 5, serverErrorAttempts: 1, baseDelay: 0.01, maximumDelay: 0.02),
            limiter: RequestLimiter(limits: .init(perMinute: 10_000)), transport: recorder, tenantUUID: tenant)
        return (PlanhatService(backend: backend), recorder)
    }

    func acme(_ service: PlanhatService) async throws -> JSONValue {
        try #require(try await service.perform(model: "companies", operation: "list", parameters: ["limit": 1]).arrayValue?.first)
    }

    @Test("a license with a full ISO timestamp as fromDate is created: POST /licenses, the timestamp sent and kept")
    func licenseTimestamp() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, recorder) = client(server)
        let company = try await acme(service)
        let created = try await service.perform(model: "licenses", operation: "create", parameters: [
            "companyId": company["_id"] ?? .null, "_currency": "USD", "fromDate": "2019-12-11T09:09:08.000Z", "value": 100,
        ])
        let sent = try #require(recorder.exchanges.last)
        #expect(sent.method == "POST" && sent.origin == Self.apiURL && sent.path == "/licenses" && sent.query.isEmpty)
        #expect(sent.body == ["companyId": company["_id"] ?? .null, "_currency": "USD", "fromDate": "2019-12-11T09:09:08.000Z", "value": 100])
        #expect(sent.status == 200)
        #expect(created["fromDate"] == "2019-12-11T09:09:08.000Z" && created["companyName"] == company["name"])
        #expect(try await service.perform(model: "licenses", operation: "update", parameters: ["id": created["_id"] ?? .null, "toDate": "2020-12-11"])["toDate"] == "2020-12-11",
                "a plain date is an ISO date too")
    }

    @Test("an end user with only an email is created and gets the company whose domain it has")
    func enduserByDomain() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, recorder) = client(server)
        let company = try await acme(service)
        let domain = try #require(company["domains"]?.arrayValue?.first?.stringValue)
        #expect(domain == "acmeanalytics.io")
        let created = try await service.perform(model: "endusers", operation: "create", parameters: ["email": "a@acmeanalytics.io"])
        let sent = try #require(recorder.exchanges.last)
        #expect(sent.method == "POST" && sent.path == "/endusers" && sent.body == ["email": "a@acmeanalytics.io"])
        #expect(created["companyId"] == company["_id"] && created["companyName"] == company["name"])
        let byExternalID = try await service.perform(model: "endusers", operation: "create", parameters: [
            "email": "b@elsewhere.example", "companyExternalId": company["externalId"] ?? .null,
        ])
        #expect(byExternalID["companyId"] == company["_id"])
        let orphan = await failure { try await service.perform(model: "endusers", operation: "create", parameters: ["email": "c@nobody.example"]) }
        #expect(orphan?.status == 400)
        #expect(orphan?.message.contains("no company matches") == true && orphan?.message.contains("nobody.example") == true)
    }

    @Test("a task's status is written: PUT /tasks/<id> with {status: Done}")
    func taskStatus() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, recorder) = client(server)
        let task = try #require(try await service.perform(model: "tasks", operation: "list", parameters: ["limit": 1]).arrayValue?.first)
        let id = try #require(task["_id"]?.stringValue)
        let updated = try await service.perform(model: "tasks", operation: "update", parameters: ["id": .string(id), "status": "Done"])
        let sent = try #require(recorder.exchanges.last)
        #expect(sent.method == "PUT" && sent.path == "/tasks/\(id)" && sent.body == ["status": "Done"])
        #expect(updated["status"] == "Done")
        let bySource = try await service.perform(model: "tasks", operation: "bulkUpsert", parameters: ["items": [
            ["_id": .string(id), "sourceId": "sfdc-1234"],
        ]])
        #expect(bySource["updated"] == 1)
        #expect(try await service.perform(model: "tasks", operation: "bulkUpsert", parameters: ["items": [["sourceId": "sfdc-1234", "status": "In-progress"]]])["updated"] == 1,
                "sourceId is a task's keyable")
    }

    @Test("metrics push: POST https://analytics.planhat.com/dimensiondata/<tenant UUID>, no token; the data point is listed with cid and dimid")
    func metricsPush() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, recorder) = client(server)
        let company = try await acme(service)
        let answer = try await service.perform(model: "dimensiondata", operation: "bulkUpsert", parameters: ["items": [
            ["dimensionId": "logins", "value": 7, "externalId": company["externalId"] ?? .null, "date": "2024-10-04T10:00:00.000Z"],
        ]])
        let sent = try #require(recorder.exchanges.last)
        #expect(sent.method == "POST")
        #expect(sent.origin == PlanhatAPI.analyticsBaseURL)
        #expect(sent.path == "/dimensiondata/\(Self.tenant)")
        #expect(sent.headers["Authorization"] == nil, "the tenant UUID authorises it; the token stays home")
        #expect(sent.body == [["dimensionId": "logins", "value": 7, "externalId": company["externalId"] ?? .null, "date": "2024-10-04T10:00:00.000Z"]])
        #expect(sent.status == 200)
        #expect(answer == ["processed": 1, "errors": []])

        let listed = try #require(try await service.perform(model: "dimensiondata", operation: "list", parameters: [
            "cid": company["_id"] ?? .null, "dimid": "logins", "from": 20_000, "to": 20_000,
        ]).arrayValue)
        let list = try #require(recorder.exchanges.last)
        #expect(list.method == "GET" && list.origin == Self.apiURL && list.path == "/dimensiondata")
        #expect(list.query.map { "\($0.name)=\($0.value ?? "")" } == ["cid=\(company["_id"]?.stringValue ?? "")", "dimid=logins", "from=20000", "to=20000"])
        #expect(listed.count == 1)
        #expect(listed.first?["time"] == "2024-10-04T10:00:00.000Z" && listed.first?["companyId"] == company["_id"])
        #expect(try await service.perform(model: "dimensiondata", operation: "list", parameters: ["dimid": "logins", "from": 20_001]).arrayValue?.isEmpty == true)
    }

    @Test("without a tenant UUID a metrics push is refused as a configuration error, and nothing is sent")
    func metricsPushWithoutTenant() async throws {
        let server = try InProcessSandbox(companies: 2)
        let (service, recorder) = client(server, tenant: nil)
        let error = await failure {
            try await service.perform(model: "dimensiondata", operation: "bulkUpsert", parameters: ["items": [["dimensionId": "x", "value": 1, "externalId": "ACC-00001"]]])
        }
        #expect(error?.cause == .configuration)
        #expect(error?.message.contains("no tenant UUID is configured") == true)
        #expect(error?.report.contains("PLANHAT_TENANT_UUID") == true)
        #expect(recorder.exchanges.isEmpty)
    }

    @Test("the curl preview of a push names the analytics host and $PLANHAT_TENANT_UUID, never a token")
    func pushPreview() throws {
        let service = client(try InProcessSandbox(companies: 0)).0
        let request = try service.prepare(model: "dimensiondata", operation: "bulkUpsert", parameters: ["items": [["dimensionId": "x", "value": 1, "externalId": "E"]]])
        #expect(request.method == "POST" && request.host == .analytics)
        #expect(request.target == "https://analytics.planhat.com/dimensiondata/{tenantUUID}")
        let curl = request.curlCommand(baseURL: Self.apiURL)
        #expect(curl.hasPrefix("curl -sS -X POST 'https://analytics.planhat.com/dimensiondata/'\"$PLANHAT_TENANT_UUID\" "))
        #expect(!curl.contains("Authorization"))
        let activity = try service.prepare(model: "useractivities", operation: "create", parameters: ["email": "ana@acme.io", "action": "Logged in"])
        #expect(activity.method == "POST" && activity.target == "https://analytics.planhat.com/analytics/{tenantUUID}")
    }

    @Test("a user activity goes to POST https://analytics.planhat.com/analytics/<tenant UUID>; the bulk one to /analytics/bulk/<tenant UUID>")
    func userActivities() async throws {
        let server = try InProcessSandbox(companies: 2)
        let (service, recorder) = client(server)
        let one = try await service.perform(model: "useractivities", operation: "create", parameters: [
            "email": "ana@acmeanalytics.io", "action": "Logged in", "date": "2016-10-13T08:00:00.000Z", "info": ["theme": "Blue"],
        ])
        #expect(recorder.exchanges.last?.method == "POST" && recorder.exchanges.last?.origin == PlanhatAPI.analyticsBaseURL)
        #expect(recorder.exchanges.last?.path == "/analytics/\(Self.tenant)")
        #expect(one["processed"] == 1)
        let many = try await service.perform(model: "useractivities", operation: "bulkUpsert", parameters: ["items": [
            ["email": "ana@acmeanalytics.io", "action": "Logged in", "count": 2], ["externalId": "U-1", "action": "Exported"],
        ]])
        #expect(recorder.exchanges.last?.path == "/analytics/bulk/\(Self.tenant)")
        #expect(many["processed"] == 2)
    }

    @Test("a company lookup by status, externalId or sourceId goes to GET /leancompanies and answers lean records")
    func leanCompanies() async throws {
        let server = try InProcessSandbox(companies: 20)
        let (service, recorder) = client(server)
        let company = try await acme(service)
        let found = try #require(try await service.perform(model: "companies", operation: "list", parameters: ["externalId": company["externalId"] ?? .null]).arrayValue)
        let sent = try #require(recorder.exchanges.last)
        #expect(sent.method == "GET" && sent.path == "/leancompanies")
        #expect(sent.query.map(\.name) == ["externalId"])
        var lean: [String: JSONValue] = [:]
        for key in ["_id", "name", "externalId", "sourceId"] { lean[key] = company[key] }
        #expect(found == [.object(lean)])
        _ = try await service.perform(model: "companies", operation: "list", parameters: ["limit": 2, "sort": "-arr"])
        #expect(recorder.exchanges.last?.path == "/companies", "paging and sorting alone stay on /companies")
        let lost = try #require(try await service.perform(model: "companies", operation: "list", parameters: ["status": "lost"]).arrayValue)
        #expect(recorder.exchanges.last?.path == "/leancompanies" && recorder.exchanges.last?.query.first?.value == "lost")
        for record in lost {
            #expect(try await service.perform(model: "companies", operation: "view", parameters: ["id": record["_id"] ?? .null])["status"] == "lost")
        }
    }

    @Test("a note is found by its externalId: GET /conversations/extid-<externalId>; notes list 30 by default")
    func noteByExternalID() async throws {
        let server = try InProcessSandbox(companies: 40)
        let (service, recorder) = client(server)
        let company = try await acme(service)
        _ = try await service.perform(model: "notes", operation: "create", parameters: ["companyId": company["_id"] ?? .null, "subject": "QBR", "externalId": "NOTE-1"])
        let note = try await service.perform(model: "notes", operation: "view", parameters: ["id": "extid-NOTE-1"])
        #expect(recorder.exchanges.last?.method == "GET" && recorder.exchanges.last?.path == "/conversations/extid-NOTE-1")
        #expect(note["subject"] == "QBR" && note["type"] == "note")
        let notes = try #require(try await service.perform(model: "notes", operation: "list", parameters: [:]).arrayValue)
        #expect(notes.count == 30)
    }

    @Test("users and time entries are created: POST /users, POST /timeentries")
    func newCreates() async throws {
        let server = try InProcessSandbox(companies: 2)
        let (service, recorder) = client(server)
        let user = try await service.perform(model: "users", operation: "create", parameters: [
            "email": "new.member@planhat-demo.io", "nickName": "New", "firstName": "New", "lastName": "Member",
        ])
        #expect(recorder.exchanges.last?.method == "POST" && recorder.exchanges.last?.path == "/users")
        #expect(user["nickName"] == "New")
        let company = try await acme(service)
        let entry = try await service.perform(model: "timeentries", operation: "create", parameters: [
            "companyId": company["_id"] ?? .null, "date": "2026-11-30", "hours": 1.5, "description": "Workshop",
        ])
        #expect(recorder.exchanges.last?.method == "POST" && recorder.exchanges.last?.path == "/timeentries")
        #expect(entry["hours"] == 1.5 && entry["companyId"] == company["_id"])
        let refused = await failure {
            try await service.perform(model: "timeentries", operation: "create", parameters: ["date": "2026-11-30", "hours": 1, "timesheetStatus": "approved"])
        }
        #expect(refused?.fieldIssues.first?.problem?.contains("computed by Planhat") == true, "timesheetStatus is read-only")
    }

    @Test("products, line items and workspaces are models of their own")
    func newModels() async throws {
        let server = try InProcessSandbox(companies: 30)
        let (service, recorder) = client(server)
        let product = try await service.perform(model: "products", operation: "create", parameters: ["name": "Add-on", "type": "fee", "value": 900])
        #expect(recorder.exchanges.last?.method == "POST" && recorder.exchanges.last?.path == "/products")
        #expect(product["type"] == "fee")
        let items = try #require(try await service.perform(model: "lineitems", operation: "list", parameters: ["limit": 5]).arrayValue)
        #expect(recorder.exchanges.last?.path == "/lineitems")
        #expect(!items.isEmpty && items.allSatisfy { $0["dealId"] != nil && $0["productId"] != nil })
        let workspaces = try #require(try await service.perform(model: "workspaces", operation: "list", parameters: [:]).arrayValue)
        #expect(!workspaces.isEmpty)
        let field = try await service.perform(model: "workspaces", operation: "update", parameters: ["id": workspaces[0]["_id"] ?? .null, "region": "EU"])
        #expect(field["region"] == "EU", "no source lists a workspace's fields: one the catalog lacks is sent as given")
    }

    @Test("a bulk upsert with refused items answers 206 with the per-item errors; all refused, 400 with the summary, which the client keeps")
    func bulkStatuses() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, recorder) = client(server)
        let partial = try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": [["name": "Fine Co"], ["externalId": "NO-NAME"]]])
        #expect(recorder.exchanges.last?.method == "PUT" && recorder.exchanges.last?.path == "/companies")
        #expect(recorder.exchanges.last?.status == 206)
        #expect(partial["created"] == 1 && partial["createdErrors"]?.arrayValue?.first?["fields"] == ["name"])
        #expect(partial["createdErrors"]?.arrayValue?.first?["externalId"] == "NO-NAME")
        let none = try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": [["externalId": "NO-NAME-2"]]])
        #expect(recorder.exchanges.last?.status == 400)
        #expect(none["created"] == 0 && BulkItems.errorCount(none) == 1)
        let clean = try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": [["name": "Also Fine"]]])
        #expect(recorder.exchanges.last?.status == 200 && clean["validationErrors"] == [])
    }

    @Test("a 403 with permissionErrors is an answer; a chunk answered 400 with a summary does not stop the run")
    func permissionErrorsAndChunks() async throws {
        let server = try InProcessSandbox(companies: 2)
        let (service, recorder) = client(server)
        let denied = #"{\"created\":0,\"createdErrors\":[],\"insertsKeys\":[],\"updated\":0,\"updatedErrors\":[],\"updatesKeys\":[],\"nonupdates\":0,\"modified\":[],\"upsertedIds\":[],\"permissionErrors\":[{\"message\":\"no write access to companies\"}]}"#
        try await server.inject(#"{"path": "/companies", "method": "PUT", "status": 403, "body": "\#(denied)"}"#)
        let answer = try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": [["name": "Blocked"]]])
        #expect(recorder.exchanges.last?.status == 403)
        #expect(answer["permissionErrors"]?.arrayValue?.first?["message"] == "no write access to companies")

        let failed = #"{\"created\":0,\"createdErrors\":[{\"message\":\"duplicated key\"}],\"insertsKeys\":[],\"updated\":0,\"updatedErrors\":[],\"updatesKeys\":[],\"nonupdates\":0,\"modified\":[],\"upsertedIds\":[],\"permissionErrors\":[]}"#
        try await server.inject(#"{"path": "/companies", "method": "PUT", "status": 400, "body": "\#(failed)"}"#)
        let items = (0..<5_001).map { index -> JSONValue in ["name": .string("Chunk \(index)")] }
        let summary = try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": .array(items)])
        #expect(recorder.exchanges.suffix(2).map(\.status) == [400, 200])
        #expect(summary["created"] == 1 && summary["createdErrors"]?.arrayValue?.count == 1)
        let other = await failure {
            try await server.inject(#"{"path": "/companies", "method": "PUT", "status": 400, "body": "{\"error\": \"malformed\"}"}"#)
            return try await service.perform(model: "companies", operation: "bulkUpsert", parameters: ["items": [["name": "X"]]])
        }
        #expect(other?.status == 400, "a 400 without a summary is still a failure")
    }

    @Test("the three delete answers: the deleted note, the counts, and an empty body")
    func deleteAnswers() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, recorder) = client(server)
        let note = try #require(try await service.perform(model: "notes", operation: "list", parameters: ["limit": 1]).arrayValue?.first)
        let deletedNote = try await service.perform(model: "notes", operation: "delete", parameters: ["id": note["_id"] ?? .null])
        #expect(recorder.exchanges.last?.method == "DELETE" && recorder.exchanges.last?.path == "/conversations/\(note["_id"]?.stringValue ?? "")")
        #expect(deletedNote["_id"] == note["_id"] && deletedNote["subject"] == note["subject"], "the note page: the deleted document")
        let task = try #require(try await service.perform(model: "tasks", operation: "list", parameters: ["limit": 1]).arrayValue?.first)
        #expect(try await service.perform(model: "tasks", operation: "delete", parameters: ["id": task["_id"] ?? .null]) == ["n": 1, "ok": 1, "deletedCount": 1])
        try await server.inject(#"{"path": "/assets", "method": "DELETE", "status": 200, "body": ""}"#)
        #expect(try await service.perform(model: "assets", operation: "delete", parameters: ["id": "64b7a0c2e4b0a1b2c3d4e5f6"]) == ["deleted": true])
    }

    @Test("a ticket without companyId is linked by its domains; its own createdAt is kept")
    func ticketCompany() async throws {
        let server = try InProcessSandbox(companies: 5)
        let (service, _) = client(server)
        let company = try await acme(service)
        let summary = try await service.perform(model: "tickets", operation: "bulkUpsert", parameters: ["items": [[
            "sourceId": "ZD-1", "email": "someone@gmail.example", "domains": ["acmeanalytics.io"], "title": "Login fails",
            "createdAt": "2016-10-17T14:00:00.000Z",
        ]]])
        #expect(summary["created"] == 1)
        let ticket = try #require(try await service.perform(model: "tickets", operation: "list", parameters: ["search": "Login fails"]).arrayValue?.first)
        #expect(ticket["companyId"] == company["_id"] && ticket["subject"] == "Login fails")
        #expect(ticket["createdAt"] == "2016-10-17T14:00:00.000Z")
    }

    @Test("the analytics routes of sandbox serve: any tenant UUID on loopback, exactly --tenant-uuid when given, none off loopback without it")
    func analyticsAccess() async throws {
        let strict = try InProcessSandbox(companies: 2, tenantUUID: Self.tenant)
        #expect(try await client(strict).0.perform(model: "useractivities", operation: "create", parameters: ["email": "a@b.io"])["processed"] == 1)
        let wrong = await failure { try await client(strict, tenant: "another").0.perform(model: "useractivities", operation: "create", parameters: ["email": "a@b.io"]) }
        #expect(wrong?.status == 403)
        let exposed = try InProcessSandbox(companies: 2, token: "t", host: "0.0.0.0")
        let off = await failure { try await client(exposed).0.perform(model: "useractivities", operation: "create", parameters: ["email": "a@b.io"]) }
        #expect(off?.status == 403 && off?.message.contains("--tenant-uuid") == true)
    }

    @Test("the tenant UUID and the analytics host: PLANHAT_TENANT_UUID and PLANHAT_ANALYTICS_URL, else the profile's tenant_uuid and analytics_url")
    func settings() throws {
        let home = ProcessRunner.temporaryDirectory("tenant-settings").path
        let folder = home + "/.config/planhat-explorer"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/config.yaml"
        try Data("profile: work\nprofiles:\n  work:\n    token: abc\n    tenant_uuid: from-profile\n    analytics_url: http://127.0.0.1:9/\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config)
        let profile = try SettingsLoader(environment: ["HOME": home]).load()
        #expect(profile.tenantUUID == "from-profile" && profile.analyticsURL == "http://127.0.0.1:9")
        let environment = try SettingsLoader(environment: ["HOME": home, "PLANHAT_TENANT_UUID": "from-env", "PLANHAT_ANALYTICS_URL": "https://analytics.example"]).load()
        #expect(environment.tenantUUID == "from-env" && environment.analyticsURL == "https://analytics.example")
        let none = try SettingsLoader(environment: ["HOME": home + "/nowhere"]).load()
        #expect(none.tenantUUID == nil && none.analyticsURL == PlanhatAPI.analyticsBaseURL)
        #expect(throws: PlanhatError.self) { try SettingsLoader(environment: ["HOME": home, "PLANHAT_ANALYTICS_URL": "analytics"]).load() }
        #expect(throws: PlanhatError.self) { try SettingsLoader(environment: ["HOME": home, "PLANHAT_TENANT_UUID": "a/b"]).load() }
    }
}
