import Columnar
import Engine
import Foundation
import Logging
import SQL
import TestSupport
import Testing

/// Sluice's answers compared with DuckDB's, query by query, over the same typed data: small Parquet tables with
/// nulls, duplicate join keys and an empty table (written by pyarrow), and the seed's two CSVs.
@Suite(.tags(.pythonPeers), .needsPythonPeers)
struct SQLOracleTests {
    /// A query, and whether its `ORDER BY` fixes the order of every row (else rows compare as multisets).
    struct Case: Sendable, CustomTestStringConvertible {
        var sql: String
        var ordered: Bool
        var testDescription: String { sql }
    }

    static func unordered(_ sql: String) -> Case { Case(sql: sql, ordered: false) }
    static func ordered(_ sql: String) -> Case { Case(sql: sql, ordered: true) }

    static let cases: [Case] = [
        unordered("SELECT * FROM t"),
        unordered("SELECT k, v FROM t WHERE k > 2"),
        unordered("SELECT k, s FROM t WHERE k IS NULL"),
        unordered("SELECT k, s FROM t WHERE s IS NOT NULL AND k <> 2"),
        unordered("SELECT s FROM t WHERE s LIKE 'a%'"),
        unordered("SELECT s FROM t WHERE s LIKE '_b%' OR s LIKE 'x_y' OR s LIKE '%c'"),
        unordered("SELECT s FROM t WHERE s NOT LIKE '%b%'"),
        unordered("SELECT k FROM t WHERE k IN (1, 5, 9)"),
        unordered("SELECT k FROM t WHERE k NOT IN (1, 5)"),
        unordered("SELECT k FROM t WHERE k BETWEEN 2 AND 5"),
        unordered("SELECT k FROM t WHERE k NOT BETWEEN 2 AND 5"),
        unordered("SELECT k + 1, k * 2, k - 10, -k, k % 3 FROM t"),
        unordered("SELECT v * 2, v + k, v / 4, -v FROM t"),
        unordered("SELECT count(*), count(k), count(v), count(s) FROM t"),
        unordered("SELECT sum(k), min(k), max(k), avg(k) FROM t"),
        unordered("SELECT sum(v), min(v), max(v), avg(v) FROM t"),
        unordered("SELECT min(s), max(s), min(d), max(d) FROM t"),
        unordered("SELECT k, count(*) FROM t GROUP BY k"),
        unordered("SELECT k, sum(v), count(v) FROM t GROUP BY k HAVING count(*) > 1"),
        unordered("SELECT b, count(*), avg(v) FROM t GROUP BY b"),
        unordered("SELECT count(DISTINCT k) FROM t"),
        unordered("SELECT b, count(DISTINCT k), sum(DISTINCT k) FROM t GROUP BY b"),
        unordered("SELECT DISTINCT k FROM t"),
        unordered("SELECT DISTINCT b, k FROM t"),
        ordered("SELECT k, v FROM t ORDER BY v NULLS FIRST, k"),
        ordered("SELECT k, v FROM t ORDER BY v DESC NULLS LAST, k"),
        ordered("SELECT k, v FROM t ORDER BY v DESC, k"),
        ordered("SELECT k FROM t ORDER BY k LIMIT 3"),
        ordered("SELECT k FROM t ORDER BY k DESC LIMIT 4 OFFSET 2"),
        ordered("SELECT k FROM t ORDER BY k NULLS FIRST LIMIT 3"),
        unordered("SELECT s, length(s), upper(s), lower(s) FROM t"),
        unordered("SELECT substr(s, 2), substr(s, 1, 2), replace(s, 'b', 'zz'), trim('  x  ') FROM t"),
        unordered("SELECT s || '-' || CAST(k AS VARCHAR) FROM t"),
        unordered("SELECT coalesce(k, -1), coalesce(s, 'none'), nullif(k, 2) FROM t"),
        unordered("SELECT CASE WHEN k > 3 THEN 'big' WHEN k > 1 THEN 'mid' ELSE 'small' END, k FROM t"),
        unordered("SELECT CASE k WHEN 2 THEN 'two' WHEN 5 THEN 'five' END FROM t"),
        unordered("SELECT CAST(k AS DOUBLE), CAST(v + 0.1 AS BIGINT), CAST(d AS VARCHAR), CAST('42' AS BIGINT) FROM t"),
        unordered("SELECT year(d), month(d), day(d), extract(year FROM d), extract(day FROM d) FROM t"),
        unordered("SELECT CAST(d + INTERVAL '1' MONTH AS DATE), CAST(d - INTERVAL '10' DAY AS DATE) FROM t"),
        unordered("SELECT CAST(date_trunc('month', d) AS DATE), CAST(date_trunc('year', d) AS DATE) FROM t"),
        unordered("SELECT d FROM t WHERE d >= DATE '2020-01-01' AND d < DATE '2020-03-01'"),
        unordered("SELECT d FROM t WHERE d > '2020-02-01'"),
        unordered("SELECT t.k, u.w FROM t JOIN u ON t.k = u.k"),
        unordered("SELECT t.k, t.s, u.name FROM t, u WHERE t.k = u.k AND u.w > 15"),
        unordered("SELECT * FROM t JOIN u USING (k)"),
        unordered("SELECT count(*) FROM t CROSS JOIN u"),
        unordered("SELECT a.k, b.v FROM t a JOIN t b ON a.k = b.k WHERE a.v > 0"),
        unordered("SELECT k, w FROM (SELECT k, w * 2 AS w FROM u) sub WHERE w > 20"),
        unordered("WITH big AS (SELECT k, v FROM t WHERE v > 1) SELECT count(*), sum(v) FROM big"),
        unordered("WITH a AS (SELECT k FROM u), b AS (SELECT k FROM a WHERE k > 2) SELECT * FROM b"),
        unordered("SELECT k FROM t UNION SELECT k FROM u"),
        unordered("SELECT k FROM t UNION ALL SELECT k FROM u"),
        ordered("SELECT k FROM t UNION SELECT w FROM u ORDER BY 1 DESC NULLS FIRST"),
        unordered("SELECT k FROM t INTERSECT SELECT k FROM u"),
        unordered("SELECT k, s FROM t EXCEPT SELECT k, name FROM u"),
        unordered("SELECT k FROM t EXCEPT DISTINCT SELECT k FROM u"),
        unordered("SELECT s FROM t INTERSECT SELECT s FROM t WHERE v > 0"),
        ordered(
            "SELECT k FROM u UNION SELECT k FROM t EXCEPT SELECT k FROM empty INTERSECT SELECT k FROM t ORDER BY 1"
        ),
        unordered("SELECT k FROM t EXCEPT SELECT k FROM empty"),
        unordered("SELECT count(*), sum(k), max(s) FROM empty"),
        unordered("SELECT k, count(*) FROM empty GROUP BY k"),
        unordered("SELECT * FROM empty JOIN u ON empty.k = u.k"),
        unordered("SELECT u.name, sum(t.v), count(*) FROM t JOIN u ON t.k = u.k GROUP BY u.name"),
        ordered("SELECT k, sum(v) AS total FROM t GROUP BY k ORDER BY total DESC NULLS LAST, k"),
        unordered("SELECT 1 + 2, 'x', NULL IS NULL, 7 % 3, 2.5 * 2"),
        unordered("SELECT k FROM t WHERE b"),
        unordered("SELECT k FROM t WHERE NOT b"),
        unordered("SELECT k, v FROM t WHERE v > 1 OR k IS NULL"),
        ordered("SELECT s FROM t WHERE s > 'a' ORDER BY s"),
        unordered("SELECT k * 2 AS double_k, count(*) FROM t GROUP BY k * 2"),
        ordered("SELECT s FROM t WHERE s IS NOT NULL ORDER BY length(s) DESC, s"),
        unordered("SELECT t.k, u.w FROM t LEFT JOIN u ON t.k = u.k"),
        unordered("SELECT t.k, u.name FROM t RIGHT JOIN u ON t.k = u.k"),
        unordered("SELECT t.k, t.s, u.k, u.w FROM t FULL JOIN u ON t.k = u.k"),
        unordered("SELECT t.k, u.w FROM t LEFT JOIN u ON t.k = u.k AND u.w > 15"),
        unordered("SELECT count(*), count(empty.k) FROM t LEFT JOIN empty ON t.k = empty.k"),
        unordered("SELECT u.name, count(t.k) FROM u LEFT OUTER JOIN t ON u.k = t.k GROUP BY u.name"),
        unordered("SELECT k FROM t WHERE k IN (SELECT k FROM u)"),
        unordered("SELECT k, s FROM t WHERE k NOT IN (SELECT k FROM u WHERE k IS NOT NULL)"),
        unordered("SELECT k FROM t WHERE k NOT IN (SELECT k FROM u)"),
        unordered("SELECT k, v FROM t WHERE v > 0 AND k IN (SELECT k FROM u WHERE w >= 20)"),
        unordered("SELECT k FROM t WHERE k NOT IN (SELECT k FROM empty)"),
        unordered("SELECT k, s FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k AND u.w > 15)"),
        unordered("SELECT k, s FROM t WHERE NOT EXISTS (SELECT * FROM u WHERE u.k = t.k)"),
        unordered("SELECT k FROM t WHERE EXISTS (SELECT 1 FROM u WHERE w > 70)"),
        unordered("SELECT k FROM t WHERE NOT EXISTS (SELECT 1 FROM empty)"),
        unordered("SELECT name FROM u WHERE EXISTS (SELECT 1 FROM t WHERE t.k = u.k AND t.v > 0) AND w > 0"),
        unordered("SELECT k, v FROM t WHERE v > (SELECT avg(v) FROM t)"),
        unordered("SELECT k, (SELECT max(w) FROM u) - k FROM t WHERE k IS NOT NULL"),
        unordered(
            "WITH m AS (SELECT k, sum(w) AS total FROM u GROUP BY k) SELECT k FROM m WHERE total = (SELECT max(total) FROM m)"
        ),
        unordered("SELECT k FROM t WHERE k > (SELECT max(k) FROM empty)"),
        unordered(
            "SELECT t.k, u.w FROM t, u WHERE (t.k = u.k AND u.w > 15) OR (t.k = u.k AND t.v < 0) OR (u.k = t.k AND t.s = 'a')"
        ),
        unordered("SELECT k FROM t WHERE (k > 2 AND b) OR (k > 2 AND v < 2)"),
        unordered("SELECT 0.06 + 0.01 = 0.07, 0.3 - 0.1, 1.1 * 3"),
        unordered("SELECT k, v FROM t WHERE v > (SELECT avg(w) / 100 FROM u WHERE u.k = t.k)"),
        unordered("SELECT name, w FROM u WHERE w = (SELECT max(w) FROM u u2 WHERE u2.k = u.k)"),
        unordered(
            "SELECT k FROM t WHERE k IN (SELECT k FROM u WHERE w < (SELECT sum(v) * 10 FROM t t2 WHERE t2.k = u.k))"
        ),
        unordered("SELECT k, s FROM t WHERE EXISTS (SELECT 1 FROM t t2 WHERE t2.k = t.k AND t2.s <> t.s)"),
        unordered("SELECT k, s FROM t WHERE NOT EXISTS (SELECT 1 FROM t t2 WHERE t2.k = t.k AND t2.v > t.v)"),
        unordered("SELECT count(*), sum(k) FROM sorted WHERE k >= 900"),
        unordered("SELECT k, name FROM sorted WHERE 250 > k AND k >= 240"),
        unordered(
            "SELECT count(*) FROM sorted WHERE day BETWEEN DATE '2020-02-01' AND DATE '2020-02-05' AND name > 'n03'"
        ),
        unordered("SELECT k FROM sorted WHERE name = 'n0500' OR k = 7"),
        // The seed's tables.
        ordered("SELECT * FROM marketing_qs LIMIT 10"),
        unordered(
            "SELECT date, sum(forecasted_monthly_revenue), count(*) FROM salespipeline_qs "
                + "WHERE opportunity_stage = 'Lead' GROUP BY date"
        ),
        unordered("SELECT opportunity_stage, count(*), avg(weighted_revenue) FROM salespipeline_qs GROUP BY 1"),
        ordered(
            "SELECT m.date, m.new_visitors_seo, s.leads FROM marketing_qs m JOIN (SELECT date, count(*) AS leads "
                + "FROM salespipeline_qs WHERE opportunity_stage = 'Lead' GROUP BY date) s ON m.date = s.date "
                + "ORDER BY m.date LIMIT 20"
        ),
        unordered(
            "SELECT region, segment, sum(forecasted_monthly_revenue) FROM salespipeline_qs GROUP BY region, segment "
                + "HAVING sum(forecasted_monthly_revenue) > 1000000"
        ),
        unordered("SELECT year(date), count(*) FROM salespipeline_qs GROUP BY year(date)"),
        unordered("SELECT salesperson, max(target_close), min(date) FROM salespipeline_qs GROUP BY salesperson"),
    ]

    /// The fixture tables, the catalog over them, and DuckDB's answers to every case.
    struct Oracle: @unchecked Sendable {
        var directory: URL
        var catalog: SQLCatalog
        var answers: [Any]
    }

    static let oracle: Result<Oracle, any Error> = Result { try makeOracle() }

    static let script = Bundle.module.url(forResource: "Fixtures/oracle", withExtension: "py")!.path

    static func makeOracle() throws -> Oracle {
        let directory = try Paths.temporaryDirectory("sql-oracle")
        try run([script, "build", directory.path])
        let samples = [
            ("salespipeline_qs", "SalesPipeline_QuickSightSample.csv"),
            ("marketing_qs", "MarketingData_QuickSightSample.csv"),
        ]
        let catalogText = """
            {"default_database": "db", "databases": {"db": {"tables": {
              "t": {"format": "parquet", "path": "t.parquet"},
              "u": {"format": "parquet", "path": "u.parquet"},
              "empty": {"format": "parquet", "path": "empty.parquet"},
              "sorted": {"format": "parquet", "path": "sorted.parquet"},
              "salespipeline_qs": {"format": "csv", "path": "\(Paths.sample(samples[0].1).path)",
                "columns": [{"name": "Date", "type": "date(M/d/yyyy)"}, {"name": "Target Close", "type": "date(M/d/yyyy)"}]},
              "marketing_qs": {"format": "csv", "path": "\(Paths.sample(samples[1].1).path)",
                "columns": [{"name": "Date", "type": "date(M/d/yyyy)"}]}
            }}}}
            """
        let catalog = try SQLCatalog(json: Data(catalogText.utf8), source: "oracle catalog")
        // DuckDB loads the CSVs with the types Sluice reads them as.
        let session = session(catalog, directory)
        var csv: [[String: Any]] = []
        for (name, file) in samples {
            let header = try String(contentsOf: Paths.sample(file), encoding: .utf8).prefix { $0 != "\n" && $0 != "\r" }
            let sources = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let described = try rows(session, "DESCRIBE \(name)")
            var columns: [[String]] = []
            for (source, row) in zip(sources, described) {
                guard case .text(let target) = row[0], case .text(let type) = row[1] else { continue }
                columns.append([source, target, type == "bigint" ? "bigint" : type])
            }
            csv.append(["name": name, "path": Paths.sample(file).path, "columns": columns])
        }
        let spec: [String: Any] = ["csv": csv, "queries": cases.map(\.sql)]
        let specURL = directory.appendingPathComponent("queries.json")
        try JSONSerialization.data(withJSONObject: spec).write(to: specURL)
        let output = try run([script, directory.path, specURL.path])
        guard let answers = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Any] else {
            throw Python.Failure(status: 0, stderr: "oracle printed no JSON list: \(output.prefix(500))")
        }
        return Oracle(directory: directory, catalog: catalog, answers: answers)
    }

    @discardableResult static func run(_ arguments: [String]) throws -> String {
        let output = try Subprocess.run(Python.executable, arguments)
        guard output.status == 0 else { throw Python.Failure(status: output.status, stderr: output.stderr) }
        return output.stdout
    }

    static func session(_ catalog: SQLCatalog, _ directory: URL, hashJoins: Bool = true) -> SQLSession {
        SQLSession(
            catalog: catalog,
            store: nil,
            baseDirectory: directory.path,
            hashBuildLimit: hashJoins ? nil : 0,
            logger: Logger(label: "sql-oracle")
        )
    }

    /// One cell, compared across engines: numbers by value (doubles to 1e-9 relative), text exactly.
    enum Cell: Equatable, CustomStringConvertible {
        case null
        case boolean(Bool)
        case integer(Int64)
        case double(Double)
        case text(String)

        static func == (a: Cell, b: Cell) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case (.boolean(let x), .boolean(let y)): return x == y
            case (.integer(let x), .integer(let y)): return x == y
            case (.text(let x), .text(let y)): return x == y
            case (.double(let x), .double(let y)): return close(x, y)
            case (.integer(let x), .double(let y)), (.double(let y), .integer(let x)): return close(Double(x), y)
            default: return false
            }
        }

        static func close(_ x: Double, _ y: Double) -> Bool {
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
        }

        /// A sort key that puts equal cells together.
        var key: String {
            switch self {
            case .null: "0"
            case .boolean(let v): "1\(v)"
            case .integer(let v): "2" + String(format: "%.8e", Double(v))
            case .double(let v): "2" + String(format: "%.8e", v)
            case .text(let v): "3" + v
            }
        }

        var description: String {
            switch self {
            case .null: "NULL"
            case .boolean(let v): "\(v)"
            case .integer(let v): "\(v)"
            case .double(let v): "\(v)"
            case .text(let v): "'\(v)'"
            }
        }

        init(_ value: Value) {
            switch value {
            case .null: self = .null
            case .boolean(let v): self = .boolean(v)
            case .int(let v): self = .integer(v)
            case .double(let v): self = .double(v)
            case .timestamp: self = .text(value.text!.replacingOccurrences(of: "T", with: " "))
            default: self = .text(value.text ?? "")
            }
        }

        init(json: Any) {
            guard let object = json as? [String: Any], let (tag, value) = object.first else {
                self = .null
                return
            }
            switch tag {
            case "b": self = .boolean(value as? Bool ?? false)
            case "i":
                self =
                    Int64(value as? String ?? "").map(Cell.integer) ?? .double(Double(value as? String ?? "") ?? .nan)
            case "d": self = .double((value as? String) == "nan" ? .nan : (value as? NSNumber)?.doubleValue ?? .nan)
            default: self = .text(value as? String ?? "")
            }
        }
    }

    @Test func filtersOnAParquetTableSkipTheRowGroupsTheirStatisticsRuleOut() async throws {
        let oracle = try await offThePool { try Self.oracle.get() }
        let session = Self.session(oracle.catalog, oracle.directory)
        #expect(
            try Self.rows(session, "SELECT count(*), sum(k) FROM sorted WHERE k >= 900") == [
                [.integer(100), .integer(94_950)]
            ]
        )
        #expect(session.rowGroupsSkipped == 9)
        let dates = Self.session(oracle.catalog, oracle.directory)
        _ = try Self.rows(dates, "SELECT k FROM sorted WHERE day < DATE '2020-01-11' AND k IS NOT NULL")
        #expect(dates.rowGroupsSkipped == 9)
        // A condition the statistics cannot judge skips nothing.
        let other = Self.session(oracle.catalog, oracle.directory)
        _ = try Self.rows(other, "SELECT k FROM sorted WHERE k % 100 = 0")
        #expect(other.rowGroupsSkipped == 0)
    }

    static func rows(_ session: SQLSession, _ sql: String) throws -> [[Cell]] {
        var rows: [[Cell]] = []
        try session.run(sql) { result in
            var batches = result.batches
            while let batch = try batches.next() {
                for i in 0..<batch.count { rows.append(batch.row(i).map(Cell.init)) }
            }
        }
        return rows
    }

    /// Every case twice: inner joins hashed (the tables are small) and inner joins sort-merged.
    @Test(arguments: cases.indices, [true, false])
    func sluiceAnswersAsDuckDBDoes(index: Int, hashJoins: Bool) async throws {
        // The work runs off the cooperative pool; what differs comes back to be recorded here.
        let problem = try await offThePool { try Self.difference(index: index, hashJoins: hashJoins) }
        if let problem { Issue.record(Comment(rawValue: problem)) }
    }

    /// How Sluice's answer to case `index` differs from DuckDB's, or `nil`.
    static func difference(index: Int, hashJoins: Bool) throws -> String? {
        let oracle = try Self.oracle.get()
        let query = cases[index]
        guard let answer = oracle.answers[index] as? [String: Any], let expectedRows = answer["rows"] as? [[Any]] else {
            return "DuckDB could not answer \(query.sql): \(oracle.answers[index])"
        }
        var expected = expectedRows.map { $0.map(Cell.init(json:)) }
        var actual = try rows(session(oracle.catalog, oracle.directory, hashJoins: hashJoins), query.sql)
        if !query.ordered {
            canonicalOrder(&expected)
            canonicalOrder(&actual)
        }
        return SQLOracleTests.difference(actual, expected, label: query.sql)
    }

    /// Rows in one order whatever order an engine gave them in, for answers compared as multisets.
    static func canonicalOrder(_ rows: inout [[Cell]]) {
        rows.sort { $0.map(\.key).joined(separator: "|") < $1.map(\.key).joined(separator: "|") }
    }

    /// The first way two answers differ (row count, then the first unequal row), or `nil`.
    static func difference(_ actual: [[Cell]], _ expected: [[Cell]], label: String) -> String? {
        if actual.count != expected.count { return "\(label): \(actual.count) rows, DuckDB \(expected.count)" }
        for (row, (mine, theirs)) in zip(actual, expected).enumerated() where mine != theirs {
            return "\(label): row \(row) is \(mine), DuckDB's is \(theirs)"
        }
        return nil
    }
}
