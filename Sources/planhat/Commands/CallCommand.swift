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
            """)

    @Argument(help: "The model: a route or name such as companies, Company or \"End users\".")
    var model: String

    @Argument(help: "The operation: list, view, create, update, delete or bulkUpsert.")
    var operation: String

    @Option(name: .long, help: ArgumentHelp("The parameters: JSON text, @file to read a file, or - to read stdin.", valueName: "json"))
    var params: String?

    @Option(name: .long, help: ArgumentHelp("The record for view, update and delete (sets the id parameter).", valueName: "id"))
    var id: String?

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
        let service = try backend.makeService(readOnly: readOnly) { progress in
            Progress.report("\(progress.done) of \(progress.total ?? progress.done) items sent (\(progress.requests) request\(progress.requests == 1 ? "" : "s"))")
        }
        let response = try await service.perform(model: model, operation: operation, parameters: parameters)
        Console.out(compact ? response.compactText() : response.prettyText())
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
