import Columnar
import Foundation
import Testing

@testable import Engine

@Suite("Operators: hash join")
struct OperatorsHashJoinTests {
    typealias Rows = [(Int64?, String)]

    func side(_ rows: Rows, key: String, tag: String) -> RecordBatch {
        makeBatch([key: int64Column(rows.map(\.0)), tag: stringColumn(rows.map(\.1))])
    }

    /// The (probe tag, build tag) pairs of a join's output, "-" for a null side, sorted.
    func pairs(_ join: HashJoin, probeTag: String = "lt", buildTag: String? = "rt") throws -> [String] {
        var join = join
        let out = try join.collect()
        func text(_ column: String?, _ i: Int) -> String {
            guard let column, let value = out.column(named: column)?.value(at: i) else { return "" }
            if case .string(let s) = value { return s }
            return "-"
        }
        return (0..<out.count).map { i in
            buildTag == nil ? text(probeTag, i) : "\(text(probeTag, i))|\(text(buildTag, i))"
        }
        .sorted()
    }

    func join(_ probe: Rows, _ build: Rows, _ kind: HashJoin.Kind, nullAware: Bool = false) throws -> HashJoin {
        try HashJoin(
            probe: ArrayBatchStream(side(probe, key: "k", tag: "lt"), batchSize: 3),
            build: ArrayBatchStream(side(build, key: "key", tag: "rt"), batchSize: 2),
            probeKeys: ["k"],
            buildKeys: ["key"],
            kind: kind,
            nullAwareAnti: nullAware
        )
    }

    let probe: Rows = [(1, "l0"), (2, "l1"), (2, "l2"), (nil, "l3"), (4, "l4")]
    let build: Rows = [(2, "r0"), (2, "r1"), (1, "r2"), (nil, "r3"), (5, "r4")]

    @Test func everyKindKeepsTheRowsSQLSays() throws {
        #expect(try pairs(join(probe, build, .inner)) == ["l0|r2", "l1|r0", "l1|r1", "l2|r0", "l2|r1"])
        #expect(
            try pairs(join(probe, build, .left)) == ["l0|r2", "l1|r0", "l1|r1", "l2|r0", "l2|r1", "l3|-", "l4|-"]
        )
        #expect(
            try pairs(join(probe, build, .full))
                == ["-|r3", "-|r4", "l0|r2", "l1|r0", "l1|r1", "l2|r0", "l2|r1", "l3|-", "l4|-"]
        )
        #expect(try pairs(join(probe, build, .semi), buildTag: nil) == ["l0", "l1", "l2"])
        #expect(try pairs(join(probe, build, .anti), buildTag: nil) == ["l3", "l4"])
    }

    @Test func notInHasNoRowsOnceTheValuesHoldANull() throws {
        #expect(try pairs(join(probe, build, .anti, nullAware: true), buildTag: nil) == [])
        let noNulls = build.filter { $0.0 != nil }
        #expect(try pairs(join(probe, noNulls, .anti, nullAware: true), buildTag: nil) == ["l4"])
        // Nothing to be in: every row, the null key too.
        #expect(try pairs(join(probe, [], .anti, nullAware: true), buildTag: nil).count == 5)
    }

    @Test func aResidualConditionDecidesWhichPairsJoin() throws {
        // Pairs whose tags end in digits of different parity join: l1 with r0, l2 with r1; l0 meets only r2.
        func join(_ kind: HashJoin.Kind) throws -> HashJoin {
            try HashJoin(
                probe: ArrayBatchStream(side(probe, key: "k", tag: "lt")),
                build: ArrayBatchStream(side(build, key: "key", tag: "rt")),
                probeKeys: ["k"],
                buildKeys: ["key"],
                kind: kind,
                residual: { pairs in
                    (0..<pairs.count).map { i in
                        guard case .string(let l) = pairs.columns[1].value(at: i),
                            case .string(let r) = pairs.columns[3].value(at: i)
                        else { return false }
                        return Int(String(l.last!))! % 2 != Int(String(r.last!))! % 2
                    }
                }
            )
        }
        #expect(try pairs(join(.semi), buildTag: nil) == ["l1", "l2"])
        #expect(try pairs(join(.anti), buildTag: nil) == ["l0", "l3", "l4"])
    }

    @Test func anEmptyBuildSideGivesNullsOnTheLeft() throws {
        #expect(try pairs(join(probe, [], .left)) == ["l0|-", "l1|-", "l2|-", "l3|-", "l4|-"])
        #expect(try pairs(join(probe, [], .inner)) == [])
    }

    @Test func keysOfDifferentTypesAreRefused() {
        let probe = makeBatch(["k": int64Column([1]), "lt": stringColumn(["a"])])
        let build = makeBatch(["key": doubleColumn([1]), "rt": stringColumn(["b"])])
        #expect(throws: OperatorError.self) {
            try HashJoin(
                probe: ArrayBatchStream(probe),
                build: ArrayBatchStream(build),
                probeKeys: ["k"],
                buildKeys: ["key"],
                kind: .inner
            )
        }
    }
}
