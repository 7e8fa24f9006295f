import Foundation
import GRDB
import PlanhatKit

/// The embedded sandbox as a backend: Planhat's semantics over a local SQLite workspace.
///
/// List with limit/offset/sort/select/filters answering a plain array, keyed ids (`extid-`,
/// `srcid-`), partial updates with `custom` merged, bulk upsert with Planhat's summary, and the
/// reference checks the API makes (an end user's `companyId` must name a company).
public final class SandboxBackend: RawListingBackend {
    public let store: SandboxStore
    public let info: BackendInfo
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - store: the sandbox file.
    ///   - catalog: the full catalog, used to resolve references between models.
    ///   - clock: the time stamped on created and updated records.
    public init(store: SandboxStore, catalog: Catalog = .shared, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
        info = BackendInfo(kind: .sandbox, location: store.path)
    }

    /// Opens the sandbox at `path` and seeds it with demo data on first use.
    public static func open(path: String?, seedCompanies: Int = DemoData.defaultCompanies, pageCacheKiB: Int? = nil) throws -> SandboxBackend {
        if let path, !FileManager.default.fileExists(atPath: path) {
            try DemoData(companies: seedCompanies).reset(fileAt: path)
        }
        let store = try SandboxStore(path: path, pageCacheKiB: pageCacheKiB)
        let backend = SandboxBackend(store: store)
        if try !store.isSeeded() {
            try DemoData(companies: seedCompanies).seed(into: store)
        }
        return backend
    }

    public func execute(_ request: PlanhatRequest) async throws -> JSONValue {
        do {
            switch request.operation {
            case .list:
                return try await store.database.read { db in try ListQuery(request, lookup: self.lookup(db)).documents(db) }
            case .view:
                return try await store.database.read { db in try self.lookup(db).require(request.model, request.recordID).document }
            case .create:
                return try await store.database.write { db in try self.writer(db).create(request) }
            case .update:
                return try await store.database.write { db in try self.writer(db).update(request) }
            case .delete:
                return try await store.database.write { db in try self.writer(db).delete(request) }
            case .bulkUpsert:
                return try await store.database.write { db in try self.writer(db).bulkUpsert(request) }
            }
        } catch let error as PlanhatError {
            throw error
        } catch let error as DatabaseError {
            throw PlanhatError(.internal, message: "sandbox database error: \(error.message ?? error.description)")
        }
    }

    /// A list's documents as one JSON array of the stored bytes, none of them parsed.
    public func executeList(_ request: PlanhatRequest) async throws -> Data {
        guard request.operation == .list else { return try await execute(request).compactData() }
        do {
            return try await store.database.read { db in try ListQuery(request, lookup: self.lookup(db)).documentBytes(db) }
        } catch let error as PlanhatError {
            throw error
        } catch let error as DatabaseError {
            throw PlanhatError(.internal, message: "sandbox database error: \(error.message ?? error.description)")
        }
    }

    /// The statement a list request runs, as ``execute(_:)`` would run it (tests EXPLAIN it).
    func listQuery(for request: PlanhatRequest) async throws -> ListQuery {
        try await store.database.read { db in try ListQuery(request, lookup: self.lookup(db)) }
    }

    private func lookup(_ db: Database) -> RecordLookup {
        RecordLookup(db: db, catalog: catalog)
    }

    private func writer(_ db: Database) -> RecordWriter {
        RecordWriter(db, catalog: catalog, clock: clock)
    }
}
