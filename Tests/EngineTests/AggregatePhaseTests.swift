import Columnar
import Foundation
import TestSupport
import Testing

@testable import Engine

/// A group-by split into partial runs (one per slice of the input) and a final run over their concatenated outputs
/// gives the complete run's rows, types and nullability.
@Suite("Operators: partial and final aggregation")
struct AggregatePhaseTests {
    static let aggregates: [Aggregate] = [
        .countAll(as: "n"), Aggregate(.count, "v", as: "nv"), Aggregate(.sum, "v", as: "sv"),
        Aggregate(.min, "v", as: "lo"), Aggregate(.max, "s", as: "smax"), Aggregate(.avg, "v", as: "av"),
        Aggregate(.sum, "d", as: "sd"), Aggregate(.avg, "d", as: "ad"), Aggregate(.min, "d", as: "dmin"),
    ]

    /// 5,000 rows over 40 keys (and a null key); `v` null on every 7th row and always null for key 13.
    static func input() -> RecordBatch {
        var generator = SeededGenerator(seed: 42)
        var keys: [Int64?] = []
        var v: [Int64?] = []
        var d: [Double?] = []
        var s: [String?] = []
        for row in 0..<5_000 {
            let key = Int64.random(in: 0..<41, using: &generator)
            keys.append(key == 40 ? nil : key)
            v.append(row % 7 == 0 || key == 13 ? nil : Int64.random(in: -1_000_000...1_000_000, using: &generator))
            d.append(row % 11 == 0 ? nil : Double.random(in: -1...1, using: &generator))
            s.append(row % 5 == 0 ? nil : "s\(Int.random(in: 0..<500, using: &generator))")
        }
        return makeBatch(["k": int64Column(keys), "v": int64Column(v), "d": doubleColumn(d), "s": stringColumn(s)])
    }

    static func sortedRows(_ batch: RecordBatch) -> [[Value]] {
        rows(batch).sorted { "\($0[0])" < "\($1[0])" }
    }

    static func close(_ a: Value, _ b: Value) -> Bool {
        if case .double(let x) = a, case .double(let y) = b {
            return x == y || abs(x - y) <= 1e-9 * max(abs(x), abs(y))
        }
        return a == b
    }

    @Test(arguments: [1, 3, 8, 5_000])
    func partialRunsThenAFinalRunEqualOneCompleteRun(parts: Int) throws {
        let input = Self.input()
        let complete = try PhasedGroupBy(
            keys: ["k"],
            aggregates: Self.aggregates,
            phase: .complete,
            inputSchema: input.schema
        )
        try complete.consume(input)
        let expected = complete.finish()

        let size = (input.count + parts - 1) / parts
        var partials: [RecordBatch] = []
        for start in stride(from: 0, to: input.count, by: size) {
            let partial = try PhasedGroupBy(
                keys: ["k"],
                aggregates: Self.aggregates,
                phase: .partial,
                inputSchema: input.schema
            )
            try partial.consume(input.slice(start..<min(start + size, input.count)))
            partials.append(partial.finish())
        }
        #expect(
            partials[0].schema.names == [
                "k", "n", "nv", "sv", "lo", "smax", "av__sum", "av__count", "sd", "ad__sum", "ad__count", "dmin",
            ]
        )
        let final = try PhasedGroupBy(
            keys: ["k"],
            aggregates: Self.aggregates,
            phase: .final,
            inputSchema: partials[0].schema
        )
        for partial in partials { try final.consume(partial) }
        let merged = final.finish()

        #expect(merged.schema == expected.schema)
        let got = Self.sortedRows(merged)
        let want = Self.sortedRows(expected)
        #expect(got.count == 41)
        #expect(got.count == want.count)
        for (row, (a, b)) in zip(got, want).enumerated() {
            // Integers to the bit; double sums and averages to 1e-9 relative.
            #expect(zip(a, b).allSatisfy { Self.close($0, $1) }, "row \(row): \(a) != \(b)")
            #expect(Array(a[0..<6]) == Array(b[0..<6]), "row \(row)")
        }
        // Key 13 has no `v`: its sum, minimum and average stay null through both phases.
        let thirteen = try #require(got.first { $0[0] == .int(13) })
        #expect(thirteen[2] == .int(0) && thirteen[3] == .null && thirteen[4] == .null && thirteen[6] == .null)
    }

    @Test func aGlobalAggregateOverNoPartialsIsOneRow() throws {
        let input = Self.input()
        let partial = try PhasedGroupBy(
            keys: [],
            aggregates: Self.aggregates,
            phase: .partial,
            inputSchema: input.schema
        )
        let final = try PhasedGroupBy(
            keys: [],
            aggregates: Self.aggregates,
            phase: .final,
            inputSchema: partial.outputSchema
        )
        let merged = final.finish()
        #expect(merged.count == 1)
        #expect(merged.row(0)[0] == .int(0))
        #expect(merged.row(0)[5] == .null)
    }

    @Test func theFinalPhaseOverRowsThatAreNotPartialsNamesTheMissingColumn() throws {
        let input = Self.input()
        #expect {
            try PhasedGroupBy(keys: ["k"], aggregates: Self.aggregates, phase: .final, inputSchema: input.schema)
        } throws: { error in
            "\(error)".contains("the final phase needs the partial column \"n\"")
                && "\(error)".contains("is the input a partial aggregate's output?")
        }
    }

    @Test func theJobFileNamesThePhase() throws {
        func job(_ phase: String) throws -> JobDefinition {
            let json = """
                {"name": "j", "inputs": [{"name": "a", "format": "parquet", "path": "a"}],
                 "steps": [{"aggregate": {"group_by": ["k"], "phase": "\(phase)",
                            "values": [{"name": "n", "function": "count"}]}}]}
                """
            return try JobDefinition(json: Data(json.utf8), source: "j.json")
        }
        #expect(
            try job("partial").steps == [.aggregate(groupBy: ["k"], aggregates: [.countAll(as: "n")], phase: .partial)]
        )
        #expect(try job("final").steps == [.aggregate(groupBy: ["k"], aggregates: [.countAll(as: "n")], phase: .final)])
        #expect {
            try job("halfway")
        } throws: { error in
            "\(error)".contains("unknown phase \"halfway\" (expected complete, partial or final)")
        }
    }
}
