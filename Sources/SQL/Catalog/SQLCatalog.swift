import Engine
import Foundation

/// The tables SQL can name: `database.table` mapped to a dataset (a file, a dataset directory or an S3 prefix) with
/// its format, columns and CSV options, as a Glue Data Catalog table maps a name to data.
///
/// A catalog file is JSON; each table is described exactly as a job file's input (without its `name`), paths
/// relative to the directory the catalog is used from, as job paths are:
///
/// ```json
/// { "default_database": "marketingandsales_qs",
///   "databases": { "marketingandsales_qs": { "tables": {
///     "marketing_qs": { "format": "csv", "path": "samples/MarketingData_QuickSightSample.csv" },
///     "psd": { "format": "parquet", "path": "output/psd" } } } } }
/// ```
///
/// Names are case-insensitive (kept lower-case, as Athena keeps them). The optional `named_queries` object holds
/// saved queries, as Athena's named queries: `"named_queries": {"top_leads": {"database": "marketingandsales_qs",
/// "query": "SELECT …"}}`; the Athena-runner activity's `AthenaNamedQuery` picks one.
public struct SQLCatalog: Sendable {
    /// A saved query (`named_queries` in the file).
    public struct NamedQuery: Sendable, Hashable {
        /// The SQL text.
        public var query: String
        /// The database it runs in, when it names one (else the catalog's default).
        public var database: String?

        /// A saved query.
        public init(query: String, database: String? = nil) {
            self.query = query
            self.database = database
        }
    }

    /// One table.
    public struct Table: Sendable, Hashable {
        /// The database it belongs to.
        public var database: String
        /// Its name.
        public var name: String
        /// Format, path, columns and CSV options.
        public var input: JobInput
        /// Why the table cannot be read, when its path names a `${parameter}` without a value: reported when a
        /// statement uses the table, so that the other tables stay usable.
        public var problem: String?
        /// The rows, when they are handed over in memory rather than read from `input`'s path (a job's `sql`
        /// step).
        public var rows: SQLRowSource?
        /// The most distinct values columns can hold, by column name, as the data's statistics tell (filled when
        /// a statement is planned; the planner's join estimates use them).
        public var distinctValueBounds: [String: Int] = [:]

        /// `database.name`.
        public var qualifiedName: String { "\(database).\(name)" }

        /// The table as a plan scans it: with the distinct-value bounds its data's statistics gave.
        func planned(bounds: [String: Int]) -> Table {
            var table = self
            table.distinctValueBounds = bounds
            return table
        }

        /// A table `name` of `database` (both kept lower-case) holding `input`'s dataset.
        public init(database: String, name: String, input: JobInput) {
            self.database = database.lowercased()
            self.name = name.lowercased()
            self.input = input
        }

        /// A table `name` of `database` whose rows are `rows`.
        public init(database: String, name: String, rows: SQLRowSource) {
            self.init(database: database, name: name, input: JobInput(name: name, format: .parquet, defaultPath: ""))
            self.rows = rows
        }
    }

    /// The database unqualified names are looked up in (`USE db` changes it).
    public var defaultDatabase: String
    /// Tables by database, then by name.
    public private(set) var databases: [String: [String: Table]]
    /// The file the catalog was read from, when there is one; `CREATE TABLE` and `DROP TABLE` rewrite it.
    public var path: String?
    /// Where `CREATE TABLE name AS …` writes the table's dataset: `<tablesLocation>/<database>/<name>` (a directory
    /// relative to the current one, or an `s3://` prefix). The file's `tables_location`; default `output/sql`.
    public var tablesLocation: String = "output/sql"
    /// The saved queries by name (the file's `named_queries`).
    public var namedQueries: [String: NamedQuery] = [:]
    /// Each table's entry as the file had it (JSON), so that rewriting the file keeps what it said.
    private var entries: [String: [String: Data]] = [:]
    /// The default database the file names (`USE` changes ``defaultDatabase`` only for the session).
    private var fileDefaultDatabase: String

    /// An empty catalog whose default database is `defaultDatabase`.
    public init(defaultDatabase: String = "default") {
        self.defaultDatabase = defaultDatabase.lowercased()
        self.fileDefaultDatabase = self.defaultDatabase
        self.databases = [self.defaultDatabase: [:]]
    }

    /// Reads a catalog file. A table path may use `${name}` parameters, as job-file paths do
    /// (`s3://${SourceDataBucketName}/sales/`); they are filled from `parameters` (the CLI passes its environment).
    ///
    /// - Throws: ``SQLError`` naming the file and the key path of anything missing or malformed, or of a parameter
    ///   without a value.
    public init(contentsOf path: String, parameters: [String: String] = [:]) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SQLError("\(path): cannot read the catalog file: \(error.localizedDescription)")
        }
        try self.init(json: data, source: path, parameters: parameters)
        self.path = path
    }

    /// Parses a catalog's JSON text; `source` names it in errors; `parameters` fill the paths' `${name}`s.
    public init(json data: Data, source: String, parameters: [String: String] = [:]) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SQLError("\(source): expected a JSON object with \"databases\"")
        }
        let known = ["default_database", "databases", "tables_location", "named_queries"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw SQLError("\(source): unknown key \"\(unknown)\" (expected \(known.joined(separator: ", ")))")
        }
        guard let databases = root["databases"] as? [String: Any] else {
            throw SQLError("\(source): databases: expected an object of databases")
        }
        var tables: [String: [String: Table]] = [:]
        var raw: [String: [String: Data]] = [:]
        for (database, value) in databases {
            guard let object = value as? [String: Any], let entries = object["tables"] as? [String: Any] else {
                throw SQLError("\(source): databases.\(database): expected an object with \"tables\"")
            }
            let databaseName = database.lowercased()
            for (name, entry) in entries {
                var input: JobInput
                let keyPath = "databases.\(database).tables.\(name)"
                do {
                    input = try JobInput(name: name.lowercased(), json: entry, source: source, keyPath: keyPath)
                } catch let error as JobError {
                    throw SQLError(error.message)
                }
                var problem: String?
                if input.defaultPath.contains("${") {
                    let template: JobPathTemplate
                    do { template = try JobPathTemplate(input.defaultPath) } catch {
                        throw SQLError("\(source): \(keyPath).path: \(error)")
                    }
                    switch template.filled({ parameters[$0] }) {
                    case .success(let filled): input.defaultPath = filled
                    case .failure(let unfilled):
                        problem =
                            "\(source): \(keyPath).path: parameter ${\(unfilled.name)} has no value "
                            + "(set the environment variable \(unfilled.name))"
                    }
                }
                var table = Table(database: databaseName, name: name.lowercased(), input: input)
                table.problem = problem
                tables[databaseName, default: [:]][name.lowercased()] = table
                raw[databaseName, default: [:]][name.lowercased()] =
                    (try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys])) ?? Data("{}".utf8)
            }
        }
        let defaultDatabase = (root["default_database"] as? String)?.lowercased() ?? tables.keys.sorted().first
        guard let defaultDatabase else { throw SQLError("\(source): no databases") }
        self.defaultDatabase = defaultDatabase
        self.fileDefaultDatabase = defaultDatabase
        self.databases = tables
        self.entries = raw
        if let location = root["tables_location"] as? String { tablesLocation = location }
        if let named = root["named_queries"] {
            guard let named = named as? [String: Any] else {
                throw SQLError(
                    "\(source): named_queries: expected an object of query name to {\"query\", \"database\"}"
                )
            }
            for (name, value) in named {
                guard let object = value as? [String: Any], let query = object["query"] as? String else {
                    throw SQLError("\(source): named_queries.\(name): expected an object with a string \"query\"")
                }
                let database = object["database"]
                guard database == nil || database is String else {
                    throw SQLError("\(source): named_queries.\(name).database: expected a string")
                }
                namedQueries[name] = NamedQuery(query: query, database: (database as? String)?.lowercased())
            }
        }
    }

    /// Rewrites the catalog file (when there is one) with the tables as they are now, atomically: the new text is
    /// written beside it and renamed over it.
    public func save() throws {
        guard let path else { return }
        var databases: [String: Any] = [:]
        for (database, tables) in self.databases {
            var objects: [String: Any] = [:]
            for name in tables.keys {
                let data = entries[database]?[name] ?? Data("{}".utf8)
                objects[name] = try JSONSerialization.jsonObject(with: data)
            }
            databases[database] = ["tables": objects]
        }
        var root: [String: Any] = [
            "default_database": fileDefaultDatabase, "tables_location": tablesLocation, "databases": databases,
        ]
        if !namedQueries.isEmpty {
            root["named_queries"] = namedQueries.mapValues { named -> [String: Any] in
                var object: [String: Any] = ["query": named.query]
                if let database = named.database { object["database"] = database }
                return object
            }
        }
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        let temporary = path + ".sluice-tmp-\(getpid())"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw SQLError("\(path): cannot replace the catalog file") }
        } catch {
            unlink(temporary)
            throw SQLError("\(path): cannot write the catalog file: \(error)")
        }
    }

    /// The table `parts` names (`table` in the default database, or `database.table`), or `nil`.
    public func table(_ parts: [String]) -> Table? {
        switch parts.count {
        case 1: databases[defaultDatabase]?[parts[0].lowercased()]
        case 2: databases[parts[0].lowercased()]?[parts[1].lowercased()]
        default: nil
        }
    }

    /// Every table name a lookup of `parts` could have meant, for "did you mean".
    func candidateNames(for parts: [String]) -> [String] {
        if parts.count == 2 { return databases[parts[0].lowercased()].map { Array($0.keys) } ?? [] }
        return databases[defaultDatabase].map { Array($0.keys) } ?? []
    }

    /// Adds or replaces a table; `entry` is its description for the catalog file (format and path when `nil`).
    public mutating func register(_ table: Table, entry: Data? = nil) {
        databases[table.database, default: [:]][table.name] = table
        let description: [String: Any] = ["format": table.input.format.rawValue, "path": table.input.defaultPath]
        entries[table.database, default: [:]][table.name] =
            entry ?? (try? JSONSerialization.data(withJSONObject: description, options: [.sortedKeys])) ?? Data()
    }

    /// Removes a table; returns it, or `nil` when there was none.
    @discardableResult public mutating func remove(database: String, name: String) -> Table? {
        entries[database]?.removeValue(forKey: name)
        return databases[database]?.removeValue(forKey: name)
    }
}
