import Columnar
import Foundation
import TestSupport
import Testing

@testable import CSV

/// The two sample files, read by inference, checked against DuckDB's reading of the same files.
@Suite(.tags(.pythonPeers), .needsPythonPeers) struct CSVSampleTests {
    static let sales = Paths.sample("SalesPipeline_QuickSightSample.csv").path
    static let marketing = Paths.sample("MarketingData_QuickSightSample.csv").path

    @Test func inferredSalesSchema() throws {
        let columns = try CSVReader.inferSchema(path: Self.sales)
        #expect(
            columns == [
                CSVColumn(name: "Date", type: .date(format: "M/d/yyyy")),
                CSVColumn(name: "Salesperson", type: .string(emptyIsNull: true)),
                CSVColumn(name: "Lead Name", type: .string(emptyIsNull: true)),
                CSVColumn(name: "Segment", type: .string(emptyIsNull: true)),
                CSVColumn(name: "Region", type: .string(emptyIsNull: true)),
                CSVColumn(name: "Target Close", type: .date(format: "M/d/yyyy")),
                CSVColumn(name: "Forecasted Monthly Revenue", type: .int64),
                CSVColumn(name: "Opportunity Stage", type: .string(emptyIsNull: true)),
                CSVColumn(name: "Weighted Revenue", type: .int64),
                CSVColumn(name: "Closed Opportunity", type: .boolean),
                CSVColumn(name: "Active Opportunity", type: .boolean),
                CSVColumn(name: "Latest Status Entry", type: .boolean),
            ]
        )
    }

    @Test func inferredMarketingSchema() throws {
        let columns = try CSVReader.inferSchema(path: Self.marketing)
        #expect(columns.count == 19)
        #expect(columns[0] == CSVColumn(name: "Date", type: .date(format: "M/d/yyyy")))
        #expect(columns[8] == CSVColumn(name: "Mailing list adds ", type: .int64))
        #expect(columns[1..<18].allSatisfy { $0.type == .int64 })
        #expect(columns[18] == CSVColumn(name: "Events", type: .string(emptyIsNull: true)))
    }

    @Test func inferenceRules() throws {
        let path = try temporaryCSV(
            "i,d,b,dt,ts,iso,empty,mixed,bits,s\n"
                + "1,1.5,true,2011-01-02,2011-01-02 03:04:05,2011-01-02T03:04:05.5,,1,0,x\n"
                + "-2,2,FALSE,2011-12-31,2011-01-02 03:04:06,2011-01-02T03:04:05,,a,1,\n"
                + ",,,,,,,,,\n"
        )
        let types = try CSVReader.inferSchema(path: path).map(\.type)
        #expect(
            types == [
                .int64, .double, .boolean, .date(format: "yyyy-MM-dd"), .timestamp(format: "yyyy-MM-dd HH:mm:ss"),
                .timestamp(format: "yyyy-MM-dd'T'HH:mm:ss"), .string(emptyIsNull: true), .string(emptyIsNull: true),
                .int64, .string(emptyIsNull: true),
            ]
        )
        // Only the sample decides: a later value of another type is an error when reading.
        let late = try temporaryCSV("n\n1\n2\nthree\n")
        #expect(try CSVReader.inferSchema(path: late, sampleRows: 2).map(\.type) == [.int64])
        #expect(try CSVReader.inferSchema(path: late, sampleRows: 3).map(\.type) == [.string(emptyIsNull: true)])
        // d/M/yyyy when M/d/yyyy cannot hold the values.
        let european = try temporaryCSV("d\n13/1/2011\n2/1/2011\n")
        #expect(try CSVReader.inferSchema(path: european).map(\.type) == [.date(format: "d/M/yyyy")])
    }

    /// DuckDB's rows of `path` as JSON arrays: dates as days since 1970-01-01, NULL as null.
    static func duckDBRows(_ path: String, _ select: String) throws -> [[Any]] {
        let script = """
            import duckdb, json, sys, datetime
            rows = duckdb.sql(f"select {sys.argv[2]} from read_csv('{sys.argv[1]}', header=true)").fetchall()
            def cell(v):
                if v is None: return None
                if isinstance(v, bool): return "b:" + ("true" if v else "false")
                if isinstance(v, int): return f"i:{v}"
                if isinstance(v, float): return f"d:{v!r}"
                if isinstance(v, datetime.date): return f"t:{(v - datetime.date(1970, 1, 1)).days}"
                return "s:" + v
            print(json.dumps([[cell(v) for v in row] for row in rows]))
            """
        let output = try Python.run(script, [path, select])
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [[Any]]
    }

    /// Compares with the tagged cells the DuckDB script prints (`i:42`, `b:true`, `t:14976`, `s:text`, null).
    static func matches(_ value: Value, _ json: Any) -> Bool {
        switch value {
        case .null: return json is NSNull
        case .int(let v): return (json as? String) == "i:\(v)"
        case .double(let v): return (json as? String).flatMap { Double($0.dropFirst(2)) } == v
        case .boolean(let v): return (json as? String) == "b:\(v)"
        case .date(let v): return (json as? String) == "t:\(v)"
        case .string(let v): return (json as? String) == "s:" + v
        default: return false
        }
    }

    static func compare(_ ours: [[Value]], _ theirs: [[Any]]) {
        #expect(ours.count == theirs.count)
        var mismatches = 0
        for (i, (a, b)) in zip(ours, theirs).enumerated() {
            guard a.count == b.count, zip(a, b).allSatisfy({ matches($0, $1) }) else {
                mismatches += 1
                if mismatches <= 3 { Issue.record("row \(i): ours \(a), DuckDB \(b)") }
                continue
            }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: [1, 2])
    func salesValuesEqualDuckDB(threads: Int) throws {
        let reader = try CSVReader(
            path: Self.sales,
            columns: nil,
            options: CSVOptions(chunkSize: 256 * 1024, threads: threads)
        )
        let ours = try rows(of: reader)
        #expect(ours.count == 20_994)
        #expect(reader.rowsRead == 20_994)
        let theirs = try Self.duckDBRows(Self.sales, "*")
        Self.compare(ours, theirs)
    }

    @Test func marketingValuesEqualDuckDB() throws {
        let ours = try readRows(Self.marketing, columns: nil)
        #expect(ours.count == 1461)
        let theirs = try Self.duckDBRows(Self.marketing, "*")
        Self.compare(ours, theirs)
        #expect(ours.filter { $0[18] == .null }.count == 1461 - 806)
    }

    @Test func psdProjectionTotalsEqualDuckDB() throws {
        let columns = [
            CSVColumn(name: "Date", type: .date(format: "M/d/yyyy")),
            CSVColumn(name: "Forecasted Monthly Revenue", type: .int64),
            CSVColumn(name: "Opportunity Stage", type: .string(emptyIsNull: false)),
        ]
        let reader = try CSVReader(
            path: Self.sales,
            columns: columns,
            projection: ["Opportunity Stage", "Date", "Forecasted Monthly Revenue"]
        )
        var revenue: Int64 = 0
        var leads = 0
        var dates = Set<Int32>()
        while let batch = try reader.next() {
            guard case .bytes(let stages) = batch.columns[0].values,
                case .int32(let days) = batch.columns[1].values,
                case .int64(let amounts) = batch.columns[2].values
            else {
                Issue.record("unexpected storage")
                return
            }
            for i in 0..<batch.count where stages[i].elementsEqual("Lead".utf8) {
                revenue += amounts[i]
                leads += 1
                dates.insert(days[i])
            }
        }
        let script = """
            import duckdb, sys
            r = duckdb.sql(f\"\"\"select sum("Forecasted Monthly Revenue"), count(*), count(distinct "Date")
                from read_csv('{sys.argv[1]}') where "Opportunity Stage" = 'Lead'\"\"\").fetchall()[0]
            print(r[0], r[1], r[2])
            """
        let expected = try Python.run(script, [Self.sales]).split(separator: " ").map {
            Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))!
        }
        #expect([revenue, Int64(leads), Int64(dates.count)] == expected)
        #expect(revenue == 2_714_843_612 && leads == 9141 && dates.count == 1802)
    }
}
