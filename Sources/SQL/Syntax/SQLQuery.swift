/// A query: `[WITH …] body [ORDER BY …] [LIMIT n] [OFFSET m]`.
public struct SQLQuery: Sendable, Hashable, CustomStringConvertible {
    /// The common table expressions, in order.
    public var with: [SQLCommonTableExpression]
    /// The `SELECT` or set operation.
    public var body: SQLQueryBody
    /// The sort keys.
    public var orderBy: [SQLOrderItem]
    /// `LIMIT`, `OFFSET`.
    public var limit: SQLExpression?
    public var offset: SQLExpression?

    /// Creates a query.
    public init(
        with: [SQLCommonTableExpression] = [],
        body: SQLQueryBody,
        orderBy: [SQLOrderItem] = [],
        limit: SQLExpression? = nil,
        offset: SQLExpression? = nil
    ) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
    }

    /// The query as SQL.
    public var description: String {
        var text = ""
        if !with.isEmpty {
            text += "WITH " + with.map { "\(SQLName.render($0.name)) AS (\($0.query))" }.joined(separator: ", ") + " "
        }
        text += body.description
        if !orderBy.isEmpty { text += " ORDER BY " + orderBy.map(\.description).joined(separator: ", ") }
        if let limit { text += " LIMIT \(limit)" }
        if let offset { text += " OFFSET \(offset)" }
        return text
    }
}

/// `name AS (query)` in a `WITH`.
public struct SQLCommonTableExpression: Sendable, Hashable {
    /// The name the query is known by.
    public var name: String
    /// The query.
    public var query: SQLQuery
    /// Where the name is.
    public var location: SQLLocation

    /// Creates one.
    public init(name: String, query: SQLQuery, location: SQLLocation) {
        self.name = name
        self.query = query
        self.location = location
    }
}

/// A query's body: one `SELECT`, or a set operation over two bodies.
public indirect enum SQLQueryBody: Sendable, Hashable, CustomStringConvertible {
    case select(SQLSelect)
    /// `left UNION [ALL] right`.
    case union(SQLQueryBody, SQLQueryBody, all: Bool)
    /// `left INTERSECT [DISTINCT] right`: the distinct rows of `left` that `right` has too (nulls equal).
    case intersect(SQLQueryBody, SQLQueryBody)
    /// `left EXCEPT [DISTINCT] right`: the distinct rows of `left` that `right` has not (nulls equal).
    case except(SQLQueryBody, SQLQueryBody)
    /// A parenthesised query as an operand of a set operation.
    case nested(SQLQuery)

    /// The body as SQL.
    public var description: String {
        switch self {
        case .select(let select): select.description
        case .union(let left, let right, let all): "\(left) UNION \(all ? "ALL " : "")\(right)"
        case .intersect(let left, let right): "\(left) INTERSECT \(right)"
        case .except(let left, let right): "\(left) EXCEPT \(right)"
        case .nested(let query): "(\(query))"
        }
    }
}

/// `SELECT [DISTINCT] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …]`.
public struct SQLSelect: Sendable, Hashable, CustomStringConvertible {
    public var distinct: Bool
    public var items: [SQLSelectItem]
    /// The `FROM` list (comma-separated references, each possibly a join tree); empty for `SELECT 1`.
    public var from: [SQLTableReference]
    public var filter: SQLExpression?
    public var groupBy: [SQLExpression]
    public var having: SQLExpression?

    /// Creates a select.
    public init(
        distinct: Bool = false,
        items: [SQLSelectItem],
        from: [SQLTableReference] = [],
        filter: SQLExpression? = nil,
        groupBy: [SQLExpression] = [],
        having: SQLExpression? = nil
    ) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.filter = filter
        self.groupBy = groupBy
        self.having = having
    }

    /// The select as SQL.
    public var description: String {
        var text = "SELECT " + (distinct ? "DISTINCT " : "") + items.map(\.description).joined(separator: ", ")
        if !from.isEmpty { text += " FROM " + from.map(\.description).joined(separator: ", ") }
        if let filter { text += " WHERE \(filter)" }
        if !groupBy.isEmpty { text += " GROUP BY " + groupBy.map(\.description).joined(separator: ", ") }
        if let having { text += " HAVING \(having)" }
        return text
    }
}

/// One item of a select list.
public enum SQLSelectItem: Sendable, Hashable, CustomStringConvertible {
    /// `*` or `t.*`.
    case all(qualifier: String?, location: SQLLocation)
    /// `expression [AS alias]`.
    case expression(SQLExpression, alias: String?)

    /// The item as SQL.
    public var description: String {
        switch self {
        case .all(let qualifier, _): qualifier.map { "\(SQLName.render($0)).*" } ?? "*"
        case .expression(let expression, let alias):
            alias.map { "\(expression) AS \(SQLName.render($0))" }
                ?? expression.description
        }
    }
}

/// A `FROM` item.
public indirect enum SQLTableReference: Sendable, Hashable, CustomStringConvertible {
    /// A table (or CTE) by name, with an optional alias.
    case table(SQLName, alias: String?)
    /// `(query) [AS] alias`.
    case subquery(SQLQuery, alias: String?, location: SQLLocation)
    /// A join of two references.
    case join(SQLJoinKind, SQLTableReference, SQLTableReference, SQLJoinCondition)

    /// The reference as SQL.
    public var description: String {
        switch self {
        case .table(let name, let alias): alias.map { "\(name) AS \(SQLName.render($0))" } ?? name.description
        case .subquery(let query, let alias, _): "(\(query))" + (alias.map { " AS \(SQLName.render($0))" } ?? "")
        case .join(let kind, let left, let right, let condition):
            "(\(left) \(kind.rawValue) JOIN \(right)\(condition))"
        }
    }
}

/// The kind of a join.
public enum SQLJoinKind: String, Sendable, Hashable {
    case inner = "INNER"
    case left = "LEFT"
    case right = "RIGHT"
    case full = "FULL"
    case cross = "CROSS"
}

/// How a join matches rows.
public enum SQLJoinCondition: Sendable, Hashable, CustomStringConvertible {
    /// `ON condition`.
    case on(SQLExpression)
    /// `USING (a, b)`.
    case using([String])
    /// None (`CROSS JOIN`).
    case none

    /// The condition as SQL, with its leading space.
    public var description: String {
        switch self {
        case .on(let condition): " ON \(condition)"
        case .using(let columns): " USING (" + columns.map(SQLName.render).joined(separator: ", ") + ")"
        case .none: ""
        }
    }
}

/// A sort key: `expression [ASC|DESC] [NULLS FIRST|LAST]`.
public struct SQLOrderItem: Sendable, Hashable, CustomStringConvertible {
    public var expression: SQLExpression
    public var ascending: Bool
    /// `NULLS FIRST` (true), `NULLS LAST` (false), or the default (`nil`: last in either direction, as in Trino and
    /// DuckDB).
    public var nullsFirst: Bool?

    /// Creates a sort key.
    public init(expression: SQLExpression, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }

    /// The key as SQL.
    public var description: String {
        var text = expression.description + (ascending ? " ASC" : " DESC")
        if let nullsFirst { text += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
        return text
    }
}
