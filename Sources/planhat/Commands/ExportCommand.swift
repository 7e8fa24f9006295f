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

    @Argument(help: "The model: a route or name such as companies or \"End users\".")
    var model: String

    @Option(name: .long, help: ArgumentHelp("ndjson (one record a line), csv or json.", valueName: "format"))
    var format = RecordFormat.ndjson.rawValue

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
        static let format = OptionRule<RecordFormat>.oneOf("--format")
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
                .invalidParameters, message: "export pages by itself; leave \(reserved) out of --params",
                fieldIssues: [FieldIssue(path: reserved, value: parameters[reserved]?.preview(), expected: "--page-size or --max instead")])
        }
        let size = Swift.min(try Rules.pageSize.value(of: pageSize) ?? model.listLimit.max, model.listLimit.max)
        let sink: ExportSink
        do {
            sink = try ExportSink(path: output.map { UserDirectories().expand($0) }, format: format, select: parameters["select"]?.stringValue)
        } catch var error as PlanhatError {
            error.message = "--output: \(error.message)"
            error.fieldIssues = [FieldIssue(path: "--output", value: output, expected: "a file that can be written")]
            throw error
        }
        var exported = 0
        var received = 0
        var requests = 0
        var tally = PageTally()
        var finished = false
        // What was received is written out even when a page fails (a spooled CSV included).
        defer { if !finished { try? sink.finish() } }
        while true {
            parameters["limit"] = .integer(Swift.min(size, max.map { $0 - exported } ?? size))
            parameters["offset"] = .integer(received)
            let page: RawListPage
            do {
                // Checked against its filters: records a filter the server ignored let through are left out.
                // The records stay bytes: written as received, with no decoding and encoding of each.
                page = try await service.rawListPage(model: model, parameters: .object(parameters))
            } catch var error as PlanhatError {
                error.message = "export stopped after \(exported) records (\(requests) requests): \(error.message)"
                error.details.insert("What was exported so far is in \(output ?? "stdout"); resume with --params and a filter, or try again.", at: 0)
                throw error
            }
            requests += 1
            try sink.write(page.records)
            exported += page.records.count
            received += page.received
            tally.add(page)
            Progress.report("\(model.route): \(exported) records exported (\(requests) request\(requests == 1 ? "" : "s"))")
            if page.received < size || max.map({ received >= $0 }) == true { break }
        }
        finished = true
        try sink.finish()
        for notice in tally.notices { Console.err("warning: \(notice.message)") }
        Progress.finish("\(model.route): \(exported) records exported in \(requests) request\(requests == 1 ? "" : "s")\(output.map { " to \($0)" } ?? "")")
    }
}

/// Where exported records go, written page by page by the core's ``RecordWriter`` (the one the
/// explorer's `e` uses too), so an export bulk-upserts back unchanged.
final class ExportSink {
    let handle: FileHandle
    let writer: RecordWriter

    init(path: String?, format: RecordFormat, select: String?) throws {
        handle = try path.map { try FileOutput.open($0) } ?? FileHandle.standardOutput
        let columns = select.map { ["_id"] + $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0 != "_id" } }
        writer = try RecordWriter(output: handle, format: format, columns: columns)
    }

    func write(_ records: RawRecords) throws {
        try writer.write(records)
    }

    func finish() throws {
        try writer.finish()
        if handle !== FileHandle.standardOutput { try handle.close() }
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
