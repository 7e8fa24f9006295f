import Foundation
import PlanhatKit
import TerminalUI

/// How a record's page in the Planhat web app is addressed: a pattern per profile (`web_url`,
/// `PLANHAT_WEB_URL`), with the tenant's slug in the app's addresses (`tenant_slug`,
/// `PLANHAT_TENANT_SLUG`).
///
/// Placeholders: `{tenant}`, `{id}`, `{route}` (`companies`), `{model}` (`enduser`), `{Model}`
/// (`EndUser`, the catalog's name in capitalised words without spaces). The default follows the record links people
/// build (`https://ws.planhat.com/<tenant>/home/data-explorer/<slug>?preview=<Model>.<_id>`);
/// that the data explorer's slug is the model's route is an assumption.
public struct WebLinks: Hashable, Sendable {
    public static let defaultPattern = "https://ws.planhat.com/{tenant}/home/data-explorer/{route}?preview={Model}.{id}"

    public var pattern: String
    public var tenant: String?

    public init(pattern: String? = nil, tenant: String? = nil) {
        self.pattern = pattern.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPattern
        self.tenant = tenant.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why no link can be built.
    public struct Missing: Error, Hashable, Sendable {
        public var message: String
    }

    /// The record's address, or why there is none (the pattern needs a tenant that is not set).
    public func url(model: ModelDefinition, id: String) -> Result<String, Missing> {
        if pattern.contains("{tenant}"), tenant == nil {
            return .failure(Missing(message: "set tenant_slug (the name after ws.planhat.com/ in the app's addresses) or web_url in the profile, or PLANHAT_TENANT_SLUG, to build the web-app link"))
        }
        // `End user` → `EndUser`: each word capitalised, the spaces dropped.
        let typeName = model.name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        let escapedID = id.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? id
        var url = pattern
        for (placeholder, value) in [("{tenant}", tenant ?? ""), ("{id}", escapedID), ("{route}", model.route), ("{model}", typeName.lowercased()), ("{Model}", typeName)] {
            url = url.replacingOccurrences(of: placeholder, with: value)
        }
        return .success(url)
    }
}

extension ExplorerUpdate {
    // MARK: - The record in the web app

    /// `o` on a record: its web-app address copied (OSC 52) and opened where a browser is, shown
    /// in the footer either way. A sandbox record has no page in the web app: said plainly.
    static func openInWebApp(_ page: RecordPage, _ state: inout ExplorerState, context: ExplorerContext) -> [Effect] {
        guard page.kind == .stored, let id = page.record["_id"]?.stringValue else {
            setStatus(&state, "only a stored record has a page in the Planhat web app", error: true)
            return []
        }
        if context.service.backend.info.kind == .sandbox {
            setStatus(&state, "this is the local sandbox: its records have no page in the Planhat web app (on a tenant, o copies and opens the record's page)", error: true)
            return []
        }
        switch context.webLinks.url(model: page.model, id: id) {
        case .failure(let missing):
            setStatus(&state, missing.message, error: true)
            return []
        case .success(let url):
            setStatus(&state, "\(url) · copied (OSC 52)")
            state.statusIsWide = true
            return [.openURL(url)]
        }
    }

    /// What the app found when it tried to open the address.
    static func urlOpened(_ url: String, browser: Bool, _ state: inout ExplorerState) {
        setStatus(&state, browser ? "\(url) · copied and opened" : "\(url) · copied (OSC 52); no browser here to open it")
        state.statusIsWide = true
    }
}
