import ArgumentParser
import Foundation
import Logging
import PlanhatKit
import PlanhatRemote

/// `planhat export <model>`: every record of a model, paged at the model's largest page size and
/// streamed to a file or stdout as it arrives.
struct ExportCommand: AsyncParsableCommand, ChoosesLogLevel {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every record of a model as NDJSON, CSV or JSON.",
        discussion: """
            Pages through the model at its maximum page size (e.g. 5000 companies, 2000 end users per
            request) until a short page, writing each page as it arrives, so memory stays constant.
            --params takes the list's sort, select and filters (not limit/offset).
            Example: planhat export endusers --format csv --output contacts.csv --params '{"select":"email,name"}'
            """)

    enum Format: String, CaseIterable, Sendable {
        case ndjson, csv, json
    }

    @Argument(help: "The model: a route or name such as companies or \"End users\".")
    var model: String

    @Option(name: .long, help: ArgumentHelp("ndjson (one record a line), csv or json.", valueName: "format"))
    var format = Format.ndjson.rawValue

    @Option(name: .long, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("List parameters (sort, select, filters): JSON, @file or -.", valueName: "json"))
    var params: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Records per request (default and most: the model's maximum).", valueName: "n"))
    var pageSize: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Stop after this many records.", valueName: "n"))
    var max: String?

    @OptionGroup var backend: BackendOptions

    /// What each option accepts.
    enum Rules {
        static let format = OptionRule<Format>.oneOf("--format")
        /// More than the model's largest page is read as the largest page.
        static let pageSize = OptionRule<Int>.wholeNumber("--page-size", atLeast: 1)
        static let max = OptionRule<Int>.wholeNumber("--max", atLeast: 1)
    }

    var logLevel: Logger.Level? { backend.logging.level }

    func validate() throws {
        _ = try Rules.format.value(of: format)
        _ = try Rules.pageSize.value(of: pageSize)
        _ = try Rules.max.value(of: max)
    }

    func run() async throws {
        let format = try Rules.format.value(of: self.format)
        let max = try Rules.max.value(of: self.max)
        let service = try backend.makeService(readOnly: true)
        let model = try service.catalog.model(named: self.model)
        guard model.supports(.list) else { throw PlanhatError.unsupportedOperation("list", model: model) }
        var parameters = try PlanhatService.parseParameters(try ParameterSource.read(params)).objectValue ?? [:]
        for reserved in ["limit", "offset"] where parameters[reserved] != nil {
            throw PlanhatError(
                status: 400, message: "export pages by itself; leave \(reserved) out of --params",
                fieldIssues: [FieldIssue(path: reserved, value: parameters[reserved]?.preview(), expected: "--page-size or --max instead")])
        }
        let size = Swift.min(try Rules.pageSize.value(of: pageSize) ?? model.listLimit.max, model.listLimit.max)
        let sink: ExportSink
        do {
            sink = try ExportSink(path: output, format: format, select: parameters["select"]?.stringValue)
        } catch var error as PlanhatError {
            error.message = "--output: \(error.message)"
            error.fieldIssues = [FieldIssue(path: "--output", value: output, expected: "a file that can be written")]
            throw error
        }
        var exported = 0
        var requests = 0
        defer { sink.finish() }
        while true {
            parameters["limit"] = .integer(Swift.min(size, max.map { $0 - exported } ?? size))
            parameters["offset"] = .integer(exported)
            let page: [JSONValue]
            do {
                page = try await service.perform(model: model.route, operation: "list", parameters: .object(parameters)).arrayValue ?? []
            } catch var error as PlanhatError {
                error.message = "export stopped after \(exported) records (\(requests) requests): \(error.message)"
                error.details.insert("What was exported so far is in \(output ?? "stdout"); resume with --params and a filter, or try again.", at: 0)
                throw error
            }
            requests += 1
            try sink.write(page)
            exported += page.count
            Progress.report("\(model.route): \(exported) records exported (\(requests) request\(requests == 1 ? "" : "s"))")
            if page.count < size || max.map({ exported >= $0 }) == true { break }
        }
        Progress.finish("\(model.route): \(exported) records exported in \(requests) request\(requests == 1 ? "" : "s")\(output.map { " to \($0)" } ?? "")")
    }
}

/// Where exported records go, written page by page.
final class ExportSink {
    let handle: FileHandle
    let format: ExportCommand.Format
    var columns: [String]?
    var first = true

    init(path: String?, format: ExportCommand.Format, select: String?) throws {
        self.format = format
        if let path {
            handle = try FileOutput.open(path)
        } else {
            handle = FileHandle.standardOutput
        }
        if let select {
            columns = ["_id"] + select.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != "_id" }
        }
        if format == .json { emit("[") }
    }

    func write(_ records: [JSONValue]) throws {
        var text = ""
        for record in records {
            switch format {
            case .ndjson:
                text += record.compactText() + "\n"
            case .json:
                text += (first ? "\n" : ",\n") + record.compactText()
            case .csv:
                if columns == nil {
                    let keys = Set(records.flatMap { $0.objectValue?.keys.map { $0 } ?? [] })
                    columns = ["_id"] + keys.subtracting(["_id"]).sorted()
                }
                if first { text += CSV.row(columns ?? []) + "\n" }
                text += CSV.row((columns ?? []).map { CSV.cell(record[$0]) }) + "\n"
            }
            first = false
        }
        emit(text)
    }

    func finish() {
        if format == .json { emit("\n]\n") }
        if handle !== FileHandle.standardOutput { try? handle.close() }
    }

    private func emit(_ text: String) {
        handle.write(Data(text.utf8))
    }
}

/// A progress line on stderr, redrawn in place on a terminal.
enum Progress {
    static let interactive = isatty(STDERR_FILENO) == 1

    static func report(_ line: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8)) }
    }

    static func finish(_ line: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        Console.err(line)
    }
}
