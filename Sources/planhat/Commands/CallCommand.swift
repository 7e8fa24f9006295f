import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat call <model> <operation> --params …`: performs an operation and prints the response.
struct CallCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Perform an operation and print the API's JSON response.",
        discussion: """
            Examples:
              planhat call companies list --params '{"limit":3,"sort":"-arr","select":"name,arr"}'
              planhat call companies view --id extid-ACC-00001
              planhat call endusers create --params @new-contact.json
              echo '{"id":"…","phase":"Renewal"}' | planhat call companies update --params -
              planhat call companies bulkUpsert --items companies.csv     (.csv, .json, .ndjson, or - for stdin)
            To clear a field in an update, send null: {"id":"…","phase":null}.
            """)

    @Argument(help: "The model: a route or name such as companies, Company or \"End users\".")
    var model: String

    @Argument(help: "The operation: list, view, create, update, delete or bulkUpsert.")
    var operation: String

    @Option(name: .long, help: ArgumentHelp("The parameters: JSON text, @file to read a file, or - to read stdin.", valueName: "json"))
    var params: String?

    @Option(name: .long, help: ArgumentHelp("The record for view, update and delete (sets the id parameter).", valueName: "id"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("bulkUpsert: the items, from a .csv, .json or .ndjson file (what export writes), or - for stdin.", valueName: "file"))
    var items: String?

    @Flag(name: .long, help: "Print the response on one line instead of indented.")
    var compact = false

    @Flag(name: .long, help: "Refuse create, update, delete and bulkUpsert.")
    var readOnly = false

    @OptionGroup var backend: BackendOptions

    var logLevel: Logger.Level? { backend.logging.level }

    func run() async throws {
        var parameters = try PlanhatService.parseParameters(try ParameterSource.read(params))
        if let id, case .object(var members) = parameters {
            members["id"] = .string(id)
            parameters = .object(members)
        }
        var service = try backend.makeService(readOnly: readOnly, face: .cli)
        let resolved = try service.resolve(model: self.model, operation: self.operation)
        var model = resolved.0
        let operation = resolved.1
        if operation.sendsRecords {
            // Records sent are checked against the tenant's custom fields too.
            service = await service.withCustomFieldsOrWarning()
            model = service.catalog.model(route: model.route) ?? model
        }
        if let items {
            parameters = try Self.parameters(withItems: items, for: model, operation: operation, into: parameters)
        }
        let request = try service.prepare(model: model, operation: operation, parameters: parameters)
        let response: JSONValue
        var notices: [Notice] = []
        if operation == .bulkUpsert {
            // Chunks of at most 5 000, one after another, with the count on stderr (as the explorer shows it).
            let run = BulkUpsertRun { done, total, requests in
                Progress.report("\(English.number(done)) of \(English.count(total, "item")) sent (\(English.count(requests, "request")))")
            }
            response = try await run.run(request) { [service] chunk in try await service.perform(chunk) }
            notices = try await service.check(request, answer: response).notices
            let errors = BulkItems.errorCount(response)
            let sent = "\(model.route): \(English.count(request.body?.arrayValue?.count ?? 0, "item")) sent: "
            if let processed = response["processed"]?.intValue {
                Progress.finish(sent + "processed \(processed), \(English.count(errors, "error"))")
            } else {
                Progress.finish(sent + "created \(response["created"]?.intValue ?? 0), "
                    + "updated \(response["updated"]?.intValue ?? 0), unchanged \(response["nonupdates"]?.intValue ?? 0), \(English.count(errors, "error"))")
            }
        } else {
            let outcome = try await service.run(request)
            response = outcome.value
            notices = outcome.notices
        }
        for notice in notices { Console.err("warning: \(notice.message)") }
        Console.out(compact ? response.compactText() : response.prettyText())
    }

    /// `--items`: the items of a file (or stdin) go into the parameters, read as the explorer reads
    /// them; fields Planhat computes are left out, and said so on stderr.
    static func parameters(withItems source: String, for model: ModelDefinition, operation: ModelOperation, into parameters: JSONValue) throws -> JSONValue {
        guard operation == .bulkUpsert else {
            throw PlanhatError(.usage, message: "--items goes with bulkUpsert, not \(operation.rawValue)",
                               fieldIssues: [FieldIssue(path: "--items", value: source, expected: "planhat call <model> bulkUpsert --items FILE")])
        }
        guard parameters["items"] == nil else {
            throw PlanhatError(.usage, message: "give the items once: with --items or in --params, not both",
                               fieldIssues: [FieldIssue(path: "--items", value: source, expected: "--params without items")])
        }
        let file = source == "-"
            ? try BulkItems.read(data: FileHandle.standardInput.readDataToEndOfFile(), name: "stdin", format: nil, model: model)
            : try BulkItems.read(path: source, model: model)
        if let note = file.note { Console.err("planhat: \(source): \(note)") }
        var members = parameters.objectValue ?? [:]
        members["items"] = .array(file.items)
        return .object(members)
    }
}

/// Where `--params` comes from: inline text, `@file`, or `-` for stdin.
enum ParameterSource {
    /// The bytes of the parameters, as they are: decoding is the JSON parser's job, so invalid
    /// UTF-8 is refused with its offset instead of being replaced.
    static func read(_ argument: String?) throws -> Data {
        guard let argument else { return Data() }
        if argument == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PlanhatError(.file, message: "cannot read the parameters file '\(path)'",
                                   fieldIssues: [FieldIssue(path: "--params", value: argument, expected: "a readable JSON file")])
            }
            return data
        }
        return Data(argument.utf8)
    }
}
