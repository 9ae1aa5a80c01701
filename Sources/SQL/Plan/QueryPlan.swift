import Engine

/// An aggregate of a plan's `aggregate` node: a function over one input column (none for `count(*)`).
public struct PlanAggregate: Sendable, Hashable {
    public var function: AggregateFunction
    /// The input column; `nil` for `count(*)`.
    public var column: Int?
    /// The output type.
    public var type: SQLType
}

/// A sort key of a plan's `sort` node.
public struct PlanSortKey: Sendable, Hashable {
    public var column: Int
    public var ascending: Bool
    public var nullsFirst: Bool
}

/// A physical plan: a tree of operators over columnar batches whose columns are known by position. Every node
/// knows its output types; ``description`` is what `EXPLAIN` prints.
public indirect enum QueryPlan: Sendable, Hashable {
    /// The `columns` of a table (its own column names), read as `types`.
    case scan(SQLCatalog.Table, columns: [String], types: [SQLType], estimatedRows: Int?)
    /// One row (`SELECT 1`), of one boolean column no name reaches (a batch needs a column to have rows).
    case singleRow
    /// The rows for which the predicate is true.
    case filter(QueryPlan, BoundExpression)
    /// One output column per expression.
    case project(QueryPlan, [BoundExpression])
    /// Hash group-by on the first `keyCount` input columns: the keys, then one column per aggregate.
    case aggregate(QueryPlan, keyCount: Int, aggregates: [PlanAggregate])
    /// External sort (spilling beyond the memory limit).
    case sort(QueryPlan, [PlanSortKey])
    /// `LIMIT`/`OFFSET`.
    case limit(QueryPlan, count: Int?, offset: Int)
    /// The distinct rows.
    case distinct(QueryPlan)
    /// Inner equi-join: the left columns, then the right ones.
    case join(QueryPlan, QueryPlan, leftKeys: [Int], rightKeys: [Int])
    /// Hash equi-join, the right side held in memory: `inner`, `left` and `full` give the left columns then the
    /// right ones; `semi` and `anti` the left columns only.
    case hashJoin(QueryPlan, QueryPlan, leftKeys: [Int], rightKeys: [Int], kind: HashJoin.Kind, nullAware: Bool)
    /// Hash semi (anti) join whose pairs must also satisfy `condition` (over the left columns, then the right ones):
    /// the left rows with (without) such a pair.
    case conditionalSemiJoin(
        QueryPlan,
        QueryPlan,
        leftKeys: [Int],
        rightKeys: [Int],
        anti: Bool,
        condition: BoundExpression
    )
    /// Every pair of rows: the left columns, then the right ones.
    case cross(QueryPlan, QueryPlan)
    /// The rows of both (types already alike).
    case unionAll(QueryPlan, QueryPlan)

    /// The output column types.
    public var types: [SQLType] {
        switch self {
        case .scan(_, _, let types, _): types
        case .singleRow: [.boolean]
        case .filter(let input, _), .sort(let input, _), .limit(let input, _, _), .distinct(let input),
            .unionAll(let input, _):
            input.types
        case .project(_, let expressions): expressions.map(\.type)
        case .aggregate(let input, let keyCount, let aggregates):
            Array(input.types.prefix(keyCount)) + aggregates.map(\.type)
        case .join(let left, let right, _, _), .cross(let left, let right): left.types + right.types
        case .conditionalSemiJoin(let left, _, _, _, _, _): left.types
        case .hashJoin(let left, let right, _, _, let kind, _):
            kind == .semi || kind == .anti ? left.types : left.types + right.types
        }
    }
}

extension QueryPlan: CustomStringConvertible {
    /// The plan as an indented tree, one operator a line, inputs below their consumer.
    public var description: String {
        var lines: [String] = []
        render(into: &lines, depth: 0)
        return lines.joined(separator: "\n")
    }

    private func render(into lines: inout [String], depth: Int) {
        let indent = String(repeating: "  ", count: depth)
        func columns(_ indices: [Int]) -> String { indices.map { "#\($0)" }.joined(separator: ", ") }
        let estimate = "~\(Int(estimatedRows.rounded())) rows"
        switch self {
        case .scan(let table, let names, _, let rows):
            let format = table.input.format.rawValue
            let estimate = rows.map { ", ~\($0) rows" } ?? ""
            let source = table.rows == nil ? "\(format) \(table.input.defaultPath)\(estimate)" : "the step's rows"
            lines.append(
                "\(indent)scan \(table.qualifiedName) (\(source)) "
                    + "columns: \(names.map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        case .singleRow:
            lines.append("\(indent)one row")
        case .filter(let input, let predicate):
            lines.append("\(indent)filter \(predicate) (\(estimate))")
            input.render(into: &lines, depth: depth + 1)
        case .project(let input, let expressions):
            lines.append("\(indent)project \(expressions.map(\.description).joined(separator: ", "))")
            input.render(into: &lines, depth: depth + 1)
        case .aggregate(let input, let keyCount, let aggregates):
            let functions = aggregates.map { "\($0.function.rawValue)(\($0.column.map { "#\($0)" } ?? "*"))" }
            lines.append(
                "\(indent)hash aggregate keys: [\(columns(Array(0..<keyCount)))] values: [\(functions.joined(separator: ", "))]"
                    + " (\(estimate))"
            )
            input.render(into: &lines, depth: depth + 1)
        case .sort(let input, let keys):
            let text = keys.map {
                "#\($0.column) \($0.ascending ? "ASC" : "DESC") NULLS \($0.nullsFirst ? "FIRST" : "LAST")"
            }
            lines.append("\(indent)sort \(text.joined(separator: ", "))")
            input.render(into: &lines, depth: depth + 1)
        case .limit(let input, let count, let offset):
            lines.append("\(indent)limit \(count.map(String.init) ?? "all") offset \(offset)")
            input.render(into: &lines, depth: depth + 1)
        case .distinct(let input):
            lines.append("\(indent)distinct (hash)")
            input.render(into: &lines, depth: depth + 1)
        case .join(let left, let right, let leftKeys, let rightKeys):
            lines.append(
                "\(indent)inner join on left [\(columns(leftKeys))] = right [\(columns(rightKeys))] (hash when a side "
                    + "proves small, else sort-merge; \(estimate))"
            )
            left.render(into: &lines, depth: depth + 1)
            right.render(into: &lines, depth: depth + 1)
        case .hashJoin(let left, let right, let leftKeys, let rightKeys, let kind, let nullAware):
            let name = kind == .anti && nullAware ? "anti (NOT IN)" : kind.rawValue
            lines.append(
                "\(indent)\(name) join (hash, right side built in memory) on left [\(columns(leftKeys))] = "
                    + "right [\(columns(rightKeys))] (\(estimate))"
            )
            left.render(into: &lines, depth: depth + 1)
            right.render(into: &lines, depth: depth + 1)
        case .conditionalSemiJoin(let left, let right, let leftKeys, let rightKeys, let anti, let condition):
            lines.append(
                "\(indent)\(anti ? "anti" : "semi") join (hash, right side built in memory) on left "
                    + "[\(columns(leftKeys))] = right [\(columns(rightKeys))] where \(condition) (\(estimate))"
            )
            left.render(into: &lines, depth: depth + 1)
            right.render(into: &lines, depth: depth + 1)
        case .cross(let left, let right):
            lines.append("\(indent)cross join (nested loop; \(estimate))")
            left.render(into: &lines, depth: depth + 1)
            right.render(into: &lines, depth: depth + 1)
        case .unionAll(let left, let right):
            lines.append("\(indent)union all")
            left.render(into: &lines, depth: depth + 1)
            right.render(into: &lines, depth: depth + 1)
        }
    }
}
