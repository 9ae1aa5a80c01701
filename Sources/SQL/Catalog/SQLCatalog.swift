import Engine
import Foundation

/// The tables SQL can name: `database.table` mapped to a dataset (a file, a dataset directory or an S3 prefix) with
/// its format, columns and CSV options, as a Glue Data Catalog table maps a name to data.
///
/// A catalog file is JSON; each table is described exactly as a job file's input (without its `name`), paths
/// relative to the directory the catalog is used from, as job paths are:
///
/// ```json
/// { "default_database": "sampledb",
///   "databases": { "sampledb": { "tables": {
///     "marketing_qs": { "format": "csv", "path": "samples/MarketingData_QuickSightSample.csv" },
///     "psd": { "format": "parquet", "path": "output/psd" } } } } }
/// ```
///
/// Names are case-insensitive (kept lower-case, as Athena keeps them).
public struct SQLCatalog: Sendable {
    /// One table.
    public struct Table: Sendable, Hashable {
        /// The database it belongs to.
        public var database: String
        /// Its name.
        public var name: String
        /// Format, path, columns and CSV options.
        public var input: JobInput

        /// `database.name`.
        public var qualifiedName: String { "\(database).\(name)" }

        /// A table `name` of `database` (both kept lower-case) holding `input`'s dataset.
        public init(database: String, name: String, input: JobInput) {
            self.database = database.lowercased()
            self.name = name.lowercased()
            self.input = input
        }
    }

    /// The database unqualified names are looked up in (`USE db` changes it).
    public var defaultDatabase: String
    /// Tables by database, then by name.
    public private(set) var databases: [String: [String: Table]]
    /// The file the catalog was read from, when there is one.
    public var path: String?

    /// An empty catalog whose default database is `defaultDatabase`.
    public init(defaultDatabase: String = "default") {
        self.defaultDatabase = defaultDatabase.lowercased()
        self.databases = [self.defaultDatabase: [:]]
    }

    /// Reads a catalog file.
    ///
    /// - Throws: ``SQLError`` naming the file and the key path of anything missing or malformed.
    public init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SQLError("\(path): cannot read the catalog file: \(error.localizedDescription)")
        }
        try self.init(json: data, source: path)
        self.path = path
    }

    /// Parses a catalog's JSON text; `source` names it in errors.
    public init(json data: Data, source: String) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SQLError("\(source): expected a JSON object with \"databases\"")
        }
        if let unknown = root.keys.sorted().first(where: { !["default_database", "databases"].contains($0) }) {
            throw SQLError("\(source): unknown key \"\(unknown)\" (expected default_database, databases)")
        }
        guard let databases = root["databases"] as? [String: Any] else {
            throw SQLError("\(source): databases: expected an object of databases")
        }
        var tables: [String: [String: Table]] = [:]
        for (database, value) in databases {
            guard let object = value as? [String: Any], let entries = object["tables"] as? [String: Any] else {
                throw SQLError("\(source): databases.\(database): expected an object with \"tables\"")
            }
            let databaseName = database.lowercased()
            for (name, entry) in entries {
                let input: JobInput
                do {
                    input = try JobInput(
                        name: name.lowercased(),
                        json: entry,
                        source: source,
                        keyPath: "databases.\(database).tables.\(name)"
                    )
                } catch let error as JobError {
                    throw SQLError(error.message)
                }
                tables[databaseName, default: [:]][name.lowercased()] = Table(
                    database: databaseName,
                    name: name.lowercased(),
                    input: input
                )
            }
        }
        let defaultDatabase = (root["default_database"] as? String)?.lowercased() ?? tables.keys.sorted().first
        guard let defaultDatabase else { throw SQLError("\(source): no databases") }
        self.defaultDatabase = defaultDatabase
        self.databases = tables
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

    /// Adds or replaces a table.
    public mutating func register(_ table: Table) {
        databases[table.database, default: [:]][table.name] = table
    }

    /// Removes a table; returns it, or `nil` when there was none.
    @discardableResult public mutating func remove(database: String, name: String) -> Table? {
        databases[database]?.removeValue(forKey: name)
    }
}
