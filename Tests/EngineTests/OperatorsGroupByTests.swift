import Columnar
import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("Operators: group-by", .tags(.pythonPeers), .needsPythonPeers)
struct OperatorsGroupByTests {
    @Test func sumsCountsMinMaxAvgWithNullKeysAndValues() throws {
        let batch = makeBatch([
            "k": stringColumn(["a", "b", nil, "a", nil, "b", "a"]),
            "v": int64Column([1, nil, 3, 4, nil, 6, 7]),
            "d": doubleColumn([0.5, 1, 2, nil, 4, 5, 6]),
        ])
        let out = try batch.grouped(
            by: ["k"],
            aggregates: [
                .countAll(as: "n"), Aggregate(.count, "v", as: "nv"), Aggregate(.sum, "v", as: "sv"),
                Aggregate(.min, "v", as: "lo"), Aggregate(.max, "d", as: "hi"), Aggregate(.avg, "v", as: "av"),
                Aggregate(.min, "k", as: "kmin"),
            ]
        )
        #expect(out.schema.names == ["k", "n", "nv", "sv", "lo", "hi", "av", "kmin"])
        #expect(out.schema.fields.map(\.type) == [.string, .int64, .int64, .int64, .int64, .double, .double, .string])
        #expect(
            rows(out) == [
                [.string("a"), .int(3), .int(3), .int(12), .int(1), .double(6), .double(4), .string("a")],
                [.string("b"), .int(2), .int(1), .int(6), .int(6), .double(5), .double(6), .string("b")],
                [.null, .int(2), .int(1), .int(3), .int(3), .double(4), .double(3), .null],
            ]
        )
    }

    @Test func groupsAcrossBatchesAndAllNullGroups() throws {
        let schema = Schema([Field("d", .date), Field("x", .int64)])
        let groupBy = try GroupBy(
            keys: ["d"],
            aggregates: [Aggregate(.sum, "x", as: "s"), .countAll(as: "n")],
            inputSchema: schema
        )
        try groupBy.consume(makeBatch(["d": int32Column([5, 6, nil], type: .date), "x": int64Column([nil, 1, 2])]))
        try groupBy.consume(.empty(schema))
        try groupBy.consume(makeBatch(["d": int32Column([5, nil, 7], type: .date), "x": int64Column([nil, 3, 4])]))
        let out = groupBy.finish()
        #expect(
            rows(out) == [
                [.date(5), .null, .int(2)], [.date(6), .int(1), .int(1)], [.null, .int(5), .int(2)],
                [.date(7), .int(4), .int(1)],
            ]
        )
    }

    @Test func emptyInputAndGlobalAggregate() throws {
        let schema = Schema([Field("k", .int64), Field("x", .double)])
        let keyed = try RecordBatch.empty(schema).grouped(by: ["k"], aggregates: [.countAll(as: "n")])
        #expect(keyed.count == 0 && keyed.schema.names == ["k", "n"])
        let global = try RecordBatch.empty(schema).grouped(
            by: [],
            aggregates: [.countAll(as: "n"), Aggregate(.sum, "x", as: "s")]
        )
        #expect(rows(global) == [[.int(0), .null]])
        let single = try makeBatch(["k": int64Column([9]), "x": doubleColumn([1.5])]).grouped(
            by: [],
            aggregates: [Aggregate(.avg, "x", as: "a")]
        )
        #expect(rows(single) == [[.double(1.5)]])
    }

    @Test func overflowAndUnsupportedTypesAreErrors() throws {
        let batch = makeBatch([
            "k": int64Column([1, 1]), "x": int64Column([Int64.max, 1]), "s": stringColumn(["a", "b"]),
        ])
        let overflow = #expect(throws: OperatorError.self) {
            try batch.grouped(by: ["k"], aggregates: [Aggregate(.sum, "x", as: "s2")])
        }
        #expect(overflow?.description.contains("overflows int64") == true)
        let unsupported = #expect(throws: OperatorError.self) {
            try batch.grouped(by: ["k"], aggregates: [Aggregate(.sum, "s", as: "s2")])
        }
        #expect(unsupported?.description.contains("sum does not apply to column \"s\" of type string") == true)
    }

    @Test func mergingPartialGroupBysEqualsOneGroupBy() throws {
        var generator = SeededGenerator(seed: 17)
        let n = 5_000
        let batch = makeBatch([
            "k": int64Column(
                (0..<n).map { _ in
                    Int.random(in: 0..<9, using: &generator) == 0 ? nil : Int64.random(in: 0..<40, using: &generator)
                }
            ),
            "s": stringColumn(
                (0..<n).map { _ in
                    Int.random(in: 0..<9, using: &generator) == 0 ? nil : "s\(Int.random(in: 0..<3, using: &generator))"
                }
            ),
            "v": int64Column(
                (0..<n).map { _ in
                    Int.random(in: 0..<5, using: &generator) == 0
                        ? nil : Int64.random(in: -100...100, using: &generator)
                }
            ),
            "d": doubleColumn((0..<n).map { _ in Double(Int.random(in: -50...50, using: &generator)) / 4 }),
        ])
        let aggregates = [
            Aggregate.countAll(as: "n"), Aggregate(.count, "v", as: "nv"), Aggregate(.sum, "v", as: "sv"),
            Aggregate(.avg, "d", as: "ad"), Aggregate(.min, "s", as: "lo"), Aggregate(.max, "v", as: "hi"),
        ]
        for keys in [["k", "s"], ["k"], []] {
            let whole = try batch.grouped(by: keys, aggregates: aggregates)
            let parts = try [0..<1_000, 1_000..<1_000, 1_000..<4_200, 4_200..<n].map { range throws in
                let part = try GroupBy(keys: keys, aggregates: aggregates, inputSchema: batch.schema)
                try part.consume(batch.slice(range))
                return part
            }
            for part in parts.dropFirst() { try parts[0].merge(part) }
            let merged = parts[0].finish()
            let order = keys.map { SortKey($0) }
            #expect(rows(try merged.sorted(by: order)) == rows(try whole.sorted(by: order)), "keys \(keys)")
        }
    }

    @Test func matchesDuckDBOnRandomData() throws {
        var generator = SeededGenerator(seed: 42)
        let n = 20_000
        var k1: [Int64?] = []
        var k2: [String?] = []
        var v: [Int64?] = []
        var d: [Double?] = []
        var csv = "k1,k2,v,d\n"
        for _ in 0..<n {
            let a: Int64? =
                Int.random(in: 0..<20, using: &generator) == 0 ? nil : Int64.random(in: -5..<30, using: &generator)
            let b: String? =
                Int.random(in: 0..<15, using: &generator) == 0
                ? nil : ["x", "y", "zz", "wörd"].randomElement(using: &generator)!
            let c: Int64? =
                Int.random(in: 0..<10, using: &generator) == 0
                ? nil : Int64.random(in: -1_000_000...1_000_000, using: &generator)
            let e: Double? =
                Int.random(in: 0..<10, using: &generator) == 0
                ? nil : Double(Int.random(in: -10_000...10_000, using: &generator)) / 8
            k1.append(a)
            k2.append(b)
            v.append(c)
            d.append(e)
            csv += "\(a.map(String.init) ?? ""),\(b ?? ""),\(c.map(String.init) ?? ""),\(e.map { String($0) } ?? "")\n"
        }
        let directory = try Paths.temporaryDirectory("ops-groupby")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)

        let batch = makeBatch([
            "k1": int64Column(k1), "k2": stringColumn(k2), "v": int64Column(v), "d": doubleColumn(d),
        ])
        // Feed in uneven pieces to exercise batch-by-batch accumulation.
        let groupBy = try GroupBy(
            keys: ["k1", "k2"],
            aggregates: [
                .countAll(as: "n"), Aggregate(.count, "v", as: "nv"), Aggregate(.sum, "v", as: "sv"),
                Aggregate(.min, "v", as: "lo"),
                Aggregate(.max, "d", as: "hi"), Aggregate(.avg, "d", as: "ad"), Aggregate(.sum, "d", as: "sd"),
            ],
            inputSchema: batch.schema
        )
        for range in [0..<1, 1..<777, 777..<12_345, 12_345..<n] { try groupBy.consume(batch.slice(range)) }
        let ours = groupBy.finish()

        let script = """
            import duckdb, json, sys
            rows = duckdb.sql(f\"\"\"
              SELECT k1, k2, count(*), count(v), sum(v), min(v), max(d), avg(d), sum(d)
              FROM read_csv('{sys.argv[1]}', header=true, nullstr='',
                columns={{'k1':'BIGINT','k2':'VARCHAR','v':'BIGINT','d':'DOUBLE'}})
              GROUP BY k1, k2\"\"\").fetchall()
            for r in rows:
                print(json.dumps([r[0], r[1], r[2], r[3], None if r[4] is None else int(r[4])] + list(r[5:])))
            """
        let output = try Python.run(script, [file.path])
        var expected: [String: [Any?]] = [:]
        for line in output.split(separator: "\n") {
            let row = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]) as! [Any]
            let key = "\(row[0] is NSNull ? "null" : "\(row[0])")|\(row[1] is NSNull ? "null" : "\(row[1])")"
            expected[key] = row.map { $0 is NSNull ? nil : $0 }
        }
        #expect(ours.count == expected.count)
        for i in 0..<ours.count {
            let row = ours.row(i)
            let key1 = if case .int(let x) = row[0] { "\(x)" } else { "null" }
            let key2 = if case .string(let x) = row[1] { x } else { "null" }
            guard let reference = expected["\(key1)|\(key2)"] else {
                Issue.record("group \(key1)|\(key2) missing in DuckDB")
                continue
            }
            func int(_ v: Value) -> Int64? { if case .int(let x) = v { x } else { nil } }
            func real(_ v: Value) -> Double? { if case .double(let x) = v { x } else { nil } }
            #expect(int(row[2]) == (reference[2] as? NSNumber)?.int64Value)
            #expect(int(row[3]) == (reference[3] as? NSNumber)?.int64Value)
            #expect(int(row[4]) == (reference[4] as? NSNumber)?.int64Value)
            #expect(int(row[5]) == (reference[5] as? NSNumber)?.int64Value)
            #expect(real(row[6]) == (reference[6] as? NSNumber)?.doubleValue)
            for (ours, theirs) in [(real(row[7]), reference[7]), (real(row[8]), reference[8])] {
                if let theirs = (theirs as? NSNumber)?.doubleValue, let ours {
                    #expect(abs(ours - theirs) <= 1e-9 * max(1, abs(theirs)))
                } else {
                    #expect(ours == nil && theirs == nil)
                }
            }
        }
    }
}
