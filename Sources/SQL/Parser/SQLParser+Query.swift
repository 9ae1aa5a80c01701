extension SQLParser {
    /// `[WITH …] body [ORDER BY …] [LIMIT n] [OFFSET m]` (`OFFSET` before `LIMIT` too).
    mutating func query() throws(SQLSyntaxError) -> SQLQuery {
        var with: [SQLCommonTableExpression] = []
        if accept(keyword: "WITH") {
            repeat {
                let location = current.location
                let name = try identifier("a name for the WITH query")
                try expect(keyword: "AS")
                try expect(symbol: "(")
                let query = try query()
                try expect(symbol: ")")
                with.append(SQLCommonTableExpression(name: name, query: query, location: location))
            } while accept(symbol: ",")
        }
        var result = SQLQuery(with: with, body: try queryBody())
        if accept(keyword: "ORDER") {
            try expect(keyword: "BY")
            repeat { result.orderBy.append(try orderItem()) } while accept(symbol: ",")
        }
        for _ in 0..<2 {
            if result.limit == nil, accept(keyword: "LIMIT") {
                result.limit = try expression()
            } else if result.offset == nil, accept(keyword: "OFFSET") {
                result.offset = try expression()
                _ = accept(keyword: "ROWS") || accept(keyword: "ROW")
            }
        }
        return result
    }

    /// Terms joined by `UNION [ALL|DISTINCT]` and `EXCEPT [DISTINCT]`, left to right; `INTERSECT` binds tighter, as
    /// in standard SQL.
    mutating func queryBody() throws(SQLSyntaxError) -> SQLQueryBody {
        var body = try intersection()
        while true {
            if accept(keyword: "UNION") {
                let all = accept(keyword: "ALL")
                if !all { _ = accept(keyword: "DISTINCT") }
                body = .union(body, try intersection(), all: all)
            } else if check(keyword: "EXCEPT") {
                try setDistinct()
                body = .except(body, try intersection())
            } else {
                return body
            }
        }
    }

    /// Terms joined by `INTERSECT [DISTINCT]`.
    private mutating func intersection() throws(SQLSyntaxError) -> SQLQueryBody {
        var body = try queryTerm()
        while check(keyword: "INTERSECT") {
            try setDistinct()
            body = .intersect(body, try queryTerm())
        }
        return body
    }

    /// Takes `INTERSECT` or `EXCEPT` and an optional `DISTINCT`; `ALL` is refused.
    private mutating func setDistinct() throws(SQLSyntaxError) {
        let keyword = current.keyword ?? ""
        _ = advance()
        if check(keyword: "ALL") {
            throw error("\(keyword) ALL is not supported; only \(keyword) [DISTINCT]", at: current.location)
        }
        _ = accept(keyword: "DISTINCT")
    }

    private mutating func queryTerm() throws(SQLSyntaxError) -> SQLQueryBody {
        if accept(symbol: "(") {
            let nested = try query()
            try expect(symbol: ")")
            return .nested(nested)
        }
        guard check(keyword: "SELECT") else { throw unexpected("SELECT") }
        return .select(try select())
    }

    private mutating func select() throws(SQLSyntaxError) -> SQLSelect {
        try expect(keyword: "SELECT")
        var select = SQLSelect(items: [])
        if accept(keyword: "DISTINCT") {
            select.distinct = true
        } else {
            _ = accept(keyword: "ALL")
        }
        repeat { select.items.append(try selectItem()) } while accept(symbol: ",")
        if accept(keyword: "FROM") {
            repeat { select.from.append(try tableReference()) } while accept(symbol: ",")
        }
        if accept(keyword: "WHERE") { select.filter = try expression() }
        if accept(keyword: "GROUP") {
            try expect(keyword: "BY")
            repeat { select.groupBy.append(try expression()) } while accept(symbol: ",")
        }
        if accept(keyword: "HAVING") { select.having = try expression() }
        return select
    }

    private mutating func selectItem() throws(SQLSyntaxError) -> SQLSelectItem {
        let location = current.location
        if accept(symbol: "*") { return .all(qualifier: nil, location: location) }
        if atIdentifier, peek(1).kind == .symbol("."), peek(2).kind == .symbol("*") {
            let qualifier = try identifier("a table name")
            position += 2
            return .all(qualifier: qualifier, location: location)
        }
        let value = try expression()
        return .expression(value, alias: try alias())
    }

    /// `[AS] alias`: a bare alias must not be a reserved word.
    private mutating func alias() throws(SQLSyntaxError) -> String? {
        if accept(keyword: "AS") { return try identifier("an alias") }
        return atIdentifier ? try identifier("an alias") : nil
    }

    /// One `FROM` item with its joins, left to right.
    private mutating func tableReference() throws(SQLSyntaxError) -> SQLTableReference {
        var reference = try tablePrimary()
        while true {
            let kind: SQLJoinKind
            if accept(keyword: "CROSS") {
                try expect(keyword: "JOIN")
                reference = .join(.cross, reference, try tablePrimary(), .none)
                continue
            } else if accept(keyword: "JOIN") {
                kind = .inner
            } else if accept(keyword: "INNER") {
                try expect(keyword: "JOIN")
                kind = .inner
            } else if check(keyword: "LEFT") || check(keyword: "RIGHT") || check(keyword: "FULL") {
                kind = SQLJoinKind(rawValue: advance().keyword ?? "") ?? .inner
                _ = accept(keyword: "OUTER")
                try expect(keyword: "JOIN")
            } else {
                return reference
            }
            let right = try tablePrimary()
            if accept(keyword: "ON") {
                reference = .join(kind, reference, right, .on(try expression()))
            } else if accept(keyword: "USING") {
                try expect(symbol: "(")
                var columns: [String] = []
                repeat { columns.append(try identifier("a column name")) } while accept(symbol: ",")
                try expect(symbol: ")")
                reference = .join(kind, reference, right, .using(columns))
            } else {
                throw unexpected("ON or USING after the joined table")
            }
        }
    }

    private mutating func tablePrimary() throws(SQLSyntaxError) -> SQLTableReference {
        let location = current.location
        if accept(symbol: "(") {
            if opensQuery {
                let nested = try query()
                try expect(symbol: ")")
                return .subquery(nested, alias: try alias(), location: location)
            }
            let inner = try tableReference()
            try expect(symbol: ")")
            return inner
        }
        let name = try qualifiedName("a table name")
        return .table(name, alias: try alias())
    }

    /// Whether the tokens after a `(` in `FROM` open a query (`SELECT`, `WITH`, after any further `(`) rather than
    /// a parenthesised join.
    private var opensQuery: Bool {
        var ahead = 0
        while peek(ahead).kind == .symbol("(") { ahead += 1 }
        let word = peek(ahead).keyword
        return word == "SELECT" || word == "WITH"
    }

    private mutating func orderItem() throws(SQLSyntaxError) -> SQLOrderItem {
        var item = SQLOrderItem(expression: try expression())
        if accept(keyword: "DESC") {
            item.ascending = false
        } else {
            _ = accept(keyword: "ASC")
        }
        if accept(keyword: "NULLS") {
            if accept(keyword: "FIRST") {
                item.nullsFirst = true
            } else if accept(keyword: "LAST") {
                item.nullsFirst = false
            } else {
                throw unexpected("FIRST or LAST")
            }
        }
        return item
    }
}
