import Columnar
import Engine
import SQL
import Testing

/// The planner's choices, from tables' schemas and row counts alone (nothing is read): filters implied by an `OR`
/// over several tables, the greedy join order by estimated rows, and the estimates `EXPLAIN` shows.
@Suite struct SQLPlannerTests {
    /// TPC-H's shapes: a fact table, two dimensions and a small one.
    static let tables: [String: (columns: [Field], rows: Int)] = [
        "lineitem": ([Field("l_orderkey", .int64), Field("l_suppkey", .int64), Field("l_price", .double)], 6_000_000),
        "orders": ([Field("o_orderkey", .int64), Field("o_custkey", .int64)], 1_500_000),
        "supplier": ([Field("s_suppkey", .int64), Field("s_nationkey", .int64)], 10_000),
        "nation": ([Field("n_nationkey", .int64), Field("n_name", .string)], 25),
    ]

    static func plan(_ text: String) throws -> QueryPlan {
        var catalog = SQLCatalog(defaultDatabase: "tpch")
        for name in tables.keys {
            catalog.register(
                SQLCatalog.Table(
                    database: "tpch",
                    name: name,
                    input: JobInput(name: name, format: .parquet, defaultPath: "\(name).parquet")
                )
            )
        }
        var binder = SQLBinder(catalog: catalog, text: text) { table in Schema(tables[table.name]!.columns) }
        binder.tableRows = { table in tables[table.name]?.rows }
        guard case .query(let query) = try SQLParser.statement(text) else { throw SQLError("not a query") }
        return try binder.bindQuery(query).plan
    }

    /// The lines of the plan's text, without indentation, for the nodes of `kind`.
    static func lines(_ plan: QueryPlan, _ prefix: String) -> [String] {
        plan.description.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix(prefix) }
    }

    @Test func anOrOverTwoTablesFiltersEachByWhatEveryBranchSaysOfIt() throws {
        let plan = try Self.plan(
            """
            SELECT count(*) FROM supplier, nation n1, nation n2
            WHERE s_nationkey = n1.n_nationkey AND s_suppkey = n2.n_nationkey
              AND ((n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND n2.n_name = 'FRANCE'))
            """
        )
        let filters = Self.lines(plan, "filter")
        #expect(filters.contains("filter ((n1.n_name = 'FRANCE') OR (n1.n_name = 'GERMANY')) (~5 rows)"))
        #expect(filters.contains("filter ((n2.n_name = 'GERMANY') OR (n2.n_name = 'FRANCE')) (~5 rows)"))
        // The OR itself is still applied, above the joins.
        #expect(filters.contains { $0.hasPrefix("filter (((n1.n_name = 'FRANCE') AND (n2.n_name = 'GERMANY')) OR") })

        // A branch that says nothing about a table alone implies nothing for it.
        let partial = try Self.plan(
            "SELECT count(*) FROM supplier, nation WHERE s_nationkey = n_nationkey "
                + "AND (n_name = 'FRANCE' OR s_suppkey = n_nationkey)"
        )
        #expect(Self.lines(partial, "filter").count == 1)
    }

    @Test func joinsStartFromTheSmallestAndTheSmallerSideIsOnTheRight() throws {
        let plan = try Self.plan(
            """
            SELECT n_name, sum(l_price) FROM lineitem, orders, supplier, nation
            WHERE l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND s_nationkey = n_nationkey
              AND n_name = 'FRANCE'
            GROUP BY n_name
            """
        )
        // The filtered nation (~3 rows) meets supplier first (~1,000), that result meets lineitem (~600,000), and
        // orders last. Each join's right input is its smaller.
        var joins: [(left: QueryPlan, right: QueryPlan)] = []
        func collect(_ plan: QueryPlan) {
            switch plan {
            case .join(let left, let right, _, _):
                joins.append((left, right))
                collect(left)
                collect(right)
            case .filter(let input, _), .project(let input, _), .aggregate(let input, _, _), .sort(let input, _):
                collect(input)
            default: break
            }
        }
        collect(plan)
        #expect(joins.count == 3)
        func tables(_ plan: QueryPlan) -> Set<String> {
            Set(Self.lines(plan, "scan").compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) })
        }
        let order = joins.map { tables($0.left).union(tables($0.right)) }.sorted { $0.count < $1.count }
        #expect(order[0] == ["tpch.supplier", "tpch.nation"])
        #expect(order[1] == ["tpch.supplier", "tpch.nation", "tpch.lineitem"])
        #expect(order[2].count == 4)
        for join in joins {
            #expect(join.right.estimatedRows <= join.left.estimatedRows, "\(join.left) ⋈ \(join.right)")
        }
        let estimates = Self.lines(plan, "inner join").map { line in
            line.split(separator: "~").last.map { String($0.prefix { $0.isNumber }) } ?? ""
        }
        #expect(Set(estimates) == ["1000", "600000"], "\(plan)")
        #expect(Self.lines(plan, "scan tpch.lineitem").first?.contains("~6000000 rows") == true)
    }
}
