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
    let logger: Logger
    private var executors: [QueryExecutor] = []

    /// A session over `catalog`, reading relative paths from `baseDirectory` and `s3://` ones through `store`.
    public init(
        catalog: SQLCatalog,
        store: ObjectStore?,
        baseDirectory: String = FileManager.default.currentDirectoryPath,
        memoryBudget: Int = 1 << 30,
        logger: Logger
    ) {
        self.catalog = catalog
        self.store = store
        self.baseDirectory = baseDirectory
        self.memoryBudget = memoryBudget
        self.logger = logger
    }

    /// The bytes of table data read by the statements so far.
    public var bytesScanned: Int { executors.reduce(0) { $0 + $1.bytesScanned } }

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
            logger: logger
        )
        executors.append(executor)
        var binder = SQLBinder(catalog: catalog, text: text, tableSchema: executor.schema(of:))
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
        case .createTableAs, .dropTable:
            throw SQLError("CREATE TABLE AS and DROP TABLE are not supported yet")
        }
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
