import Foundation
import PlanhatKit
import PlanhatRemote
import PlanhatTestSupport
import Testing

@Suite("Settings: the web-app link")
struct WebLinkSettingsTests {
    @Test("web_url and tenant_slug come from the profile, PLANHAT_WEB_URL and PLANHAT_TENANT_SLUG win; a pattern without {id} is refused naming web_url")
    func webLink() throws {
        let home = ProcessRunner.temporaryDirectory("web-link-settings").path
        let folder = home + "/.config/planhat-explorer"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/config.yaml"
        try Data("profile: work\nprofiles:\n  work:\n    token: abc\n    tenant_slug: acme\n    web_url: https://ws.planhat.com/{tenant}/x/{route}?p={Model}.{id}\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: config)
        let profile = try SettingsLoader(environment: ["HOME": home]).load()
        #expect(profile.tenantSlug == "acme" && profile.webURL == "https://ws.planhat.com/{tenant}/x/{route}?p={Model}.{id}")
        let environment = try SettingsLoader(environment: ["HOME": home, "PLANHAT_TENANT_SLUG": "other", "PLANHAT_WEB_URL": "https://app.example/{id}"]).load()
        #expect(environment.tenantSlug == "other" && environment.webURL == "https://app.example/{id}")
        let none = try SettingsLoader(environment: ["HOME": home + "/nowhere"]).load()
        #expect(none.tenantSlug == nil && none.webURL == nil)
        for bad in ["https://app.example/records", "app.example/{id}"] {
            do {
                _ = try SettingsLoader(environment: ["HOME": home, "PLANHAT_WEB_URL": bad]).load()
                Issue.record("\(bad) was taken")
            } catch let error as PlanhatError {
                #expect(error.fieldIssues.first?.path == "web_url" && error.message.contains(bad))
            }
        }
    }
}
