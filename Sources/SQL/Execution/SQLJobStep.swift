import Columnar
import Engine
import Logging

/// A job file's `sql` step, `{"sql": "SELECT … FROM input"}`, run on SQL's own binder, planner and operators:
/// the step's current rows are the table `input` (unqualified, or `job.input`), and the query's result is the
/// rows of the steps after it, its columns named as the query names them.
///
/// The query is bound when the step is reached, so a syntax error, an unknown column or a type error fails the
/// run before any output is written, with the job, the step and the caret in the message.
public struct SQLJobStep: SQLStepRunning {
    /// The database the step's `input` table is in.
    public static let database = "job"

    /// A runner of `sql` steps.
    public init() {}

    public func rows(
        of statement: String,
        input: any BatchStream,
        memoryBudget: Int,
        logger: Logger
    ) throws -> any BatchStream {
        let statements = try SQLParser.statements(statement)
        guard statements.count == 1, case .query = statements[0] else {
            throw SQLError(
                "a sql step is one query over the table input (SELECT … FROM input); found "
                    + (statements.count == 1 ? "a statement that is not a query" : "\(statements.count) statements")
            )
        }
        var catalog = SQLCatalog(defaultDatabase: Self.database)
        catalog.register(SQLCatalog.Table(database: Self.database, name: "input", rows: SQLRowSource(input)))
        let session = SQLSession(catalog: catalog, store: nil, memoryBudget: memoryBudget, logger: logger)
        let result = try session.execute(statements[0], text: statement)
        var seen = Set<String>()
        for name in result.names where !seen.insert(name.lowercased()).inserted {
            throw SQLError("two columns of the result are named \(name); give them different aliases")
        }
        let schema = Schema(zip(result.names, result.types).map { Field($0, $1.dataType) })
        var rows = result.batches
        return ClosureBatchStream(schema: schema) {
            // The session owns the executors the rows are pulled through.
            withExtendedLifetime(session) {}
            return try rows.next().map { RecordBatch(schema: schema, columns: $0.columns) }
        }
    }
}
