import Foundation

/// Where the tenant's custom field definitions are kept between runs: one JSON file per profile
/// and API host, `$XDG_CACHE_HOME/planhat-explorer/custom-fields/<profile>@<host>.json`
/// (`<host>.json` without a profile; a port or path of the base URL is part of the name).
///
/// ```json
/// {"format": "planhat-explorer custom fields 1", "profile": "work", "baseURL": "https://api.planhat.com",
///  "readAt": "2026-05-04T09:30:00Z", "customFields": [{"_id": "…", "name": "Segment", "type": "list", …}]}
/// ```
/// `customFields` holds the definitions in Planhat's words, read back by the parser that reads
/// Planhat's answer. A file that does not parse, is of another format, or names another profile or
/// base URL is ignored (and replaced by the next read).
public struct CustomFieldsCache: Sendable, Hashable {
    /// The `format` the file declares.
    public static let format = "planhat-explorer custom fields 1"
    /// The file.
    public let path: String
    /// The profile the definitions were read with (`nil`: none).
    public let profile: String?
    /// The API they were read from.
    public let baseURL: String

    /// The cache file of `profile` and `baseURL` in `folder`.
    public init(folder: String, profile: String?, baseURL: String) {
        self.profile = profile
        self.baseURL = baseURL
        path = folder + "/" + Self.fileName(profile: profile, baseURL: baseURL)
    }

    /// The cache of a remote backend under `$XDG_CACHE_HOME`; `nil` for the sandbox, which is read
    /// from its file every time (it is local, and changes when its custom fields do).
    public static func standard(for info: BackendInfo, directories: UserDirectories = UserDirectories()) -> CustomFieldsCache? {
        guard info.kind == .remote else { return nil }
        return CustomFieldsCache(folder: directories.cache("custom-fields"), profile: info.profile, baseURL: info.location)
    }

    /// `work@api.planhat.com.json`, `127.0.0.1_8080.json`: the host, port and path of the base URL
    /// after the profile, characters other than letters, digits, `.`, `-` and `_` as `_`.
    static func fileName(profile: String?, baseURL: String) -> String {
        let url = URL(string: baseURL)
        var place = url?.host ?? baseURL
        if let port = url?.port { place += ":\(port)" }
        if let path = url?.path, !path.isEmpty, path != "/" { place += path }
        let name = (profile.map { $0 + "@" } ?? "") + place
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@")
        let safe = String(String.UnicodeScalarView(name.unicodeScalars.map { allowed.contains($0) ? $0 : "_" }))
        return (safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe) + ".json"
    }

    /// The definitions kept, or `nil` when there is no usable file.
    public func read() -> CustomFields? {
        guard let data = FileManager.default.contents(atPath: path), let document = try? JSONValue.parse(data),
            document["format"]?.stringValue == Self.format, document["baseURL"]?.stringValue == baseURL,
            document["profile"]?.stringValue == profile, profile != nil || document["profile"]?.isNull ?? false,
            let readAt = document["readAt"]?.stringValue.flatMap({ try? Date($0, strategy: .iso8601) }),
            let entries = document["customFields"]?.arrayValue
        else { return nil }
        return CustomFields(
            definitions: entries.compactMap(CustomFieldDefinition.init(planhat:)), readAt: readAt,
            origin: Self.origin(baseURL: baseURL, profile: profile))
    }

    /// Keeps `fields` (the folder is created private to the user; the file is replaced at once).
    public func write(_ fields: CustomFields) throws {
        let document: JSONValue = [
            "format": .string(Self.format), "profile": profile.map { .string($0) } ?? .null, "baseURL": .string(baseURL),
            "readAt": .string(fields.readAt.formatted(Date.ISO8601FormatStyle())),
            "customFields": .array(fields.definitions.map(\.planhatJSON)),
        ]
        try Self.writePrivately(Data(document.prettyText().utf8), to: path)
    }

    /// Forgets what was kept.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The file beside it that keeps what the workspace's records were seen carrying (``FieldMemory``):
    /// `work@api.planhat.com.learned.json`.
    public var learnedPath: String {
        String(path.dropLast(".json".count)) + ".learned.json"
    }

    /// The field names and values learned from the workspace's records in earlier runs, if kept.
    public func readLearned() -> FieldMemory.Snapshot? {
        guard let data = FileManager.default.contents(atPath: learnedPath), let document = try? JSONValue.parse(data),
            document["format"]?.stringValue == Self.learnedFormat, document["baseURL"]?.stringValue == baseURL,
            let learned = document["learned"], let snapshot = try? JSONDecoder().decode(FieldMemory.Snapshot.self, from: Data(learned.compactText().utf8))
        else { return nil }
        return snapshot
    }

    /// Keeps what was learned (private to the user, replaced at once).
    public func writeLearned(_ snapshot: FieldMemory.Snapshot) throws {
        let learned = try JSONValue.parse(try JSONEncoder().encode(snapshot))
        let document: JSONValue = [
            "format": .string(Self.learnedFormat), "profile": profile.map { .string($0) } ?? .null, "baseURL": .string(baseURL), "learned": learned,
        ]
        try Self.writePrivately(Data(document.prettyText().utf8), to: learnedPath)
    }

    /// The `format` the learned file declares.
    public static let learnedFormat = "planhat-explorer learned fields 1"

    /// Writes whole then renames, in a folder only the user can read, the file mode 0600.
    private static func writePrivately(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// `https://api.planhat.com (profile work)`: where definitions were read, in words.
    static func origin(baseURL: String, profile: String?) -> String {
        baseURL + (profile.map { " (profile \($0))" } ?? "")
    }
}

/// Reads the tenant's custom field definitions once per process, through the backend's `list` of
/// `customfields` (the sandbox and Planhat alike), and keeps them in a ``CustomFieldsCache`` when
/// it has one.
///
/// A load answers with what was read before in this process; else with the cache when it is
/// younger than ``maxAge``; else it reads the backend (every page) and keeps the answer. When the
/// backend fails, an older cache still answers; otherwise the failure is remembered for
/// ``retryAfterFailure`` seconds, so a server does not ask again on every call. `refresh` always
/// reads the backend.
///
/// The read runs on the caller's executor (no task or actor of its own: a server that runs its
/// work off the cooperative pool keeps it there), under a lock for what it remembers; two first
/// loads at once may both read.
public final class CustomFieldsLoader: @unchecked Sendable {
    /// How old a cache may be before it is read again (a tenant adds fields now and then).
    public static let maxAge: TimeInterval = 24 * 60 * 60
    /// How long a failed read answers with its failure before the backend is asked again.
    public static let retryAfterFailure: TimeInterval = 60
    /// The most pages read (2 000 definitions a page).
    static let maximumPages = 50

    let backend: any PlanhatBackend
    /// Where the definitions are kept between runs, if anywhere.
    public let cache: CustomFieldsCache?
    let now: @Sendable () -> Date
    private let lock = NSLock()
    private var loaded: CustomFields?
    private var failure: (error: PlanhatError, at: Date)?
    private var readCount = 0

    public init(backend: any PlanhatBackend, cache: CustomFieldsCache?, now: @escaping @Sendable () -> Date = Date.init) {
        self.backend = backend
        self.cache = cache
        self.now = now
    }

    /// How many times the backend was read.
    public var reads: Int { lock.withLock { readCount } }

    /// The definitions, as described above.
    ///
    /// - Throws: ``PlanhatError`` from the backend when nothing was kept to answer with.
    public func load(refresh: Bool = false) async throws -> CustomFields {
        if !refresh, let known = try remembered() { return known }
        lock.withLock { readCount += 1 }
        do {
            let fields = try await Self.read(backend, now: now)
            lock.withLock {
                loaded = fields
                failure = nil
            }
            try? cache?.write(fields)
            return fields
        } catch {
            let error = (error as? PlanhatError) ?? PlanhatError(.internal, message: "reading the custom fields failed: \(error)")
            if !refresh, let kept = cache?.read() {
                lock.withLock { loaded = kept }
                return kept
            }
            lock.withLock { failure = (error, now()) }
            throw error
        }
    }

    /// What a load answers without reading the backend: this process's definitions, a recent
    /// failure (thrown), or a cache younger than ``maxAge``.
    private func remembered() throws -> CustomFields? {
        let (known, failed) = lock.withLock { (loaded, failure) }
        if let known { return known }
        if let failed, now().timeIntervalSince(failed.at) < Self.retryAfterFailure { throw failed.error }
        guard let kept = cache?.read(), abs(now().timeIntervalSince(kept.readAt)) < Self.maxAge else { return nil }
        lock.withLock { loaded = kept }
        return kept
    }

    /// Forgets the definitions (and the cache): the next load reads the backend. Called when a
    /// custom field definition was created, changed or deleted.
    public func forget() {
        lock.withLock {
            loaded = nil
            failure = nil
        }
        cache?.remove()
    }

    /// Every page of `GET /customfields`.
    static func read(_ backend: any PlanhatBackend, now: @Sendable () -> Date) async throws -> CustomFields {
        guard let model = Catalog.shared.model(route: "customfields") else {
            throw PlanhatError(.internal, message: "the catalog has no customfields model")
        }
        let limit = model.listLimit.max
        var rows: [JSONValue] = []
        for page in 0..<maximumPages {
            let request = PlanhatRequest(model: model, operation: .list, query: [
                QueryItem(name: "limit", value: String(limit)), QueryItem(name: "offset", value: String(page * limit)),
            ])
            let answer = try await backend.execute(request)
            guard let items = answer.arrayValue else {
                throw PlanhatError(.server, message: "GET /customfields answered \(answer.typeName) \(answer.preview()), not a list of custom fields")
            }
            rows += items
            if items.count < limit { break }
        }
        let info = backend.info
        let origin = info.kind == .sandbox ? "the sandbox \(info.location)" : CustomFieldsCache.origin(baseURL: info.location, profile: info.profile)
        return CustomFields(definitions: rows.compactMap(CustomFieldDefinition.init(planhat:)), readAt: now(), origin: origin)
    }
}
