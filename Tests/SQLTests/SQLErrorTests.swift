import Columnar
import Engine
import Foundation
import Logging
import SQL
import Testing

/// Every way a statement that parses can still fail, with the exact message a user sees.
@Suite struct SQLErrorTests {
    static let catalog: SQLCatalog = {
        var catalog = SQLCatalog(defaultDatabase: "db")
        for name in ["t", "u"] {
            catalog.register(
                SQLCatalog.Table(
                    database: "db",
                    name: name,
                    input: JobInput(name: name, format: .parquet, defaultPath: "\(name).parquet")
                )
            )
        }
        return catalog
    }()

    /// `t(k bigint, s varchar, d date, big bigint)` and `u(k bigint, w double)`, as their schemas (nothing is read:
    /// binding needs only the columns).
    static func schema(_ table: SQLCatalog.Table) throws -> Schema {
        switch table.name {
        case "t": Schema([Field("k", .int64), Field("s", .string), Field("d", .date), Field("Big Number", .int64)])
        default: Schema([Field("k", .int64), Field("w", .double)])
        }
    }

    static func bindingError(_ text: String) -> String? {
        do {
            guard case .query(let query) = try SQLParser.statement(text) else { return "not a query" }
            _ = try SQLBinder(catalog: catalog, text: text, tableSchema: schema).bindQuery(query)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        (
            "SELECT * FROM tt",
            "line 1, column 15: unknown table tt; did you mean \"t\"?\n  SELECT * FROM tt\n                ^"
        ),
        (
            "SELECT kk FROM t",
            "line 1, column 8: unknown column kk; did you mean \"k\"?\n  SELECT kk FROM t\n         ^"
        ),
        (
            "SELECT big_numbr FROM t",
            "line 1, column 8: unknown column big_numbr; did you mean \"big_number\"?\n  SELECT big_numbr FROM t\n         ^"
        ),
        (
            "SELECT x.k FROM t",
            "line 1, column 8: unknown table x in x.k; did you mean \"t\"?\n  SELECT x.k FROM t\n         ^"
        ),
        (
            "SELECT s + 1 FROM t",
            "line 1, column 10: operator + does not apply to VARCHAR and BIGINT\n  SELECT s + 1 FROM t\n           ^"
        ),
        (
            "SELECT k FROM t JOIN u ON t.k = u.k",
            "line 1, column 8: column reference k is ambiguous (it could be t.k or u.k)\n"
                + "  SELECT k FROM t JOIN u ON t.k = u.k\n         ^"
        ),
        (
            "SELECT k, count(*) FROM t",
            "line 1, column 8: column k must appear in the GROUP BY clause or be used in an aggregate function\n"
                + "  SELECT k, count(*) FROM t\n         ^"
        ),
        (
            "SELECT * FROM t WHERE d = 1",
            "line 1, column 25: cannot compare DATE with BIGINT (=)\n  SELECT * FROM t WHERE d = 1\n                          ^"
        ),
        (
            "SELECT sum(s) FROM t",
            "line 1, column 8: sum does not apply to VARCHAR\n  SELECT sum(s) FROM t\n         ^"
        ),
        (
            "SELECT * FROM t WHERE k",
            "line 1, column 23: WHERE expects BOOLEAN, found BIGINT\n  SELECT * FROM t WHERE k\n                        ^"
        ),
        (
            "SELECT lowr(s) FROM t",
            "line 1, column 8: unknown function lowr; did you mean \"lower\"?\n  SELECT lowr(s) FROM t\n         ^"
        ),
        (
            "SELECT * FROM t WHERE d > DATE '2020-02-30'",
            "line 1, column 27: not a date: '2020-02-30' (expected YYYY-MM-DD)\n"
                + "  SELECT * FROM t WHERE d > DATE '2020-02-30'\n                            ^"
        ),
        (
            "SELECT k FROM t UNION SELECT k, w FROM u",
            "UNION of queries with 1 and 2 columns"
        ),
    ])
    func bindingErrorsNameTheFaultAndPointAtIt(text: String, expected: String) {
        #expect(Self.bindingError(text) == expected)
    }

    @Test func aBigintOverflowIsAnErrorNotAWrap() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sql-overflow-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "n\n9223372036854775807\n1\n".write(
            to: directory.appendingPathComponent("n.csv"),
            atomically: true,
            encoding: .utf8
        )
        var catalog = SQLCatalog(defaultDatabase: "db")
        catalog.register(
            SQLCatalog.Table(database: "db", name: "n", input: JobInput(name: "n", format: .csv, defaultPath: "n.csv"))
        )
        let session = SQLSession(
            catalog: catalog,
            store: nil,
            baseDirectory: directory.path,
            logger: Logger(label: "test")
        )
        func failure(_ sql: String) -> String? {
            do {
                try session.run(sql) { result in
                    var batches = result.batches
                    while try batches.next() != nil {}
                }
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(
            failure("SELECT n + 1 FROM n")
                == "BIGINT overflow (9223372036854775807 + 1): the result does not fit in 64 bits"
        )
        #expect(
            failure("SELECT n * 2 FROM n WHERE n > 1")
                == "BIGINT overflow (9223372036854775807 * 2): the result does not fit in 64 bits"
        )
        #expect(failure("SELECT sum(n) FROM n")?.contains("overflow") == true)
        #expect(failure("SELECT n / 0 FROM n") == "division by zero")
        #expect(failure("SELECT n - 1, n + 0 FROM n") == nil)
    }
}
