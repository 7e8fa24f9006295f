import Foundation
import GRDB
import PlanhatKit

/// Believable demo data for the sandbox: a customer-success workspace with companies, their
/// contacts, licenses, conversations, tasks, opportunities and the rest, all linked.
///
/// The same company count always gives the same data (ids included), so tests and screenshots are
/// repeatable. Dates are relative to a fixed day, ``anchor``.
public struct DemoData: Sendable {
    /// The company count `make run` and first use get.
    public static let defaultCompanies = 200
    /// The day the demo workspace lives in: renewals fall after it, activity before it.
    public static let anchor = CivilDate(year: 2026, month: 12, day: 1)

    public var companies: Int
    public var seed: UInt64

    public init(companies: Int = DemoData.defaultCompanies, seed: UInt64 = 0x504C_414E_4841_54) {
        self.companies = max(0, companies)
        self.seed = seed
    }

    /// Replaces everything in the store with the demo workspace, in one transaction.
    public func seed(into store: SandboxStore, catalog: Catalog = .shared) throws {
        try store.database.write { db in try seed(db, catalog: catalog) }
    }

    /// Builds the demo workspace in a new file beside `path`, then moves it into place.
    ///
    /// The old workspace stays whole until the new one is complete (a failed or interrupted reset
    /// leaves it untouched), and the bulk load writes the file once instead of through the WAL.
    /// Close other programs using the sandbox first: they would keep reading the old file.
    public func reset(fileAt path: String, catalog: Catalog = .shared) throws {
        let files = FileManager.default
        try files.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let staging = path + ".seeding"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? files.removeItem(atPath: staging + suffix) }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536")
        }
        let queue = try DatabaseQueue(path: staging, configuration: configuration)
        try SandboxStore.migrator.migrate(queue)
        try queue.write { db in try seed(db, catalog: catalog) }
        try queue.close()
        for suffix in ["-wal", "-shm"] { try? files.removeItem(atPath: path + suffix) }
        guard rename(staging, path) == 0 else {
            throw PlanhatError.file("cannot move the new sandbox into place at \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func seed(_ db: Database, catalog: Catalog) throws {
        try db.execute(sql: "DELETE FROM record; DELETE FROM meta;")
        try SandboxStore.withoutSecondaryIndexes(db) {
            try SandboxSearch.indexingAfter(db) {
                var writer = DemoWriter(db: db, catalog: catalog, generator: SeededGenerator(seed: seed))
                try writer.writeWorkspace(companies: companies)
            }
        }
        // Statistics let the planner pick the sort indexes over the per-model one.
        try db.execute(sql: "ANALYZE")
        try db.execute(
            sql: "INSERT INTO meta (key, value) VALUES ('seeded', ?), ('companies', ?)",
            arguments: [Timestamp.iso(Date()), String(companies)])
    }
}

/// Writes the demo records, remembering ids so later models can link to earlier ones.
struct DemoWriter {
    let db: Database
    let models: [String: ModelDefinition]
    var generator: SeededGenerator
    private var clock = 0
    private var userIDs: [String] = []
    /// The deals written: their id, MRR and renewal day, for their line items.
    private var deals: [(id: String, mrr: Int, renewal: Int)] = []
    /// Every 25th company: those get a workspace.
    private var workspaceCompanies: [Company] = []

    init(db: Database, catalog: Catalog, generator: SeededGenerator) {
        self.db = db
        models = Dictionary(catalog.models.map { ($0.route, $0) }, uniquingKeysWith: { first, _ in first })
        self.generator = generator
    }

    mutating func writeWorkspace(companies count: Int) throws {
        try writeCustomFields()
        try writeUsers()
        var issueCompanies: [(id: String, arr: Int)] = []
        for index in 0..<count {
            let company = try writeCompany(index)
            let endusers = try writeEndusers(company)
            try writeLicenses(company)
            try writeConversations(company, endusers: endusers)
            try writeTasks(company)
            try writeRevenue(company)
            try writeFeedback(company, endusers: endusers)
            if index % 10 == 0 { issueCompanies.append((company.id, company.arr)) }
            if index % 25 == 0 { workspaceCompanies.append(company) }
        }
        try writeIssues(issueCompanies)
        try writeTimesheets()
        try writeWorkflows()
        try writeCatalogOfProducts()
        try writeCustomFields(DemoWriter.laterCustomFields)
    }

    /// Products, a line item per deal and a few workspaces: written last, with no random draws, so
    /// every record before them is what it was.
    private mutating func writeCatalogOfProducts() throws {
        var products: [String] = []
        for (name, mrr) in [("Platform Starter", 500), ("Platform Growth", 2_000), ("Platform Enterprise", 8_000)] {
            products.append(try write("products", [
                "name": .string(name), "type": "subscription", "mrr": .integer(mrr), "arr": .integer(mrr * 12), "currency": "USD",
                "fixedPeriod": true, "autoRenews": true, "length": 12, "externalId": .string("PROD-\(products.count + 1)"),
            ]))
        }
        for (index, deal) in deals.enumerated() {
            try write("lineitems", [
                "dealId": .string(deal.id), "productId": .string(products[index % products.count]), "type": "subscription",
                "fromDate": day(deal.renewal - 365), "toDate": day(deal.renewal), "length": 12, "fixedPeriod": true,
                "mrr": .integer(deal.mrr), "arr": .integer(deal.mrr * 12), "status": "ongoing",
            ])
        }
        for company in workspaceCompanies {
            try write("workspaces", [
                "name": .string("\(company.name) production"), "companyId": .string(company.id), "companyName": .string(company.name),
                "externalId": .string("\(company.externalID)-W1"),
            ])
        }
    }

    // MARK: - Randomness

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &generator)
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &generator) < probability
    }

    private mutating func pick<T>(_ values: [T]) -> T {
        values[int(0...(values.count - 1))]
    }

    private mutating func newID() -> String {
        clock += 1
        let date = Date(timeIntervalSince1970: Double(DemoData.anchor.dayNumber * 86_400 - 86_400 * 900 + clock * 37))
        return ObjectID.make(date: date, using: &generator)
    }

    private func day(_ offset: Int) -> JSONValue {
        .string(DemoData.anchor.adding(days: offset).iso)
    }

    private mutating func time(_ offset: Int) -> JSONValue {
        let date = DemoData.anchor.adding(days: offset).iso
        let hour = int(8...17), minute = int(0...59)
        return .string("\(date)T\(pad(hour)):\(pad(minute)):00.000Z")
    }

    private func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// Stores one record. `fields` is consumed: the document grows in place instead of being
    /// copied for its `_id` and `__v`.
    @discardableResult
    private mutating func write(_ route: String, _ fields: consuming [String: JSONValue]) throws -> String {
        guard let model = models[route] else { return "" }
        var document = fields
        document.reserveCapacity(document.count + 2)
        let id = newID()
        document["_id"] = .string(id)
        document["__v"] = 0
        try StoredRow(model: model, id: id, document: document).insert(db)
        return id
    }

    // MARK: - Models

    /// The custom field definitions written first (the demo's first records).
    static let firstCustomFields: [(String, String, String, [String])] = [
        ("Segment", "list", "Company", ["Enterprise", "Mid-Market", "SMB"]),
        ("Region", "list", "Company", ["EMEA", "AMER", "APAC"]),
        ("Renewal Risk", "list", "Company", ["Low", "Medium", "High"]),
        ("Seats", "number", "Company", []),
        ("Onboarded", "checkbox", "Company", []),
        ("Persona", "list", "EndUser", ["Champion", "Decision maker", "User", "Detractor"]),
    ]

    /// The definitions written last, so the records before them (drawn from the same random
    /// stream) stay as they were; their values are derived from each company without drawing.
    static let laterCustomFields: [(String, String, String, [String])] = [
        ("Next QBR", "date", "Company", []),
        ("Products", "multipicklist", "Company", ["Platform", "Analytics", "Integrations", "Mobile"]),
        ("Executive Sponsor", "team member", "Company", []),
        ("Account Plan", "url", "Company", []),
        ("Billing Email", "email", "Company", []),
    ]

    private mutating func writeCustomFields(_ definitions: [(String, String, String, [String])] = firstCustomFields) throws {
        for (name, type, parent, values) in definitions {
            try write("customfields", [
                "name": .string(name), "type": .string(type), "parent": .string(parent),
                "isHidden": false, "isFeatured": .bool(name != "Seats"), "isShared": false, "isLocked": false,
                "isMandatory": false, "isFormula": false, "listValues": .array(values.map { .string($0) }),
            ])
        }
    }

    private mutating func writeUsers() throws {
        for (first, last) in Names.teamMembers {
            let email = "\(first.lowercased().folding(options: .diacriticInsensitive, locale: nil)).\(last.lowercased())@planhat-demo.io"
            let id = try write("users", [
                "firstName": .string(first), "lastName": .string(last), "nickName": .string(first),
                "email": .string(email), "inactive": false, "isHidden": false, "notificationsEnabled": true,
                "roles": ["CSM"], "createDate": time(-int(400...900)), "tzOffset": .integer(pick([0, 1, -5, 9])),
                "externalId": .string("EMP-\(100 + userIDs.count)"),
            ])
            userIDs.append(id)
        }
    }

    struct Company {
        var id: String
        var name: String
        var domain: String
        var arr: Int
        var status: String
        var owner: String
        var externalID: String
        var renewal: Int
    }

    private mutating func writeCompany(_ index: Int) throws -> Company {
        let name = Names.company(index)
        let domain = Names.domain(for: name, index: index)
        let status = pick(["customer", "customer", "customer", "customer", "customer", "customer", "prospect", "coming", "canceled", "lost"])
        let paying = status == "customer" || status == "coming"
        let arr = paying ? int(6...480) * 1_000 + pick([0, 500]) : (status == "prospect" ? 0 : int(2...60) * 1_000)
        let renewal = int(-20...365)
        let owner = pick(userIDs)
        let segment = arr >= 200_000 ? "Enterprise" : (arr >= 50_000 ? "Mid-Market" : "SMB")
        let health = status == "lost" || status == "canceled" ? int(5...35) : int(30...98)
        let phase = status == "prospect" ? "Sales" : status == "coming" ? "Onboarding"
            : status == "customer" ? pick(["Onboarding", "Adoption", "Adoption", "Expansion", "Renewal", "At Risk"]) : "Churned"
        let (city, country) = pick(Names.cities)
        let externalID = "ACC-\(String(format: "%05ld", index + 1))"
        var fields: [String: JSONValue] = [
            "name": .string(name), "status": .string(status), "phase": .string(phase), "h": .integer(health),
            "arr": .integer(arr), "mrr": .number((Double(arr) / 12 * 100).rounded() / 100),
            "owner": .string(owner), "externalId": .string(externalID),
            "sourceId": .string("001\(String(format: "%012lX", index * 7919 + 4099))"),
            "domains": [.string(domain)], "web": .string("https://www.\(domain)"),
            "city": .string(city), "country": .string(country), "csmScore": .integer(int(1...5)),
            "description": .string("\(name) is \(segment == "Enterprise" ? "an" : "a") \(segment.lowercased()) account in \(city)."),
            "tags": .array([.string(segment.lowercased())] + (chance(0.3) ? ["strategic"] : [])),
            "createDate": time(-int(200...1200)), "lastUpdated": time(-int(0...30)),
            "lastActive": time(-int(0...45)), "renewalDaysFromNow": .integer(renewal),
            "custom": [
                "Segment": .string(segment), "Region": .string(Names.region(country)),
                "Renewal Risk": .string(health < 40 ? "High" : health < 65 ? "Medium" : "Low"),
                "Seats": .integer(max(5, arr / 900)), "Onboarded": .bool(phase != "Onboarding" && phase != "Sales"),
                "Next QBR": day(renewal - 90), "Products": .array(Self.products(arr: arr, index: index).map { .string($0) }),
                "Executive Sponsor": .string(userIDs[index % userIDs.count]),
                "Account Plan": .string("https://plans.planhat-demo.io/\(externalID)"), "Billing Email": .string("billing@\(domain)"),
            ],
        ]
        if paying {
            fields["customerFrom"] = day(-int(60...1100))
            fields["customerTo"] = day(renewal)
            fields["renewalArr"] = .integer(arr)
        }
        if chance(0.25) { fields["coOwner"] = .string(pick(userIDs)) }
        let id = try write("companies", fields)
        return Company(id: id, name: name, domain: domain, arr: arr, status: status, owner: owner, externalID: externalID, renewal: renewal)
    }

    /// The products a demo company uses (the options of its `Products` custom field).
    static func products(arr: Int, index: Int) -> [String] {
        var products = ["Platform"]
        if arr >= 100_000 { products.append("Analytics") }
        if index % 4 == 0 { products.append("Integrations") }
        if index % 7 == 3 { products.append("Mobile") }
        return products
    }

    private mutating func writeEndusers(_ company: Company) throws -> [(id: String, email: String)] {
        var people: [(String, String)] = []
        for position in 0..<5 {
            let firstIndex = int(0...(Names.firstNames.count - 1)), lastIndex = int(0...(Names.lastNames.count - 1))
            let first = Names.firstNames[firstIndex], last = Names.lastNames[lastIndex]
            let email = "\(Names.asciiFirstNames[firstIndex]).\(Names.asciiLastNames[lastIndex])\(position)@\(company.domain)"
            let id = try write("endusers", [
                "firstName": .string(first), "lastName": .string(last), "name": .string("\(first) \(last)"),
                "email": .string(email), "companyId": .string(company.id), "companyName": .string(company.name),
                "position": .string(position == 0 ? pick(["CEO", "COO", "VP Operations"]) : pick(Names.positions)),
                "phone": .string("+\(int(1...49)) \(int(100...999)) \(int(1000...9999))"),
                "primary": .bool(position == 0), "featured": .bool(position < 2), "archived": false,
                "externalId": .string("\(company.externalID)-U\(position + 1)"),
                "lastActive": time(-int(0...60)), "createDate": time(-int(100...900)),
                "custom": ["Persona": .string(position == 0 ? "Decision maker" : pick(["Champion", "User", "User", "Detractor"]))],
            ])
            people.append((id, email))
        }
        return people
    }

    private mutating func writeLicenses(_ company: Company) throws {
        guard company.arr > 0 else { return }
        let products = company.arr > 100_000 ? ["Platform Enterprise", "Analytics Add-on"] : [pick(["Platform Growth", "Platform Starter"])]
        for (index, product) in products.enumerated() {
            let value = index == 0 ? company.arr : company.arr / 5
            try write("licenses", [
                "product": .string(product), "_currency": "USD", "companyId": .string(company.id),
                "companyName": .string(company.name), "fromDate": day(company.renewal - 365), "toDate": day(company.renewal),
                "fixedPeriod": true, "value": .integer(value), "mrr": .number((Double(value) / 12).rounded()),
                "renewalStatus": .string(company.status == "lost" || company.status == "canceled" ? "lost" : "ongoing"),
                "autoRenews": .bool(chance(0.6)), "noticePeriod": .integer(pick([30, 60, 90])),
                "externalId": .string("\(company.externalID)-L\(index + 1)"),
            ])
        }
    }

    private mutating func writeConversations(_ company: Company, endusers: [(id: String, email: String)]) throws {
        for index in 0..<3 {
            let (type, subject) = index == 0 ? ("note", pick(Names.noteSubjects)) : pick(Names.conversations)
            try write("conversations", [
                "type": .string(type), "subject": .string(subject), "companyId": .string(company.id),
                "companyName": .string(company.name),
                "description": .string("\(subject) with \(company.name)."),
                "snippet": .string(subject), "date": time(-int(0...120)),
                "endusers": [.string(pick(endusers).id)], "users": [["id": .string(company.owner), "isOwner": true]],
                "starred": .bool(chance(0.1)), "pinned": false, "archived": false,
            ])
        }
        if chance(0.5) {
            let reporter = pick(endusers)
            let title = pick(Names.tickets)
            try write("tickets", [
                "title": .string(title), "subject": .string(title), "description": "Reported through the support portal.",
                "companyId": .string(company.id), "email": .string(reporter.email), "source": "Zendesk",
                "sourceId": .string("ZD-\(int(10_000...99_999))-\(clock)"), "status": .string(pick(["new", "open", "pending", "resolved", "closed"])),
                "severity": .string(pick(["low", "normal", "high", "urgent"])), "type": .string(pick(["bug", "question", "feature request"])),
                "domains": [.string(company.domain)], "timeSpent": .integer(int(5...240)),
            ])
        }
    }

    private mutating func writeTasks(_ company: Company) throws {
        for _ in 0..<2 {
            let due = int(-20...45)
            var fields: [String: JSONValue] = [
                "mainType": "task", "action": .string(pick(Names.tasks)), "companyId": .string(company.id),
                "companyName": .string(company.name), "ownerId": .string(company.owner),
                "startTime": time(due - 3), "endTime": time(due), "type": .string(pick(["call", "email", "meeting", "review"])),
                "description": .string("Follow-up for \(company.name)."),
            ]
            if due < 0 && chance(0.7) { fields["dateDone"] = time(due + 1) }
            // Planhat archives a completed task; REST writes the status "Done".
            let done = fields["dateDone"] != nil
            fields["status"] = done ? "Done" : "To Do"
            fields["isArchived"] = .bool(done)
            try write("tasks", fields)
        }
    }

    private mutating func writeRevenue(_ company: Company) throws {
        if company.status == "customer" && chance(0.5) {
            let status = pick(["active", "active", "won", "lost"])
            try write("opportunities", [
                "title": .string("\(company.name) \(pick(["expansion", "upsell", "renewal uplift"]))"),
                "companyId": .string(company.id), "companyName": .string(company.name), "status": .string(status),
                "salesStage": .string(pick(["Discovery", "Proposal", "Negotiation", "Closed"])), "_currency": "USD",
                "arr": .integer(int(2...60) * 1_000), "contractLength": 12, "ownerId": .string(company.owner),
                "closeDate": day(int(-30...120)), "externalId": .string("\(company.externalID)-O1"),
            ])
        }
        if company.arr > 0 {
            for number in 0..<2 {
                let date = DemoData.anchor.adding(days: -30 * (number + 1) - int(0...10))
                let amount = company.arr / 4
                try write("invoices", [
                    "cId": .string(company.id), "cName": .string(company.name), "currency": "USD",
                    "product": "Subscription", "invoiceDate": .integer(date.dayNumber),
                    "dueDate": .integer(date.dayNumber + 30), "amountTotal": .integer(amount),
                    "status": .string(number == 0 && chance(0.3) ? "pending" : "paid"),
                    "invoiceNo": .integer(10_000 + clock), "extId": .string("\(company.externalID)-INV\(number + 1)"),
                ])
            }
        }
        if company.arr > 0 && chance(0.3) {
            try write("sales", [
                "_currency": "USD", "product": .string(pick(["Advanced Onboarding", "Training Day", "Health Check"])),
                "companyId": .string(company.id), "companyName": .string(company.name),
                "salesDate": day(-int(10...300)), "value": .integer(int(2...20) * 500),
            ])
        }
        if company.arr > 0 && chance(0.4) {
            try write("projects", [
                "name": .string(pick(["Rollout", "Integration", "Migration", "Training"]) + " — \(company.name)"),
                "companyId": .string(company.id), "companyName": .string(company.name), "currency": "USD",
                "startDate": day(-int(30...200)), "endDate": day(int(0...120)), "arr": .integer(company.arr / 10),
            ])
            try write("assets", [
                "name": .string(pick(["Production workspace", "Sandbox tenant", "EU data region", "SSO connector"])),
                "companyId": .string(company.id), "companyName": .string(company.name), "status": "Active",
                "value": .integer(int(1...40) * 250), "_currency": "USD", "installDate": day(-int(30...700)),
                "ownerId": .string(company.owner), "serialNumber": .string("AS-\(int(100_000...999_999))"),
            ])
            try write("objectives", [
                "name": .string(pick(["Reach 80% adoption", "Launch in new region", "Reduce tickets by 20%", "Executive sponsor QBR"])),
                "companyId": .string(company.id), "companyName": .string(company.name), "health": .integer(int(1...10)),
            ])
        }
        if company.status == "lost" || company.status == "canceled" {
            let reason = pick(["Budget cuts", "Switched to competitor", "Low adoption", "Acquired"])
            let when = time(-int(5...200))
            try write("churn", [
                "companyId": .string(company.id), "companyName": .string(company.name), "reasons": [.string(reason)],
                "churnDate": when, "createDate": when, "value": .integer(company.arr), "arr": .integer(company.arr),
                "currency": "USD", "onlyDowngrade": false,
            ])
        }
        if company.status == "customer" && chance(0.15) {
            let deal = try write("deals", [
                "name": .string("\(company.name) renewal"), "companyId": .string(company.id), "companyName": .string(company.name),
                "stage": .string(pick(["Closed Won", "Closed Won", "Closed Lost"])), "ownerId": .string(company.owner),
                "mrr": .integer(company.arr / 12), "total": .integer(company.arr), "currency": "USD",
                "closeDate": day(company.renewal - 365),
            ])
            deals.append((deal, company.arr / 12, company.renewal))
        }
    }

    private mutating func writeFeedback(_ company: Company, endusers: [(id: String, email: String)]) throws {
        for person in endusers.prefix(2) where chance(0.7) {
            let score = company.status == "lost" ? int(0...6) : int(5...10)
            try write("nps", [
                "cId": .string(company.id), "email": .string(person.email), "euId": .string(person.id),
                "score": .integer(score), "comment": .string(Names.npsComment(score)),
                "dateSent": time(-int(20...90)), "dateAnswered": time(-int(0...19)), "source": "planhat",
            ])
        }
        if chance(0.1) {
            try write("campaigns", [
                "name": .string(pick(["Q1 renewal push", "Adoption webinar", "Executive roundtable"])),
                "campaignPurpose": .string(pick(["Renewal", "Adoption", "Advocacy"])),
                "companyId": .string(company.id), "companyName": .string(company.name),
            ])
        }
        if chance(0.2) {
            // A data point as pushed (dimensionId, value, externalId, model) and as Planhat answers it
            // (time, parentId, companyId, companyName).
            try write("dimensiondata", [
                "dimensionId": "activeusers", "value": .integer(int(3...400)), "externalId": .string(company.externalID),
                "model": "Company", "time": .string(DemoData.anchor.adding(days: -1).iso + "T00:00:00.000Z"),
                "parentId": .string(company.id), "companyId": .string(company.id), "companyName": .string(company.name),
            ])
        }
    }

    private mutating func writeIssues(_ companies: [(id: String, arr: Int)]) throws {
        var index = 0
        while index < companies.count {
            let group = Array(companies[index..<min(companies.count, index + int(1...3))])
            index += max(1, group.count)
            try write("issues", [
                "title": .string(pick(Names.issues)), "description": "Reported by several customers.",
                "companyIds": .array(group.map { .string($0.id) }), "status": .string(pick(["open", "in progress", "resolved"])),
                "priority": .string(pick(["low", "medium", "high"])), "archived": false, "source": "Jira",
                "sourceId": .string("JIRA-\(1000 + index)"), "arrCombined": .integer(group.reduce(0) { $0 + $1.arr }),
            ])
        }
    }

    private mutating func writeTimesheets() throws {
        for (index, user) in userIDs.prefix(3).enumerated() {
            let start = DemoData.anchor.adding(days: -14 - 7 * index)
            let sheet = try write("timesheets", [
                "status": .string(pick(["submitted", "approved"])), "dateFrom": .integer(start.dayNumber),
                "dateTo": .integer(start.dayNumber + 6), "assignedModel": "User", "assignedId": .string(user),
            ])
            for offset in 0..<3 {
                try write("timeentries", [
                    "date": .string(start.adding(days: offset).iso), "hours": .number(Double(int(2...16)) / 2),
                    "description": .string(pick(["Onboarding session", "QBR preparation", "Implementation support"])),
                    "isBillable": .bool(chance(0.5)), "timesheetId": .string(sheet), "timesheetStatus": "submitted",
                ])
            }
        }
    }

    private mutating func writeWorkflows() throws {
        for name in ["Onboarding playbook", "Renewal 90-day plan", "Churn save play"] {
            try write("workflows", ["name": .string(name)])
        }
    }
}

/// Word lists for names that read like a real book of business.
enum Names {
    static let teamMembers: [(String, String)] = [
        ("Ana", "Lopez"), ("Ben", "Carter"), ("Chloé", "Martin"), ("Daniel", "Kim"),
        ("Emma", "Svensson"), ("Farid", "Haddad"), ("Grace", "Liu"), ("Hiro", "Tanaka"),
    ]
    static let prefixes = [
        "Acme", "Nordwind", "Blue Harbor", "Zenith", "Lumen", "Kestrel", "Polar", "Granite", "Summit", "Orchid",
        "Vertex", "Bright Path", "Cobalt", "Meridian", "Atlas", "Helix", "Juniper", "Quartz", "Redwood", "Sable",
        "Tidal", "Northstar", "Violet", "Willow", "Yonder", "Ember", "Falcon", "Harborline", "Ivory", "Jade",
    ]
    static let suffixes = [
        "Analytics", "Logistics", "Health", "Labs", "Systems", "Foods", "Energy", "Media", "Robotics", "Finance",
        "Software", "Retail", "Studios", "Networks", "Bank",
    ]
    /// Names with accents and wide characters, so every screen is exercised on them.
    static let international = [
        "Zürich Versicherung AG", "東京データ株式会社", "Café Olé SARL", "Søren & Co ApS", "Ümlaut GmbH",
        "São Paulo Têxtil", "Łódź Logistyka", "서울 클라우드", "Crème Brûlée Bakeries", "Åre Outdoor AB",
    ]

    static func company(_ index: Int) -> String {
        if index % 20 == 7 {
            let name = international[(index / 20) % international.count]
            return index < 20 * international.count ? name : "\(name) \(index / (20 * international.count) + 1)"
        }
        let combinations = prefixes.count * suffixes.count
        let base = "\(prefixes[index % prefixes.count]) \(suffixes[(index / prefixes.count) % suffixes.count])"
        return index < combinations ? base : "\(base) \(index / combinations + 1)"
    }

    static func domain(for name: String, index: Int) -> String {
        let ascii = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            .unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0)) }
        let slug = String(String.UnicodeScalarView(ascii))
        return (slug.isEmpty ? "customer\(index)" : slug) + (index % 3 == 0 ? ".io" : ".com")
    }

    static let cities: [(String, String)] = [
        ("Stockholm", "Sweden"), ("London", "United Kingdom"), ("Berlin", "Germany"), ("Paris", "France"),
        ("New York", "United States"), ("Austin", "United States"), ("Toronto", "Canada"), ("São Paulo", "Brazil"),
        ("Tokyo", "Japan"), ("Singapore", "Singapore"), ("Sydney", "Australia"), ("Madrid", "Spain"),
    ]

    static func region(_ country: String) -> String {
        switch country {
        case "United States", "Canada", "Brazil": return "AMER"
        case "Japan", "Singapore", "Australia": return "APAC"
        default: return "EMEA"
        }
    }

    static let firstNames = [
        "Olivia", "Liam", "Sofia", "Noah", "Maja", "Lucas", "Amara", "Mateo", "Yuki", "Aisha", "Elias", "Freya",
        "Jonas", "Léa", "Omar", "Priya", "Sven", "Zoë", "Kenji", "Ingrid", "Rafael", "Nadia", "Tomás", "Hannah",
    ]
    static let lastNames = [
        "Andersson", "Smith", "García", "Müller", "Rossi", "Nakamura", "Okafor", "Dubois", "Novak", "Patel",
        "Johansson", "Brown", "Silva", "Kowalski", "Haddad", "Chen", "Larsen", "Moreau", "Schmidt", "Costa",
    ]
    static let asciiFirstNames = firstNames.map(emailPart)
    static let asciiLastNames = lastNames.map(emailPart)

    /// `Léa` → `lea`: the form a name takes in an email address.
    static func emailPart(_ name: String) -> String {
        name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            .replacingOccurrences(of: " ", with: "")
    }

    static let positions = ["Product Manager", "Head of Support", "Operations Lead", "Engineer", "Analyst", "CFO", "Admin"]
    static let noteSubjects = ["QBR notes", "Kick-off call notes", "Renewal discussion", "Escalation summary", "Success plan review"]
    static let conversations: [(String, String)] = [
        ("email", "Re: renewal quote"), ("call", "Weekly check-in"), ("email", "Feature request follow-up"),
        ("call", "Executive sponsor call"), ("chat", "Question about SSO"), ("email", "Training invitation"),
    ]
    static let tasks = ["Send renewal quote", "Schedule QBR", "Check adoption dashboard", "Follow up on NPS", "Review open tickets", "Plan onboarding"]
    static let tickets = ["Cannot export report", "SSO login loop", "Webhook retries failing", "Dashboard slow to load", "Invoice address wrong"]
    static let issues = ["Exports time out on large accounts", "Mobile app crashes on login", "Salesforce sync duplicates contacts", "Timezone shown wrong in reports"]

    static func npsComment(_ score: Int) -> String {
        switch score {
        case 9...10: return "Great product and an even better team."
        case 7...8: return "Works well, reporting could be faster."
        default: return "Too many bugs lately; support is slow."
        }
    }
}
