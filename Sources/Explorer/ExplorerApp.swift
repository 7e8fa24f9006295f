import Foundation
import PlanhatKit
import TerminalUI

/// Runs the explorer: reads keys, feeds actions to the update, performs its effects, draws.
///
/// The loop runs on the thread that calls ``run(driver:)`` (a dedicated thread, not the
/// concurrency pool) and reads keys with a timeout, so resizes are seen at once and backend
/// answers, which arrive from tasks through a mailbox, are never blocked by the keyboard.
public final class ExplorerApp: @unchecked Sendable {
    let context: ExplorerContext
    let theme: Theme
    private let mailbox = Mailbox()
    private let lock = NSLock()
    private var calls: [Int: Task<Void, Never>] = [:]

    public init(context: ExplorerContext, theme: Theme) {
        self.context = context
        self.theme = theme
    }

    /// Runs until the user quits, then restores the terminal. A termination signal ends the loop,
    /// restores the terminal and then ends the process with that signal.
    public func run(driver: any TerminalDriver) {
        var received: Int32?
        defer {
            driver.stop()
            if let received {
                // Process-directed: this thread may block the signal (it inherits a pool thread's mask).
                signal(received, SIG_DFL)
                kill(getpid(), received)
            }
        }
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let theme = self.theme.adapted(colors: driver.colors, noColor: noColor)
        var state = ExplorerState(width: driver.size.width, height: driver.size.height)
        state.columnLayouts = context.columns?.load() ?? [:]
        let sandbox = context.service.backend.info.kind == .sandbox
        let views = context.views
        mailbox.post(.viewsChanged(Result { try SavedViews.all(store: views, sandbox: sandbox) }.mapError(Self.planhatError), saved: nil))
        var dirty = true
        var lastTick = Date()
        var crashDrafts = CrashDrafts()
        while !state.quitting {
            if let signal = driver.takeSignal() {
                received = signal
                perform(ExplorerUpdate.update(&state, .shutdown, context: context), driver: driver)
                break
            }
            if dirty {
                driver.draw(ExplorerView.render(state, context: context, theme: theme))
                dirty = false
            }
            var actions: [Action] = []
            if let key = driver.readKey(timeoutMilliseconds: 80), key != .resize {
                actions.append(.key(key))
            }
            let size = driver.size
            if size.width != state.width || size.height != state.height {
                actions.append(.resize(width: size.width, height: size.height))
            }
            actions += mailbox.drain()
            if state.pending != nil, Date().timeIntervalSince(lastTick) >= 0.08 {
                actions.append(.tick)
                lastTick = Date()
            }
            for action in actions {
                perform(ExplorerUpdate.update(&state, action, context: context), driver: driver)
                dirty = true
            }
            if !actions.isEmpty { crashDrafts.keep(state, context: context) }
        }
        crashDrafts.forget()
        lock.withLock { calls.values.forEach { $0.cancel() } }
    }

    static func planhatError(_ error: any Error) -> PlanhatError {
        (error as? PlanhatError) ?? PlanhatError(.internal, message: "\(error)")
    }

    private func perform(_ effects: [Effect], driver: any TerminalDriver) {
        for effect in effects {
            switch effect {
            case .perform(let id, let request):
                let service = context.service
                let mailbox = self.mailbox
                let task = Task {
                    let result: Result<JSONValue, PlanhatError>
                    var notices: [Notice] = []
                    do {
                        // Checked as every face checks: a list against its filters, a write against what it stored.
                        let outcome = try await service.run(request)
                        notices = outcome.notices
                        result = .success(outcome.value)
                    } catch is CancellationError {
                        return
                    } catch let error as PlanhatError {
                        result = .failure(error)
                    } catch {
                        result = .failure(PlanhatError(.internal, message: "\(error)"))
                    }
                    mailbox.post(.response(id: id, result: result, notices: notices))
                }
                lock.withLock { calls[id] = task }
            case .cancel(let id):
                lock.withLock { calls.removeValue(forKey: id)?.cancel() }
            case .copy(let text):
                driver.emit(Clipboard.osc52(text))
            case .openURL(let url):
                driver.emit(Clipboard.osc52(url))
                mailbox.post(.urlOpened(url, browser: Browser.open(url)))
            case .checkExportTarget(let job):
                mailbox.post(.exportTarget(job, exists: FileManager.default.fileExists(atPath: job.path)))
            case .export(let job):
                let service = context.service
                let mailbox = self.mailbox
                let task = Task {
                    mailbox.post(await Exporter.run(job, service: service) { done in mailbox.post(.jobProgress(id: job.id, done: done)) })
                }
                lock.withLock { calls[job.id] = task }
            case .saveDraft(let draft):
                guard let drafts = context.drafts else { break }
                do {
                    try drafts.save(draft)
                    mailbox.post(.draftSaved(path: drafts.path(for: draft.key)))
                } catch let error as PlanhatError {
                    mailbox.post(.failed(error.message))
                } catch {
                    mailbox.post(.failed("cannot save the draft: \(error)"))
                }
            case .deleteDraft(let key):
                context.drafts?.delete(key)
            case .loadDraft(let key):
                mailbox.post(.draftLoaded(key: key, context.drafts?.load(key)))
            case .edit(let target, let text, let fileExtension):
                let result = ExternalEditor.edit(text, fileExtension: fileExtension, driver: driver)
                mailbox.post(.edited(target, result))
            case .loadItems(let path, let model):
                let mailbox = self.mailbox
                let directories = context.directories
                Task.detached {
                    do {
                        mailbox.post(.itemsLoaded(.success(try BulkItems.read(path: path, model: model, directories: directories))))
                    } catch let error as PlanhatError {
                        mailbox.post(.itemsLoaded(.failure(error)))
                    } catch {
                        mailbox.post(.itemsLoaded(.failure(PlanhatError.file("cannot read \(path): \(error)"))))
                    }
                }
            case .loadHistory, .planUndo, .applyUndo:
                let mailbox = self.mailbox
                JournalEffects.run(effect, service: context.service) { mailbox.post($0) }
            case .loadCustomFields(let refresh):
                let loader = context.service.customFieldsLoader
                let mailbox = self.mailbox
                Task {
                    do {
                        mailbox.post(.customFieldsLoaded(.success(try await loader.load(refresh: refresh)), refresh: refresh))
                    } catch {
                        let failure = (error as? PlanhatError) ?? PlanhatError(.internal, message: "\(error)")
                        mailbox.post(.customFieldsLoaded(.failure(failure), refresh: refresh))
                    }
                }
            case .lookUpNames(let lookup):
                let service = context.service
                let mailbox = self.mailbox
                Task {
                    do {
                        mailbox.post(.namesLoaded(route: lookup.model.route, .success(try await lookup.run(service: service))))
                    } catch {
                        let failure = (error as? PlanhatError) ?? PlanhatError(.internal, message: "\(error)")
                        mailbox.post(.namesLoaded(route: lookup.model.route, .failure(failure)))
                    }
                }
            case .saveColumns(let layouts):
                do {
                    try context.columns?.save(layouts)
                } catch {
                    mailbox.post(.failed("the columns are not kept: \((error as? PlanhatError)?.message ?? "\(error)")"))
                }
            case .runView(let id, let view):
                let service = context.service
                let mailbox = self.mailbox
                let task = Task {
                    do {
                        let result = try await SavedViewRunner.run(view, service: service)
                        mailbox.post(.response(id: id, result: .success(.array(result.records))))
                    } catch is CancellationError {
                        return
                    } catch {
                        mailbox.post(.response(id: id, result: .failure(Self.planhatError(error))))
                    }
                }
                lock.withLock { calls[id] = task }
            case .saveView(let view):
                guard let store = context.views else {
                    mailbox.post(.failed("views are not kept in this session"))
                    break
                }
                let sandbox = context.service.backend.info.kind == .sandbox
                do {
                    let path = try store.save(view)
                    mailbox.post(.viewsChanged(.success(try SavedViews.all(store: store, sandbox: sandbox)), saved: path))
                } catch {
                    mailbox.post(.viewsChanged(.failure(Self.planhatError(error)), saved: nil))
                }
            case .quit:
                break
            }
        }
    }
}

/// Keeps the drafts of changed forms registered as emergency files, so that a crash (a fatal
/// signal) still saves what was typed: the driver's crash handler writes them.
struct CrashDrafts {
    private var signature: [String: [String: FieldState]] = [:]

    /// Registers the drafts of the state's changed forms, when they changed since the last call.
    mutating func keep(_ state: ExplorerState, context: ExplorerContext) {
        guard let store = context.drafts else { return }
        let forms = ExplorerUpdate.changedForms(state)
        let current = Dictionary(forms.map { ($0.draftKey, $0.form.states) }, uniquingKeysWith: { first, _ in first })
        guard current != signature else { return }
        signature = current
        if !forms.isEmpty { try? FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        EmergencyFiles.register(forms.compactMap { form in
            let draft = ExplorerUpdate.draft(of: form, reason: "the explorer stopped on an error with the form changed", context: context)
            guard let data = try? store.encoded(draft) else { return nil }
            return EmergencyFiles.File(path: store.path(for: draft.key), contents: data)
        })
    }

    /// Nothing to save any more (the explorer ended normally).
    mutating func forget() {
        signature = [:]
        EmergencyFiles.register([])
    }
}

/// Edits text in `$VISUAL` or `$EDITOR` (`vi` without either), with the screen handed over meanwhile.
enum ExternalEditor {
    static func edit(_ text: String, fileExtension: String, driver: any TerminalDriver) -> Result<String, PlanhatError> {
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("planhat-\(UUID().uuidString).\(fileExtension)")
        defer { unlink(file.path) }
        do {
            let handle = try FileOutput.createNew(file.path)
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch let error as PlanhatError {
            return .failure(PlanhatError.file(error.message + " for the editor"))
        } catch {
            return .failure(PlanhatError.file("cannot write \(file.path) for the editor: \(error)"))
        }
        var status: Int32 = -1
        driver.suspend {
            // The editor command may carry arguments ("code --wait"); the file is passed as $1.
            status = (try? ForegroundProcess.run(["/bin/sh", "-c", editor + " \"$1\"", "planhat-editor", file.path])) ?? -1
        }
        guard status == 0 else {
            return .failure(PlanhatError(.cancelled, message: "the editor (\(editor)) ended with status \(status); the field is unchanged"))
        }
        guard let data = FileManager.default.contents(atPath: file.path), let edited = String(data: data, encoding: .utf8) else {
            return .failure(PlanhatError.file("cannot read the edited text back; the field is unchanged"))
        }
        return .success(edited)
    }
}

/// Actions posted from other threads, drained by the loop.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [Action] = []

    func post(_ action: Action) {
        lock.withLock { actions.append(action) }
    }

    func drain() -> [Action] {
        lock.withLock {
            defer { actions = [] }
            return actions
        }
    }
}

/// Writes an export: the rows given, or every page of the list, through the one record writer
/// `planhat export` uses, so what the explorer writes bulk-upserts back unchanged.
enum Exporter {
    /// Runs the job, reporting progress; returns what the update is told at the end.
    static func run(_ job: ExportJob, service: PlanhatService, progress: @Sendable (Int) -> Void) async -> Action {
        var written = 0
        var received = 0
        var tally = PageTally()
        do {
            let handle = try FileOutput.open(job.path)
            defer { try? handle.close() }
            let writer = try RecordWriter(output: handle, format: job.format, columns: job.format == .csv ? job.columns : nil)
            if let rows = job.rows {
                try writer.write(rows)
                written = rows.count
            } else {
                let pageSize = job.model.listLimit.max
                var parameters = job.parameters
                if let columns = job.columns { parameters["select"] = .string(columns.filter { $0 != "_id" }.joined(separator: ",")) }
                while true {
                    try Task.checkCancellation()
                    parameters["limit"] = .integer(pageSize)
                    parameters["offset"] = .integer(received)
                    // Checked against its filters: records a filter the server ignored let through are left out.
                    let page = try await service.listPage(model: job.model, parameters: .object(parameters))
                    try writer.write(page.records)
                    written += page.records.count
                    received += page.received
                    tally.add(page)
                    progress(written)
                    if page.received < pageSize { break }
                }
            }
            try writer.finish()
            return .exported(id: job.id, path: job.path, count: written, notices: tally.notices)
        } catch is CancellationError {
            return .jobProgress(id: job.id, done: written)
        } catch var error as PlanhatError {
            error.message = "export stopped after \(English.count(written, "record")): \(error.message)"
            error.details.insert("What was exported so far is in \(job.path).", at: 0)
            return .jobFailed(id: job.id, error)
        } catch {
            return .jobFailed(id: job.id, PlanhatError.file("cannot write \(job.path): \(error.localizedDescription)"))
        }
    }
}

/// Opens an address in the desktop's browser with `xdg-open`, when there is a display to show it
/// on and `xdg-open` is on the `PATH` (`PLANHAT_BROWSER` names another opener, `none` turns it off).
enum Browser {
    static func open(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        let chosen = environment["PLANHAT_BROWSER"].flatMap { $0.isEmpty ? nil : $0 }
        if chosen == "none" { return false }
        let hasDisplay = [environment["DISPLAY"], environment["WAYLAND_DISPLAY"]].contains { !($0 ?? "").isEmpty }
        guard chosen != nil || hasDisplay, let opener = executable(chosen ?? "xdg-open", path: environment["PATH"] ?? "") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        // Reaped when it ends (xdg-open hands the address to the browser and exits).
        nonisolated(unsafe) let opened = process
        Thread.detachNewThread { opened.waitUntilExit() }
        return true
    }

    /// The program's path: as given when it names a path, else the first match on `PATH`.
    static func executable(_ name: String, path: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
