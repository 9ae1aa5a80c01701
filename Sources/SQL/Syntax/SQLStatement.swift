/// One statement of a SQL text.
public indirect enum SQLStatement: Sendable, Hashable, CustomStringConvertible {
    /// A query.
    case query(SQLQuery)
    /// `EXPLAIN statement`.
    case explain(SQLStatement)
    /// `CREATE TABLE name AS query`.
    case createTableAs(SQLName, SQLQuery)
    /// `DROP TABLE [IF EXISTS] name [PURGE]`.
    case dropTable(SQLName, ifExists: Bool, purge: Bool)
    /// `SHOW TABLES [FROM|IN database]`.
    case showTables(database: String?)
    /// `DESCRIBE name`.
    case describe(SQLName)
    /// `USE database`.
    case use(String)

    /// The statement as SQL.
    public var description: String {
        switch self {
        case .query(let query): query.description
        case .explain(let statement): "EXPLAIN \(statement)"
        case .createTableAs(let name, let query): "CREATE TABLE \(name) AS \(query)"
        case .dropTable(let name, let ifExists, let purge):
            "DROP TABLE \(ifExists ? "IF EXISTS " : "")\(name)\(purge ? " PURGE" : "")"
        case .showTables(let database): "SHOW TABLES" + (database.map { " FROM \(SQLName.render($0))" } ?? "")
        case .describe(let name): "DESCRIBE \(name)"
        case .use(let database): "USE \(SQLName.render(database))"
        }
    }
}
