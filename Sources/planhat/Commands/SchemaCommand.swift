import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat schema <model> <operation>`: the JSON Schema of an operation's parameters, the tenant's
/// custom fields merged in; `planhat schema --refresh` reads those again.
struct SchemaCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of an operation's parameters.",
        discussion: """
            The same schema the MCP tool get_model_action_parameters returns, with the tenant's custom fields \
            (read once from GET /customfields and kept in $XDG_CACHE_HOME/planhat-explorer/custom-fields per \
            profile and API host; with no token, the sandbox's). Examples:
              planhat schema companies create
              planhat schema --refresh                  (read the custom fields again)
              planhat schema endusers update --refresh
            """)

    @Argument(help: "The model: a route or name such as companies, Company or \"End users\".")
    var model: String?

    @Argument(help: "The operation: list, view, create, update, delete or bulkUpsert.")
    var operation: String?

    @Flag(name: .long, help: "Read the tenant's custom field definitions again (and keep them for the next commands).")
    var refresh = false

    @OptionGroup var backend: BackendOptions

    var logLevel: Logger.Level? { backend.logging.level }

    func validate() throws {
        if model == nil && !refresh {
            throw ValidationError("name a model and an operation, e.g. planhat schema companies create (or --refresh alone to read the custom fields again)")
        }
        if model != nil && operation == nil {
            throw ValidationError("name the operation too: list, view, create, update, delete or bulkUpsert")
        }
    }

    func run() async throws {
        var service = try backend.makeService(announceSandbox: false)
        if let model, let operation {
            // A wrong name fails before anything is read.
            _ = try service.resolve(model: model, operation: operation)
        }
        if refresh {
            service = try await service.withCustomFields(refresh: true)
            let summary = Self.summary(service)
            if model == nil {
                Console.out(summary)
                return
            }
            Console.err("planhat: " + summary)
        } else {
            service = await service.withCustomFieldsOrWarning()
        }
        if let model, let operation {
            Console.out(try service.schema(model: model, operation: operation).prettyText())
        }
    }

    /// `read 9 custom fields (companies 7, endusers 2) from …; kept in …`.
    static func summary(_ service: PlanhatService) -> String {
        guard let fields = service.customFields else { return "no custom fields read" }
        let byRoute = fields.definitions(in: service.catalog)
        let counts = service.catalog.models.compactMap { model in byRoute[model.route].map { "\(model.route) \($0.count)" } }
        var text = "read \(English.count(fields.definitions.count, "custom field")) from \(fields.origin)"
        if !counts.isEmpty { text += " (" + counts.joined(separator: ", ") + ")" }
        let unmatched = fields.unmatchedParents(in: service.catalog)
        if !unmatched.isEmpty { text += "; for models the catalog does not know: " + unmatched.joined(separator: ", ") }
        if let cache = service.customFieldsLoader.cache { text += "; kept in \(UserDirectories().abbreviate(cache.path))" }
        return text
    }
}
