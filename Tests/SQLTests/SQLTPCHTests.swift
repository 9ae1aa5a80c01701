import Foundation
import Logging
import SQL
import TestSupport
import Testing

/// The TPC-H queries (`benchmarks/tpch/queries`) at scale factor 0.1, generated as Parquet at test time by
/// tpchgen-cli: every one answers as DuckDB does.
@Suite(.tags(.pythonPeers), .needsPythonPeers)
struct SQLTPCHTests {
    typealias Cell = SQLOracleTests.Cell

    static let supported = Array(1...22)

    static func path(_ query: Int) -> String {
        Paths.packageRoot.appendingPathComponent("benchmarks/tpch/queries")
            .appendingPathComponent(String(format: "q%02d.sql", query)).path
    }

    struct Data: @unchecked Sendable {
        var session: () -> SQLSession
        var answers: [Int: [[Any]]]
    }

    static let data: Result<Data, any Error> = Result {
        let directory = try Paths.temporaryDirectory("tpch-sf0.1")
        let script = Bundle.module.url(forResource: "Fixtures/tpch_oracle", withExtension: "py")!.path
        let output = try Subprocess.run(
            Python.executable,
            [script, "0.1", directory.path] + supported.map(path)
        )
        guard output.status == 0 else { throw Python.Failure(status: output.status, stderr: output.stderr) }
        guard let lists = try JSONSerialization.jsonObject(with: Foundation.Data(output.stdout.utf8)) as? [[[Any]]]
        else { throw Python.Failure(status: 0, stderr: "no JSON answers: \(output.stdout.prefix(300))") }
        let tables = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]
        let entries = tables.map { "\"\($0)\": {\"format\": \"parquet\", \"path\": \"\($0).parquet\"}" }
        let catalog = try SQLCatalog(
            json: Foundation.Data(
                "{\"default_database\": \"tpch\", \"databases\": {\"tpch\": {\"tables\": {\(entries.joined(separator: ", "))}}}}"
                    .utf8
            ),
            source: "tpch catalog"
        )
        return Data(
            session: {
                SQLSession(catalog: catalog, store: nil, baseDirectory: directory.path, logger: Logger(label: "tpch"))
            },
            answers: Dictionary(uniqueKeysWithValues: zip(supported, lists))
        )
    }

    @Test(arguments: supported)
    func answersAsDuckDBDoes(query: Int) async throws {
        let problem = try await offThePool { try Self.difference(query) }
        if let problem { Issue.record(Comment(rawValue: problem)) }
    }

    /// How Sluice's answer to query `query` differs from DuckDB's, or `nil`.
    static func difference(_ query: Int) throws -> String? {
        let data = try Self.data.get()
        let text = try String(contentsOfFile: path(query), encoding: .utf8)
        var actual = try SQLOracleTests.rows(data.session(), text)
        var expected = data.answers[query]!.map { $0.map(Cell.init(json:)) }
        if !text.lowercased().contains("order by") {
            SQLOracleTests.canonicalOrder(&actual)
            SQLOracleTests.canonicalOrder(&expected)
        }
        return SQLOracleTests.difference(actual, expected, label: "Q\(query)")
    }
}
