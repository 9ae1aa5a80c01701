import Columnar
import Engine
import Foundation
import Logging

/// The result of one statement: named, typed columns whose batches are pulled from ``batches``.
public struct SQLResult {
    /// The output column names.
    public var names: [String]
    /// Their types.
    public var types: [SQLType]
    /// The rows; columns named `c0`, `c1`, … and stored as ``SQLType/dataType``.
    public var batches: any BatchStream
    /// What the statement did, for statements without rows to show (`USE`).
    public var message: String?
    /// Text to show instead of rows (`EXPLAIN`'s plan).
    public var text: String?
}

/// Runs SQL statements against a catalog, one after another, as `sluice query` and the Athena-runner activity do:
/// `USE` changes the default database for the statements after it.
public final class SQLSession {
    /// The tables; `USE` changes its default database.
    public private(set) var catalog: SQLCatalog
    let store: ObjectStore?
    let baseDirectory: String
    let memoryBudget: Int
    let hashBuildLimit: Int?
    let logger: Logger
    private var executors: [QueryExecutor] = []

    /// A session over `catalog`, reading relative paths from `baseDirectory` and `s3://` ones through `store`.
    public init(
        catalog: SQLCatalog,
        store: ObjectStore?,
        baseDirectory: String = FileManager.default.currentDirectoryPath,
        memoryBudget: Int = 1 << 30,
        hashBuildLimit: Int? = nil,
        logger: Logger
    ) {
        self.hashBuildLimit = hashBuildLimit
        self.catalog = catalog
        self.store = store
        self.baseDirectory = baseDirectory
        self.memoryBudget = memoryBudget
        self.logger = logger
    }

    /// The bytes of table data read by the statements so far.
    public var bytesScanned: Int { executors.reduce(0) { $0 + $1.bytesScanned } }
    /// The Parquet row groups the statements' scans skipped by their statistics.
    public var rowGroupsSkipped: Int { executors.reduce(0) { $0 + $1.rowGroupsSkipped } }

    /// Parses `text` and runs each statement in order, handing each result to `body` before the next starts.
    ///
    /// - Throws: ``SQLSyntaxError`` before anything runs when any statement does not parse; ``SQLError`` when a
    ///   statement cannot be bound or fails while it runs.
    public func run(_ text: String, _ body: (SQLResult) throws -> Void) throws {
        let statements = try SQLParser.statements(text)
        for statement in statements { try body(try execute(statement, text: text)) }
    }

    /// Runs one statement of `text`.
    public func execute(_ statement: SQLStatement, text: String) throws -> SQLResult {
        let executor = QueryExecutor(
            store: store,
            baseDirectory: baseDirectory,
            memoryBudget: memoryBudget,
            hashBuildLimit: hashBuildLimit,
            logger: logger
        )
        executors.append(executor)
        var binder = SQLBinder(catalog: catalog, text: text, tableSchema: executor.schema(of:))
        binder.tableRows = executor.estimatedRows(of:)
        binder.tableBounds = executor.distinctValueBounds(of:)
        binder.scalarSubquery = { plan in
            var rows = try executor.stream(plan)
            var value: SQLValue?
            while let batch = try rows.next() {
                guard batch.count > 0 else { continue }
                guard value == nil, batch.count == 1 else {
                    throw SQLError("a scalar subquery returned more than one row")
                }
                value = SQLColumns.value(batch.columns[0], plan.types[0], at: 0)
            }
            return value ?? .null
        }
        switch statement {
        case .query(let query):
            let bound = try binder.bindQuery(query)
            return SQLResult(names: bound.names, types: bound.plan.types, batches: try executor.stream(bound.plan))
        case .explain(let inner):
            guard case .query(let query) = inner else {
                throw SQLError("EXPLAIN shows the plan of a query (SELECT …)")
            }
            let bound = try binder.bindQuery(query)
            let plan = "output: \(bound.names.joined(separator: ", "))\n\(bound.plan)"
            var result = Self.rows(["plan"], [plan.split(separator: "\n").map { .varchar(String($0)) }])
            result.text = plan
            return result
        case .use(let database):
            guard catalog.databases[database.lowercased()] != nil else {
                throw SQLError(
                    "unknown database \(database)"
                        + SQLSuggestion.didYouMean(database, among: Array(catalog.databases.keys))
                )
            }
            catalog.defaultDatabase = database.lowercased()
            return SQLResult(
                names: [],
                types: [],
                batches: ArrayBatchStream(schema: Schema([]), batches: []),
                message: "using database \(catalog.defaultDatabase)"
            )
        case .showTables(let database):
            let name = database?.lowercased() ?? catalog.defaultDatabase
            guard let tables = catalog.databases[name] else { throw SQLError("unknown database \(name)") }
            return Self.rows(["tab_name"], [tables.keys.sorted().map(SQLValue.varchar)])
        case .describe(let name):
            guard let table = catalog.table(name.parts) else {
                throw SQLError(
                    "unknown table \(name)"
                        + SQLSuggestion.didYouMean(name.name, among: catalog.candidateNames(for: name.parts)),
                    at: name.location,
                    in: text
                )
            }
            let schema = try executor.schema(of: table)
            return Self.rows(
                ["col_name", "data_type"],
                [
                    schema.names.map { .varchar(normalizedColumnName($0)) },
                    schema.fields.map { .varchar(SQLType($0.type).description.lowercased()) },
                ]
            )
        case .createTableAs(let name, let query):
            return try createTable(name, query, binder: binder, executor: executor, text: text)
        case .dropTable(let name, let ifExists, let purge):
            return try dropTable(name, ifExists: ifExists, purge: purge, text: text)
        }
    }

    private func qualified(_ name: SQLName, text: String) throws -> (database: String, table: String) {
        switch name.parts.count {
        case 1: return (catalog.defaultDatabase, name.parts[0].lowercased())
        case 2: return (name.parts[0].lowercased(), name.parts[1].lowercased())
        default: throw SQLError("expected table or database.table, found \(name)", at: name.location, in: text)
        }
    }

    /// `CREATE TABLE name AS query`: the rows written as a Parquet dataset under the catalog's tables location
    /// through the jobs' atomic commit, then the table added to the catalog (and its file).
    private func createTable(
        _ name: SQLName,
        _ query: SQLQuery,
        binder: SQLBinder,
        executor: QueryExecutor,
        text: String
    ) throws -> SQLResult {
        let (database, table) = try qualified(name, text: text)
        if catalog.databases[database]?[table] != nil {
            throw SQLError(
                "table \(database).\(table) already exists (DROP TABLE it first)",
                at: name.location,
                in: text
            )
        }
        let bound = try binder.bindQuery(query)
        var seen = Set<String>()
        for column in bound.names where !seen.insert(column.lowercased()).inserted {
            throw SQLError("CREATE TABLE AS: two columns are named \(column); give them different aliases")
        }
        let path = "\(catalog.tablesLocation)/\(database)/\(table)"
        let location = try DataLocation(path, relativeTo: baseDirectory)
        let schema = Schema(zip(bound.names, bound.plan.types).map { Field($0, $1.dataType) })
        var rows = try executor.stream(bound.plan)
        let named = ClosureBatchStream(schema: schema) {
            try rows.next().map { RecordBatch(schema: schema, columns: $0.columns) }
        }
        let written = try DatasetWriter.write(named, to: location, store: store, logger: logger)
        catalog.register(
            SQLCatalog.Table(
                database: database,
                name: table,
                input: JobInput(name: table, format: .parquet, defaultPath: path)
            )
        )
        try catalog.save()
        return SQLResult(
            names: [],
            types: [],
            batches: ArrayBatchStream(schema: Schema([]), batches: []),
            message: "created table \(database).\(table) at \(location) (\(written.rows) rows)"
        )
    }

    /// `DROP TABLE [IF EXISTS] name [PURGE]`: the catalog entry goes; with `PURGE`, a local dataset's files too.
    private func dropTable(_ name: SQLName, ifExists: Bool, purge: Bool, text: String) throws -> SQLResult {
        let (database, table) = try qualified(name, text: text)
        guard let entry = catalog.databases[database]?[table] else {
            if ifExists {
                return SQLResult(
                    names: [],
                    types: [],
                    batches: ArrayBatchStream(schema: Schema([]), batches: []),
                    message: "no table \(database).\(table)"
                )
            }
            throw SQLError(
                "unknown table \(name)"
                    + SQLSuggestion.didYouMean(table, among: Array(catalog.databases[database]?.keys ?? [:].keys)),
                at: name.location,
                in: text
            )
        }
        var purged = ""
        if purge {
            let location = try DataLocation(entry.input.defaultPath, relativeTo: baseDirectory)
            guard case .local(let path) = location else {
                throw SQLError(
                    "DROP TABLE … PURGE removes local datasets only; \(location) is kept (drop without PURGE)"
                )
            }
            try? FileManager.default.removeItem(atPath: path)
            purged = " and removed \(path)"
        }
        catalog.remove(database: database, name: table)
        try catalog.save()
        return SQLResult(
            names: [],
            types: [],
            batches: ArrayBatchStream(schema: Schema([]), batches: []),
            message: "dropped table \(database).\(table)\(purged)"
        )
    }

    /// A result of text columns given column by column.
    static func rows(_ names: [String], _ columns: [[SQLValue]]) -> SQLResult {
        let types = names.map { _ in SQLType.varchar }
        let schema = QueryExecutor.schema(types)
        let batch = RecordBatch(schema: schema, columns: columns.map { SQLCasts.build($0, .varchar) })
        return SQLResult(
            names: names,
            types: types,
            batches: ArrayBatchStream(schema: schema, batches: batch.count == 0 ? [] : [batch])
        )
    }
}
