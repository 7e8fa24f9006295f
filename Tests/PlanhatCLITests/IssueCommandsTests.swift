import Foundation
import PlanhatKit
import PlanhatTestSupport
import PlanhatTestTraits
import Testing

/// The fidelity issue's three commands, refused with a 400 before although Planhat accepts them,
/// on the sandbox and through `sandbox serve`; and a metrics push to the analytics host's route.
@Suite("The issue's commands succeed", .offThePool)
struct IssueCommandsTests {
    /// The three commands against `arguments`' backend; each must exit 0 with the record it wrote.
    func threeCommands(_ arguments: [String], environment: [String: String]? = nil) throws {
        func call(_ model: String, _ operation: String, _ parameters: String) throws -> JSONValue {
            let result = try ProcessRunner.planhat(["call", model, operation, "--compact", "--params", parameters] + arguments, environment: environment)
            #expect(result.status == 0, "\(model) \(operation): \(result.stderr)")
            return try JSONValue.parse(result.stdout)
        }
        let company = try #require(try call("companies", "list", #"{"limit":1,"select":"name,domains"}"#).arrayValue?.first)
        let companyID = try #require(company["_id"]?.stringValue)
        let license = try call("licenses", "create", #"{"companyId":"\#(companyID)","_currency":"USD","fromDate":"2019-12-11T09:09:08.000Z","value":100}"#)
        #expect(license["fromDate"] == "2019-12-11T09:09:08.000Z" && license["companyId"] == .string(companyID))
        let enduser = try call("endusers", "create", #"{"email":"a@acmeanalytics.io"}"#)
        #expect(enduser["companyId"] == .string(companyID), "assigned by the email's domain, as Planhat does")
        let task = try #require(try call("tasks", "list", #"{"limit":1,"select":"action"}"#).arrayValue?.first?["_id"]?.stringValue)
        let done = try call("tasks", "update", #"{"id":"\#(task)","status":"Done"}"#)
        #expect(done["status"] == "Done")
    }

    @Test("licenses create with an ISO timestamp, endusers create with only an email, tasks update to Done: on the sandbox")
    func onTheSandbox() throws {
        let path = ProcessRunner.seededSandbox("issue-commands", companies: 5)
        try threeCommands(["--sandbox", "--sandbox-path", path])
    }

    @Test("the same through sandbox serve with a token; a metrics push goes to PLANHAT_ANALYTICS_URL with PLANHAT_TENANT_UUID in the path")
    func throughServe() throws {
        let server = try ServedSandbox(companies: 5, extraArguments: ["--tenant-uuid", "tenant-1234"])
        let environment = ProcessRunner.environment([
            "PLANHAT_API_URL": server.baseURL, "PLANHAT_API_TOKEN": "test", "PLANHAT_ANALYTICS_URL": server.baseURL,
            "PLANHAT_TENANT_UUID": "tenant-1234",
        ])
        try threeCommands([], environment: environment)
        #expect(try server.count("POST /licenses") == 1 && server.count("POST /endusers") == 1)

        let push = try ProcessRunner.planhat(["call", "metrics", "bulkUpsert", "--compact", "--params",
                                              #"{"items":[{"dimensionId":"logins","value":3,"externalId":"ACC-00001"}]}"#], environment: environment)
        #expect(push.status == 0, "\(push.stderr)")
        #expect(push.stdout.contains(#""processed":1"#))
        #expect(push.stderr.contains("processed 1, 0 errors"))
        #expect(try server.count("POST /dimensiondata/tenant-1234") == 1)

        var withoutTenant = environment
        withoutTenant.removeValue(forKey: "PLANHAT_TENANT_UUID")
        let refused = try ProcessRunner.planhat(["call", "metrics", "bulkUpsert", "--params",
                                                 #"{"items":[{"dimensionId":"logins","value":3,"externalId":"ACC-00001"}]}"#], environment: withoutTenant)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no tenant UUID is configured") && refused.stderr.contains("PLANHAT_TENANT_UUID"))
        #expect(try server.count("POST /dimensiondata/tenant-1234") == 1, "nothing was sent")
    }
}
