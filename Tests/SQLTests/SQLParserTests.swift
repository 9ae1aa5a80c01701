import SQL
import Testing

/// What texts parse to, stated as the parser's fully parenthesised print-out, and every syntax error's message.
@Suite struct SQLParserTests {
    func parsed(_ text: String) throws -> String { "\(try SQLParser.statement(text))" }

    @Test(arguments: [
        // The seed's Athena runner test query.
        ("SELECT * FROM marketing_qs limit 10;", "SELECT * FROM marketing_qs LIMIT 10"),
        ("select a, B as \"Bee\", t.* from db.t", "SELECT a, b AS \"Bee\", t.* FROM db.t"),
        (
            "SELECT DISTINCT x FROM t x1 WHERE x1.x IS NOT NULL",
            "SELECT DISTINCT x FROM t AS x1 WHERE (x1.x IS NOT NULL)"
        ),
        ("SELECT 1", "SELECT 1"),
        ("SELECT a OR b AND NOT c = 1 + 2 * 3", "SELECT (a OR (b AND (NOT (c = (1 + (2 * 3))))))"),
        ("SELECT a - b - c, a / b % c, -a * -2", "SELECT ((a - b) - c), ((a / b) % c), ((-a) * -2)"),
        ("SELECT 'a' || b || 'c' = 'x'", "SELECT ((('a' || b) || 'c') = 'x')"),
        ("SELECT -9223372036854775808", "SELECT -9223372036854775808"),
        (
            "SELECT x FROM t WHERE x NOT BETWEEN 1 AND 2 AND y IN (1, 2) AND z NOT LIKE 'a%'",
            "SELECT x FROM t WHERE (((x NOT BETWEEN 1 AND 2) AND (y IN (1, 2))) AND (z NOT LIKE 'a%'))"
        ),
        (
            "SELECT x FROM t WHERE x IN (SELECT y FROM u) OR NOT EXISTS (SELECT 1 FROM v WHERE v.k = t.k)",
            "SELECT x FROM t WHERE ((x IN (SELECT y FROM u)) OR (NOT (EXISTS (SELECT 1 FROM v WHERE (v.k = t.k)))))"
        ),
        ("SELECT x FROM t WHERE x NOT IN (SELECT y FROM u)", "SELECT x FROM t WHERE (x NOT IN (SELECT y FROM u))"),
        ("SELECT (SELECT max(y) FROM u) AS m", "SELECT (SELECT max(y) FROM u) AS m"),
        (
            "SELECT count(*), count(x), count(DISTINCT x), sum(x), avg(x), min(x), max(x) FROM t",
            "SELECT count(*), count(x), count(DISTINCT x), sum(x), avg(x), min(x), max(x) FROM t"
        ),
        (
            "SELECT CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END, CASE a WHEN 1 THEN 'one' END",
            "SELECT CASE WHEN (a > 0) THEN 'p' WHEN (a < 0) THEN 'n' ELSE 'z' END, CASE a WHEN 1 THEN 'one' END"
        ),
        (
            "SELECT CAST(a AS integer), cast(b as decimal(12, 2)), CAST(c AS varchar(10)), CAST(d AS double precision)",
            "SELECT CAST(a AS BIGINT), CAST(b AS DECIMAL(12, 2)), CAST(c AS VARCHAR), CAST(d AS DOUBLE)"
        ),
        (
            "SELECT coalesce(a, 0), nullif(b, ''), lower(c), substr(d, 1, 3), length(e), replace(f, 'a', 'b'), trim(g)",
            "SELECT coalesce(a, 0), nullif(b, ''), lower(c), substr(d, 1, 3), length(e), replace(f, 'a', 'b'), trim(g)"
        ),
        (
            "SELECT date '1998-12-01' - interval '90' day, extract(year from d), date_trunc('month', d), current_date",
            "SELECT (DATE '1998-12-01' - INTERVAL '90' DAY), EXTRACT(YEAR FROM d), date_trunc('month', d), current_date"
        ),
        (
            "SELECT year(d), month(d), day(d), TIMESTAMP '2026-12-06 10:00:00', INTERVAL '3' months",
            "SELECT year(d), month(d), day(d), TIMESTAMP '2026-12-06 10:00:00', INTERVAL '3' MONTH"
        ),
        ("SELECT date FROM t", "SELECT date FROM t"),
        (
            "SELECT a FROM t JOIN u ON t.k = u.k LEFT JOIN v USING (k) RIGHT OUTER JOIN w ON TRUE FULL JOIN x USING (a, b)",
            "SELECT a FROM ((((t INNER JOIN u ON (t.k = u.k)) LEFT JOIN v USING (k)) RIGHT JOIN w ON TRUE) FULL JOIN x USING (a, b))"
        ),
        (
            "SELECT * FROM a, b CROSS JOIN c, (SELECT 1 AS one) s WHERE a.k = b.k",
            "SELECT * FROM a, (b CROSS JOIN c), (SELECT 1 AS one) AS s WHERE (a.k = b.k)"
        ),
        ("SELECT * FROM (a JOIN b ON a.k = b.k)", "SELECT * FROM (a INNER JOIN b ON (a.k = b.k))"),
        (
            "SELECT d, sum(r) FROM t GROUP BY d, 2 HAVING count(*) > 1 ORDER BY 2 DESC NULLS LAST, d LIMIT 5 OFFSET 10",
            "SELECT d, sum(r) FROM t GROUP BY d, 2 HAVING (count(*) > 1) ORDER BY 2 DESC NULLS LAST, d ASC LIMIT 5 OFFSET 10"
        ),
        (
            "SELECT a FROM t ORDER BY a NULLS FIRST OFFSET 2 ROWS LIMIT 1",
            "SELECT a FROM t ORDER BY a ASC NULLS FIRST LIMIT 1 OFFSET 2"
        ),
        (
            "WITH x AS (SELECT 1 AS a), y AS (SELECT a FROM x) SELECT * FROM y",
            "WITH x AS (SELECT 1 AS a), y AS (SELECT a FROM x) SELECT * FROM y"
        ),
        (
            "SELECT a FROM t UNION SELECT a FROM u UNION ALL (SELECT a FROM v ORDER BY a LIMIT 1) ORDER BY a",
            "SELECT a FROM t UNION SELECT a FROM u UNION ALL (SELECT a FROM v ORDER BY a ASC LIMIT 1) ORDER BY a ASC"
        ),
        (
            "SELECT a FROM t EXCEPT SELECT a FROM u INTERSECT DISTINCT SELECT a FROM v UNION SELECT a FROM w",
            "SELECT a FROM t EXCEPT SELECT a FROM u INTERSECT SELECT a FROM v UNION SELECT a FROM w"
        ),
        ("SELECT \"select\", \"A\"\"B\" FROM \"Order\"", "SELECT \"select\", \"A\"\"B\" FROM \"Order\""),
        ("SELECT 'it''s'", "SELECT 'it''s'"),
        ("CREATE TABLE sampledb.top AS SELECT * FROM jmsd", "CREATE TABLE sampledb.top AS SELECT * FROM jmsd"),
        ("DROP TABLE IF EXISTS top PURGE", "DROP TABLE IF EXISTS top PURGE"),
        ("drop table top", "DROP TABLE top"),
        ("SHOW TABLES", "SHOW TABLES"),
        ("show tables in sampledb", "SHOW TABLES FROM sampledb"),
        ("DESCRIBE marketing_qs", "DESCRIBE marketing_qs"),
        ("USE sampledb", "USE sampledb"),
        ("EXPLAIN SELECT a FROM t WHERE a = 1", "EXPLAIN SELECT a FROM t WHERE (a = 1)"),
    ])
    func statementsParseTo(text: String, expected: String) throws {
        #expect(try parsed(text) == expected)
        // What the parser prints, it reads back to the same tree.
        #expect(try SQLParser.statement(expected) == SQLParser.statement(expected))
        #expect(try parsed(expected) == expected)
    }

    @Test func unquotedNamesFoldToLowerCaseAndQuotedOnesKeepTheirCase() throws {
        guard case .query(let query) = try SQLParser.statement("SELECT Forecasted_Lead_Revenue, \"Lead Name\" FROM T"),
            case .select(let select) = query.body
        else {
            Issue.record("not a select")
            return
        }
        let columns = select.items.compactMap { item -> [String]? in
            if case .expression(let value, _) = item, case .column(let parts) = value.kind { return parts }
            return nil
        }
        #expect(columns == [["forecasted_lead_revenue"], ["Lead Name"]])
        #expect(select.from == [.table(SQLName(["t"], at: SQLLocation(offset: 49, line: 1, column: 50)), alias: nil)])
    }

    @Test func expressionsKnowWhereTheyStart() throws {
        guard case .query(let query) = try SQLParser.statement("SELECT\n  a +\n  missing_column\nFROM t"),
            case .select(let select) = query.body, case .expression(let sum, _) = select.items[0],
            case .binary(.add, let left, let right) = sum.kind
        else {
            Issue.record("not a sum")
            return
        }
        #expect(left.location == SQLLocation(offset: 9, line: 2, column: 3))
        #expect(right.location == SQLLocation(offset: 15, line: 3, column: 3))
    }

    @Test func severalStatementsSeparatedBySemicolons() throws {
        let statements = try SQLParser.statements("USE sampledb;\n SELECT 1;; SHOW TABLES;")
        #expect(statements.map(\.description) == ["USE sampledb", "SELECT 1", "SHOW TABLES"])
        #expect(throws: SQLSyntaxError.self) { try SQLParser.statements(" ; -- nothing\n") }
    }

    @Test(arguments: [
        (
            "SELECT a, b, FROM t",
            "line 1, column 14: expected an expression, found \"FROM\"\n  SELECT a, b, FROM t\n               ^"
        ),
        (
            "SELECT a FROM",
            "line 1, column 14: expected a table name, found the end of the query\n  SELECT a FROM\n               ^"
        ),
        (
            "SELECT a FROM t WHERE",
            "line 1, column 22: expected an expression, found the end of the query\n  SELECT a FROM t WHERE\n                       ^"
        ),
        (
            "SELECT a\nFROM t\nWHERE a = = 1",
            "line 3, column 11: expected an expression, found \"=\"\n  WHERE a = = 1\n            ^"
        ),
        (
            "SELECT a FROM t JOIN u",
            "line 1, column 23: expected ON or USING after the joined table, found the end of the query\n  SELECT a FROM t JOIN u\n                        ^"
        ),
        (
            "SELECT a FROM t LIMIT 1 2",
            "line 1, column 25: expected \";\" or the end of the statement, found \"2\"\n  SELECT a FROM t LIMIT 1 2\n                          ^"
        ),
        ("SELECT (a FROM t", "line 1, column 11: expected \")\", found \"FROM\"\n  SELECT (a FROM t\n            ^"),
        (
            "SELECT a AS from FROM t",
            "line 1, column 13: expected an alias, found the reserved word FROM (write it \"from\" to use it as a name)\n  SELECT a AS from FROM t\n              ^"
        ),
        (
            "SELECT CAST(a AS money)",
            "line 1, column 18: unknown type MONEY; the types are BIGINT, DOUBLE, DECIMAL(p, s), VARCHAR, BOOLEAN, DATE, TIMESTAMP\n  SELECT CAST(a AS money)\n                   ^"
        ),
        (
            "SELECT CAST(a AS decimal(40, 2))",
            "line 1, column 18: DECIMAL(40, 2): the precision must be 1 to 38 and the scale 0 to it\n  SELECT CAST(a AS decimal(40, 2))\n                   ^"
        ),
        (
            "SELECT a FROM t ORDER BY a NULLS",
            "line 1, column 33: expected FIRST or LAST, found the end of the query\n  SELECT a FROM t ORDER BY a NULLS\n                                  ^"
        ),
        (
            "SELECT a FROM t INTERSECT ALL SELECT a FROM u",
            "line 1, column 27: INTERSECT ALL is not supported; only INTERSECT [DISTINCT]\n  SELECT a FROM t INTERSECT ALL SELECT a FROM u\n                            ^"
        ),
        (
            "SELECT CASE END",
            "line 1, column 13: expected an expression, found \"END\"\n  SELECT CASE END\n              ^"
        ),
        (
            "SELECT CASE a END",
            "line 1, column 15: expected WHEN, found \"END\"\n  SELECT CASE a END\n                ^"
        ),
        (
            "SELECT extract(fortnight FROM d)",
            "line 1, column 16: expected a field to extract (DAY, DOW, DOY, HOUR, MINUTE, MONTH, QUARTER, SECOND, WEEK, YEAR), found \"fortnight\"\n  SELECT extract(fortnight FROM d)\n                 ^"
        ),
        (
            "SELECT INTERVAL '3' fortnights",
            "line 1, column 21: expected an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND), found \"fortnights\"\n  SELECT INTERVAL '3' fortnights\n                      ^"
        ),
        (
            "UPDATE t SET a = 1",
            "line 1, column 1: expected a statement (SELECT, WITH, CREATE TABLE … AS, DROP TABLE, SHOW TABLES, DESCRIBE, USE, EXPLAIN), found \"UPDATE\"\n  UPDATE t SET a = 1\n  ^"
        ),
        (
            "SELECT 1; SELECT",
            "line 1, column 17: expected an expression, found the end of the query\n  SELECT 1; SELECT\n                  ^"
        ),
    ])
    func syntaxErrorsShowTheLineColumnAndACaret(text: String, expected: String) {
        #expect {
            _ = try SQLParser.statements(text)
        } throws: { error in
            guard "\(error)" == expected else {
                Issue.record("\(error)")
                return false
            }
            return true
        }
    }
}
