import Columnar
import Engine

/// A bound query: its plan and the names of its output columns.
public struct BoundQuery: Sendable {
    public var plan: QueryPlan
    public var names: [String]
}

/// Resolves a query's names against the catalog and turns it into a ``QueryPlan``: tables become scans, `WHERE`
/// filters, joins equi-joins on their equality predicates (comma joins included), aggregates a hash group-by, and
/// only the columns the query uses are read.
public struct SQLBinder {
    /// The catalog tables are looked up in.
    public var catalog: SQLCatalog
    /// The statement's text, for carets in errors.
    var text: String
    /// The columns (own names and types) of a table.
    var tableSchema: (SQLCatalog.Table) throws -> Schema
    /// The rows a table holds by its metadata, once its schema is known (`nil`: unknown); the planner's estimates
    /// start from them.
    public var tableRows: (SQLCatalog.Table) -> Int? = { _ in nil }
    /// The most distinct values a table's columns can hold, by column name, once its schema is known.
    public var tableBounds: (SQLCatalog.Table) -> [String: Int] = { _ in [:] }
    /// The `WITH` queries visible, innermost last.
    var commonTables: [[String: SQLCommonTableExpression]] = []
    /// Runs an uncorrelated scalar subquery's plan once and gives its single value (null for no row); without it,
    /// scalar subqueries are an error.
    public var scalarSubquery: ((QueryPlan) throws -> SQLValue)?

    /// A binder over `catalog` for statements of `text`; `tableSchema` opens a table to learn its columns.
    public init(catalog: SQLCatalog, text: String, tableSchema: @escaping (SQLCatalog.Table) throws -> Schema) {
        self.catalog = catalog
        self.text = text
        self.tableSchema = tableSchema
    }

    func error(_ message: String, at location: SQLLocation?) -> SQLError {
        SQLError(message, at: location, in: text)
    }

    /// Binds a query and prunes the columns it does not use.
    public func bindQuery(_ query: SQLQuery) throws(SQLError) -> BoundQuery {
        var bound = try bind(query)
        bound.plan = bound.plan.pruned(keeping: Set(bound.plan.types.indices)).plan
        return bound
    }

    func bind(_ query: SQLQuery) throws(SQLError) -> BoundQuery {
        var binder = self
        if !query.with.isEmpty {
            var names: [String: SQLCommonTableExpression] = [:]
            for table in query.with { names[table.name.lowercased()] = table }
            binder.commonTables.append(names)
        }
        let limit = try binder.constantInteger(query.limit, what: "LIMIT")
        let offset = try binder.constantInteger(query.offset, what: "OFFSET") ?? 0
        if case .select(let select) = query.body {
            return try binder.bindSelect(select, orderBy: query.orderBy, limit: limit, offset: offset)
        }
        var body = try binder.bindBody(query.body)
        if !query.orderBy.isEmpty {
            var keys: [PlanSortKey] = []
            for item in query.orderBy {
                guard let column = outputColumn(item.expression, names: body.names, items: nil) else {
                    throw error(
                        "ORDER BY of a UNION must name an output column or its position",
                        at: item.expression.location
                    )
                }
                keys.append(sortKey(column, item))
            }
            body.plan = .sort(body.plan, keys)
        }
        if limit != nil || offset > 0 { body.plan = .limit(body.plan, count: limit, offset: offset) }
        return body
    }

    private func sortKey(_ column: Int, _ item: SQLOrderItem) -> PlanSortKey {
        // NULLS LAST by default in either direction, as in Trino and DuckDB.
        PlanSortKey(column: column, ascending: item.ascending, nullsFirst: item.nullsFirst ?? false)
    }

    private func constantInteger(_ expression: SQLExpression?, what: String) throws(SQLError) -> Int? {
        guard let expression else { return nil }
        guard case .literal(.integer(let digits)) = expression.kind, let value = Int(digits), value >= 0 else {
            throw error("\(what) expects a non-negative integer", at: expression.location)
        }
        return value
    }

    private func bindBody(_ body: SQLQueryBody) throws(SQLError) -> BoundQuery {
        switch body {
        case .select(let select): return try bindSelect(select, orderBy: [], limit: nil, offset: 0)
        case .nested(let query): return try bind(query)
        case .union(let left, let right, let all):
            let (a, b, names) = try bindSetOperands(left, right, operation: "UNION")
            let union = QueryPlan.unionAll(a, b)
            return BoundQuery(plan: all ? union : .distinct(union), names: names)
        case .intersect(let left, let right), .except(let left, let right):
            let isIntersect = if case .intersect = body { true } else { false }
            let (a, b, names) = try bindSetOperands(left, right, operation: isIntersect ? "INTERSECT" : "EXCEPT")
            // Rows match when every column is equal or both are null: each side is keyed by each column's null flag
            // and its value with nulls replaced, so that the join's keys are never null.
            let types = a.types
            let width = types.count
            func keyed(_ plan: QueryPlan) -> QueryPlan {
                let columns = types.enumerated().map { BoundExpression.column($0, $1, name: "#\($0)") }
                let flags = columns.map { BoundExpression.isNull($0, negated: false) }
                let values = zip(columns, types).map { column, type in
                    BoundExpression.function(.coalesce, [column, .constant(Self.filler(type), type)], type)
                }
                return .project(plan, columns + flags + values)
            }
            let keys = Array(width..<(3 * width))
            let joined = QueryPlan.hashJoin(
                keyed(a),
                keyed(b),
                leftKeys: keys,
                rightKeys: keys,
                kind: isIntersect ? .semi : .anti,
                nullAware: false
            )
            let columns = types.enumerated().map { BoundExpression.column($0, $1, name: "#\($0)") }
            return BoundQuery(plan: .distinct(.project(joined, columns)), names: names)
        }
    }

    /// A non-null value of `type` that stands for null in a set operation's keys (its null flag tells them apart).
    private static func filler(_ type: SQLType) -> SQLValue {
        switch type {
        case .bigint: .bigint(0)
        case .double: .double(0)
        case .varchar, .unknown: .varchar("")
        case .boolean: .boolean(false)
        case .date: .date(0)
        case .timestamp: .timestamp(0)
        }
    }

    /// Both operands of a set operation, cast to their columns' common types, and the output names (the left's).
    private func bindSetOperands(
        _ left: SQLQueryBody,
        _ right: SQLQueryBody,
        operation: String
    ) throws(SQLError) -> (QueryPlan, QueryPlan, [String]) {
        let a = try bindBody(left)
        let b = try bindBody(right)
        guard a.plan.types.count == b.plan.types.count else {
            throw error(
                "\(operation) of queries with \(a.plan.types.count) and \(b.plan.types.count) columns",
                at: nil
            )
        }
        var types: [SQLType] = []
        for (x, y) in zip(a.plan.types, b.plan.types) {
            guard let common = x.common(with: y) else {
                throw error("\(operation) column types \(x) and \(y) do not mix", at: nil)
            }
            types.append(common == .unknown ? .varchar : common)
        }
        func aligned(_ plan: QueryPlan) -> QueryPlan {
            guard plan.types != types else { return plan }
            return .project(
                plan,
                plan.types.enumerated().map { i, type in
                    let column = BoundExpression.column(i, type, name: "#\(i)")
                    return type == types[i] ? column : .cast(column, types[i])
                }
            )
        }
        return (aligned(a.plan), aligned(b.plan), a.names)
    }

    /// The output column an `ORDER BY` item names: a position, an output name, or an expression of the select list.
    private func outputColumn(_ expression: SQLExpression, names: [String], items: [SQLExpression?]?) -> Int? {
        if case .literal(.integer(let digits)) = expression.kind, let position = Int(digits), position >= 1,
            position <= names.count
        {
            return position - 1
        }
        if case .column(let parts) = expression.kind, parts.count == 1,
            let index = names.firstIndex(where: { $0.lowercased() == parts[0].lowercased() })
        {
            if let items, let item = items[index], case .column = item.kind {
                // A select item that is itself the column: fine either way.
                return index
            }
            return index
        }
        if let items, let index = items.firstIndex(where: { $0?.description == expression.description }) {
            return index
        }
        return nil
    }
}

extension SQLBinder {
    // MARK: - SELECT

    private func bindSelect(
        _ select: SQLSelect,
        orderBy: [SQLOrderItem],
        limit: Int?,
        offset: Int
    ) throws(SQLError) -> BoundQuery {
        var (plan, scope, conjuncts) = try bindFrom(select.from, filter: select.filter)
        for conjunct in conjuncts { plan = .filter(plan, conjunct) }
        var context = SQLBindingContext(scope: scope)

        // The select list, with `*` expanded.
        var items: [(expression: SQLExpression?, bound: BoundExpression?, name: String)] = []
        for item in select.items {
            switch item {
            case .all(let qualifier, let location):
                let chosen = scope.entries.indices.filter { i in
                    let entry = scope.entries[i]
                    if let qualifier { return entry.qualifier?.lowercased() == qualifier.lowercased() }
                    return !entry.qualifiedOnly
                }
                if chosen.isEmpty, let qualifier {
                    throw error("unknown table \(SQLName.render(qualifier)) in \(qualifier).*", at: location)
                }
                for i in chosen {
                    let entry = scope.entries[i]
                    let expression = SQLExpression(
                        .column([entry.qualifier, entry.name].compactMap { $0 }),
                        at: location
                    )
                    items.append((expression, nil, entry.name))
                }
            case .expression(let expression, let alias):
                let name: String
                if let alias {
                    name = alias
                } else if case .column(let parts) = expression.kind {
                    name = parts.last!
                } else {
                    name = "_col\(items.count)"
                }
                items.append((expression, nil, name))
            }
        }
        let names = items.map(\.name)

        // Aggregation.
        var calls: [SQLExpression] = []
        for item in items { if let expression = item.expression { collectAggregates(expression, into: &calls) } }
        if let having = select.having { collectAggregates(having, into: &calls) }
        for item in orderBy { collectAggregates(item.expression, into: &calls) }
        let aggregating = !select.groupBy.isEmpty || !calls.isEmpty || select.having != nil
        if aggregating {
            (plan, context) = try aggregate(
                plan,
                context,
                select.groupBy,
                calls,
                items: items.map(\.expression),
                names: names
            )
            if let having = select.having {
                plan = .filter(
                    plan,
                    try coerce(try bind(having, context), to: .boolean, at: having.location, what: "HAVING")
                )
            }
        }

        var outputs: [BoundExpression] = []
        for item in items { outputs.append(try bind(item.expression!, context)) }
        let visible = outputs.count

        // ORDER BY: output columns, or extra expressions computed beside them and dropped after the sort.
        var keys: [PlanSortKey] = []
        for item in orderBy {
            if let column = outputColumn(item.expression, names: names, items: items.map(\.expression)) {
                keys.append(sortKey(column, item))
                continue
            }
            if select.distinct {
                throw error(
                    "with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                    at: item.expression.location
                )
            }
            outputs.append(try bind(item.expression, context))
            keys.append(sortKey(outputs.count - 1, item))
        }
        plan = .project(plan, outputs)
        if select.distinct { plan = .distinct(plan) }
        if !keys.isEmpty { plan = .sort(plan, keys) }
        if limit != nil || offset > 0 { plan = .limit(plan, count: limit, offset: offset) }
        if outputs.count > visible {
            plan = .project(plan, (0..<visible).map { .column($0, outputs[$0].type, name: names[$0]) })
        }
        return BoundQuery(plan: plan, names: names)
    }

    func collectAggregates(_ expression: SQLExpression, into calls: inout [SQLExpression]) {
        switch expression.kind {
        case .function(let name, let arguments, _, _):
            if Self.aggregateNames.contains(name) {
                if !calls.contains(where: { $0.description == expression.description }) { calls.append(expression) }
                return
            }
            for argument in arguments { collectAggregates(argument, into: &calls) }
        case .unary(_, let operand), .cast(let operand, _), .isNull(let operand, _), .extract(_, let operand):
            collectAggregates(operand, into: &calls)
        case .binary(_, let left, let right), .like(let left, let right, _):
            collectAggregates(left, into: &calls)
            collectAggregates(right, into: &calls)
        case .caseWhen(let operand, let branches, let otherwise):
            if let operand { collectAggregates(operand, into: &calls) }
            for branch in branches {
                collectAggregates(branch.condition, into: &calls)
                collectAggregates(branch.result, into: &calls)
            }
            if let otherwise { collectAggregates(otherwise, into: &calls) }
        case .between(let value, let low, let high, _):
            for part in [value, low, high] { collectAggregates(part, into: &calls) }
        case .inList(let value, let list, _):
            for part in [value] + list { collectAggregates(part, into: &calls) }
        case .column, .literal, .inQuery, .exists, .subquery:
            return
        }
    }

    /// Plans `GROUP BY` and the aggregate calls: a projection of keys and arguments, then the hash group-by; returns
    /// the context later expressions (select list, `HAVING`, `ORDER BY`) bind in.
    private func aggregate(
        _ input: QueryPlan,
        _ context: SQLBindingContext,
        _ groupBy: [SQLExpression],
        _ calls: [SQLExpression],
        items: [SQLExpression?],
        names: [String]
    ) throws(SQLError) -> (QueryPlan, SQLBindingContext) {
        var keyExpressions: [SQLExpression] = []
        for expression in groupBy {
            if case .literal(.integer(let digits)) = expression.kind {
                guard let position = Int(digits), position >= 1, position <= items.count, let item = items[position - 1]
                else {
                    throw error("GROUP BY position \(digits) is not in the select list", at: expression.location)
                }
                keyExpressions.append(item)
            } else if case .column(let parts) = expression.kind, parts.count == 1,
                (try? context.scope.resolve(parts, at: expression.location, in: text)) == nil,
                let index = names.firstIndex(where: { $0.lowercased() == parts[0].lowercased() }),
                let item = items[index]
            {
                // GROUP BY an output alias (DuckDB allows it; a column of that name wins).
                keyExpressions.append(item)
            } else {
                keyExpressions.append(expression)
            }
        }
        var projected: [BoundExpression] = []
        var grouping = SQLBindingContext.Grouping(keys: [:], keyColumns: [:], aggregates: [:], types: [])
        for expression in keyExpressions where grouping.keys[expression.description] == nil {
            let bound = try bind(expression, context)
            grouping.keys[expression.description] = projected.count
            if case .column(let index, _, _) = bound { grouping.keyColumns[index] = projected.count }
            projected.append(bound)
        }
        let keyCount = projected.count
        var aggregates: [PlanAggregate] = []
        var distinctArgument: String?
        var distinctCount = 0
        for call in calls {
            guard case .function(let name, let arguments, let distinct, let star) = call.kind else { continue }
            if star {
                guard name == "count" else {
                    throw error("\(name)(*) is not a function; only count(*)", at: call.location)
                }
                aggregates.append(PlanAggregate(function: .countAll, column: nil, type: .bigint))
                continue
            }
            guard arguments.count == 1 else {
                throw error("\(name) takes 1 argument, found \(arguments.count)", at: call.location)
            }
            let argument = try bind(arguments[0], context)
            if distinct {
                if let other = distinctArgument, other != arguments[0].description {
                    throw error(
                        "DISTINCT aggregates over different expressions are not supported yet",
                        at: call.location
                    )
                }
                distinctArgument = arguments[0].description
                distinctCount += 1
            }
            let function: AggregateFunction
            let type: SQLType
            switch name {
            case "count":
                function = .count
                type = .bigint
            case "sum", "avg":
                guard argument.type.isNumeric || argument.type == .unknown else {
                    throw error("\(name) does not apply to \(argument.type)", at: call.location)
                }
                function = name == "sum" ? .sum : .avg
                type = name == "avg" || argument.type == .double ? .double : .bigint
            default:
                function = name == "min" ? .min : .max
                type = argument.type == .unknown ? .varchar : argument.type
            }
            let column = projected.count
            projected.append(argument.type == .unknown ? .constant(.null, type) : argument)
            aggregates.append(PlanAggregate(function: function, column: column, type: type))
        }
        // A batch needs a column to have rows: `count(*)` alone counts a constant.
        if projected.isEmpty { projected.append(.constant(.boolean(true), .boolean)) }
        var plan: QueryPlan = .project(input, projected)
        if distinctCount > 0 {
            guard distinctCount == calls.count else {
                throw error("mixing DISTINCT and plain aggregates is not supported yet", at: calls.first?.location)
            }
            // Distinct (keys, argument) pairs first, then the aggregates over them.
            let argumentColumn = aggregates[0].column!
            plan = .distinct(
                .project(
                    plan,
                    (Array(0..<keyCount) + [argumentColumn]).map { .column($0, projected[$0].type, name: "#\($0)") }
                )
            )
            aggregates = aggregates.map {
                var a = $0
                a.column = keyCount
                return a
            }
        }
        plan = .aggregate(plan, keyCount: keyCount, aggregates: aggregates)
        for (call, index) in zip(calls, aggregates.indices) { grouping.aggregates[call.description] = keyCount + index }
        grouping.types = plan.types
        return (plan, SQLBindingContext(scope: context.scope, grouping: grouping))
    }
}
