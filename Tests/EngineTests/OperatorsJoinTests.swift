import Columnar
import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("Operators: merge join")
struct OperatorsJoinTests {
    /// (left tag, right tag) of every pair a nested-loop join produces.
    func referencePairs(_ left: [(Int64?, String)], _ right: [(Int64?, String)]) -> [String] {
        var pairs: [String] = []
        for (lk, lt) in left {
            for (rk, rt) in right where lk != nil && lk == rk { pairs.append("\(lt)|\(rt)") }
        }
        return pairs.sorted()
    }

    func pairs(_ batch: RecordBatch) -> [String] {
        func text(_ value: Value) -> String { if case .string(let s) = value { s } else { "\(value)" } }
        return (0..<batch.count).map { i in
            "\(text(batch.column(named: "lt")!.value(at: i)))|\(text(batch.column(named: "rt")!.value(at: i)))"
        }.sorted()
    }

    func side(_ rows: [(Int64?, String)], key: String, tag: String) -> RecordBatch {
        makeBatch([key: int64Column(rows.map(\.0)), tag: stringColumn(rows.map(\.1))])
    }

    @Test func duplicateKeysOnBothSidesGiveEveryPair() throws {
        let left: [(Int64?, String)] = [(3, "l0"), (1, "l1"), (1, "l2"), (2, "l3"), (3, "l4"), (nil, "l5"), (3, "l6")]
        let right: [(Int64?, String)] = [(1, "r0"), (3, "r1"), (1, "r2"), (4, "r3"), (nil, "r4"), (3, "r5"), (1, "r6")]
        let out = try RecordBatch.mergeJoin(
            side(left, key: "k", tag: "lt"),
            side(right, key: "key", tag: "rt"),
            leftKeys: ["k"],
            rightKeys: ["key"]
        )
        #expect(out.schema.names == ["k", "lt", "rt"])
        #expect(out.count == 12)
        #expect(pairs(out) == referencePairs(left, right))
        // Sorted by key; within a key, left rows in input order, then right rows in input order.
        #expect(Array(values(out, "k").prefix(6)) == Array(repeating: Value.int(1), count: 6))
        #expect(Array(values(out, "rt").prefix(3)) == [.string("r0"), .string("r2"), .string("r6")])
        let kept = try RecordBatch.mergeJoin(
            side(left, key: "k", tag: "lt"),
            side(right, key: "key", tag: "rt"),
            leftKeys: ["k"],
            rightKeys: ["key"],
            keepRightKeys: true
        )
        #expect(kept.schema.names == ["k", "lt", "key", "rt"])
        #expect(values(kept, "k") == values(kept, "key"))
    }

    @Test func noMatchesAllMatchEmptyAndSingle() throws {
        let a = side([(1, "a"), (2, "b")], key: "k", tag: "lt")
        let b = side([(3, "c"), (4, "d")], key: "k2", tag: "rt")
        let none = try RecordBatch.mergeJoin(a, b, leftKeys: ["k"], rightKeys: ["k2"])
        #expect(none.count == 0 && none.schema.names == ["k", "lt", "rt"])
        let all = try RecordBatch.mergeJoin(
            a,
            side([(2, "y"), (1, "x")], key: "k2", tag: "rt"),
            leftKeys: ["k"],
            rightKeys: ["k2"]
        )
        #expect(rows(all) == [[.int(1), .string("a"), .string("x")], [.int(2), .string("b"), .string("y")]])
        let empty = try RecordBatch.mergeJoin(a, .empty(b.schema), leftKeys: ["k"], rightKeys: ["k2"])
        #expect(empty.count == 0)
        let nulls = try RecordBatch.mergeJoin(
            side([(nil, "a")], key: "k", tag: "lt"),
            side([(nil, "b")], key: "k2", tag: "rt"),
            leftKeys: ["k"],
            rightKeys: ["k2"]
        )
        #expect(nulls.count == 0)
        let single = try RecordBatch.mergeJoin(
            side([(5, "a")], key: "k", tag: "lt"),
            side([(5, "b")], key: "k2", tag: "rt"),
            leftKeys: ["k"],
            rightKeys: ["k2"]
        )
        #expect(rows(single) == [[.int(5), .string("a"), .string("b")]])
    }

    @Test func multipleKeysIncludingStrings() throws {
        let left = makeBatch([
            "d": int32Column([1, 1, 2, 2, nil], type: .date), "s": stringColumn(["x", "y", "x", nil, "x"]),
            "lt": stringColumn(["a", "b", "c", "d", "e"]),
        ])
        let right = makeBatch([
            "d": int32Column([2, 1, 1, 2, 1], type: .date), "s": stringColumn(["x", "y", "y", nil, "z"]),
            "rt": stringColumn(["p", "q", "r", "s", "t"]),
        ])
        let out = try RecordBatch.mergeJoin(left, right, leftKeys: ["d", "s"], rightKeys: ["d", "s"])
        #expect(out.schema.names == ["d", "s", "lt", "rt"])
        #expect(pairs(out) == ["b|q", "b|r", "c|p"])
    }

    @Test func windowsAcrossBatchBoundariesWithSmallBatches() throws {
        var generator = SeededGenerator(seed: 99)
        let left = (0..<600).map { i -> (Int64?, String) in
            (
                Int.random(in: 0..<20, using: &generator) == 0 ? nil : Int64.random(in: 0..<15, using: &generator),
                "l\(i)"
            )
        }
        let right = (0..<500).map { i -> (Int64?, String) in
            (
                Int.random(in: 0..<20, using: &generator) == 0 ? nil : Int64.random(in: 5..<25, using: &generator),
                "r\(i)"
            )
        }
        let expected = referencePairs(left, right)
        for batchSize in [1, 7, 64, 10_000] {
            let out = try RecordBatch.mergeJoin(
                side(left, key: "k", tag: "lt"),
                side(right, key: "k2", tag: "rt"),
                leftKeys: ["k"],
                rightKeys: ["k2"],
                batchSize: batchSize
            )
            let same = pairs(out) == expected
            #expect(same, "batch size \(batchSize): \(out.count) pairs, expected \(expected.count)")
            #expect(try out.isSorted(by: [SortKey("k")]))
            // The streaming join over sorted inputs cut into batches of the same size: windows of equal keys
            // span batch boundaries.
            let l = try side(left, key: "k", tag: "lt").sorted(by: [SortKey("k")])
            let r = try side(right, key: "k2", tag: "rt").sorted(by: [SortKey("k2")])
            var stream = try MergeJoin(
                left: ArrayBatchStream(l, batchSize: batchSize),
                right: ArrayBatchStream(r, batchSize: batchSize),
                leftKeys: ["k"],
                rightKeys: ["k2"],
                batchSize: batchSize
            )
            let streamed = try stream.collect()
            let sameStreamed = pairs(streamed) == expected
            #expect(sameStreamed, "streamed, batch size \(batchSize): \(streamed.count) pairs")
            #expect(rows(streamed) == rows(out))
            // The in-memory join over inputs left in many batches.
            let leftBatch = side(left, key: "k", tag: "lt")
            let rightBatch = side(right, key: "k2", tag: "rt")
            var pieces = try InMemoryMergeJoin(
                left: leftBatch.chunked(size: max(batchSize, 50)),
                leftSchema: leftBatch.schema,
                right: rightBatch.chunked(size: max(batchSize, 50) + 3),
                rightSchema: rightBatch.schema,
                leftKeys: ["k"],
                rightKeys: ["k2"],
                batchSize: batchSize
            )
            #expect(rows(try pieces.collect()) == rows(out))
        }
    }

    @Test func joinOverSpilledSortedStreams() throws {
        var generator = SeededGenerator(seed: 123)
        let left = (0..<8_000).map { i -> (Int64?, String) in
            (
                Int.random(in: 0..<50, using: &generator) == 0 ? nil : Int64.random(in: 0..<3000, using: &generator),
                "l\(i)"
            )
        }
        let right = (0..<6_000).map { i -> (Int64?, String) in
            (Int64.random(in: 1000..<5000, using: &generator), "r\(i)")
        }
        let directory = try Paths.temporaryDirectory("ops-join")
        defer { try? FileManager.default.removeItem(at: directory) }
        func spilled(_ batch: RecordBatch, _ key: String) throws -> any BatchStream {
            let sorter = try ExternalSorter(
                schema: batch.schema,
                keys: [SortKey(key)],
                memoryBudget: 16 * 1024,
                temporaryDirectory: directory,
                batchSize: 512
            )
            for chunk in batch.chunked(size: 300) { try sorter.add(chunk) }
            #expect(sorter.spilledRunCount > 3)
            return try sorter.finish()
        }
        var join = try MergeJoin(
            left: try spilled(side(left, key: "k", tag: "lt"), "k"),
            right: try spilled(side(right, key: "k2", tag: "rt"), "k2"),
            leftKeys: ["k"],
            rightKeys: ["k2"],
            batchSize: 1000
        )
        let out = try join.collect()
        let expected = referencePairs(left, right)
        let same = pairs(out) == expected
        #expect(same, "\(out.count) pairs, expected \(expected.count)")

        var unsorted = try MergeJoin.sortingInputs(
            left: ArrayBatchStream(side(left, key: "k", tag: "lt"), batchSize: 333),
            right: ArrayBatchStream(side(right, key: "k2", tag: "rt"), batchSize: 333),
            leftKeys: ["k"],
            rightKeys: ["k2"],
            memoryBudget: 64 * 1024,
            temporaryDirectory: directory
        )
        let sortedFirst = try unsorted.collect()
        // The planner: in memory when both sides fit, spilled otherwise; same pairs either way.
        for budget in [1 << 30, 64 * 1024] {
            var planned = try MergeJoin.joining(
                left: ArrayBatchStream(side(left, key: "k", tag: "lt"), batchSize: 333),
                right: ArrayBatchStream(side(right, key: "k2", tag: "rt"), batchSize: 333),
                leftKeys: ["k"],
                rightKeys: ["k2"],
                memoryBudget: budget,
                temporaryDirectory: directory
            )
            #expect((planned is InMemoryMergeJoin) == (budget == 1 << 30))
            let out = try planned.collect()
            #expect(rows(out) == rows(sortedFirst), "budget \(budget)")
        }
        let sameAgain = pairs(sortedFirst) == expected
        #expect(sameAgain, "\(sortedFirst.count) pairs, expected \(expected.count)")
    }

    @Test func aLeftThatFitsOnlyPackedIsHeldPackedForThePartitionedJoin() throws {
        var generator = SeededGenerator(seed: 5)
        let left = (0..<6_000).map { i -> (Int64?, String) in
            (i % 50 == 0 ? nil : Int64.random(in: 0..<2_000, using: &generator), "l\(i)")
        }
        let right = (0..<9_000).map { i -> (Int64?, String) in
            (Int64.random(in: 500..<2_500, using: &generator), "r\(i)")
        }
        // Measures that pack into one or two bytes make the left a third of its size packed.
        var leftBatch = side(left, key: "k", tag: "lt")
        let measures = makeBatch([
            "m1": int64Column(left.indices.map { _ in Int64.random(in: 0..<200, using: &generator) }),
            "m2": int64Column(left.indices.map { _ in Int64.random(in: -9_000..<9_000, using: &generator) }),
            "m3": int64Column(left.indices.map { i in i % 3 == 0 ? nil : Int64(i % 100) }),
        ])
        leftBatch = RecordBatch(
            schema: Schema(leftBatch.schema.fields + measures.schema.fields),
            columns: leftBatch.columns + measures.columns
        )
        let rightBatch = side(right, key: "k2", tag: "rt")
        let chunks = leftBatch.chunked(size: 500)
        let unpacked = chunks.reduce(0) { $0 + $1.estimatedByteSize }
        let packed = chunks.reduce(0) { total, batch in
            total + batch.columns.reduce(0) { $0 + PackedColumn.packing($1).byteSize }
        }
        #expect(packed * 2 < unpacked, "packed \(packed) bytes, unpacked \(unpacked)")
        let directory = try Paths.temporaryDirectory("ops-packed-left")
        defer { try? FileManager.default.removeItem(at: directory) }
        var reference = try InMemoryMergeJoin(left: leftBatch, right: rightBatch, leftKeys: ["k"], rightKeys: ["k2"])
        let expected = try reference.collect()
        #expect(pairs(expected) == referencePairs(left, right))
        // Half the budget lies between the packed and the unpacked size of the left; then below the packed size.
        for (budget, partitioned) in [((packed + unpacked), true), (packed, false)] {
            var planned = try MergeJoin.joining(
                left: ArrayBatchStream(schema: leftBatch.schema, batches: chunks),
                right: ArrayBatchStream(rightBatch, batchSize: 700),
                leftKeys: ["k"],
                rightKeys: ["k2"],
                memoryBudget: budget,
                temporaryDirectory: directory,
                inMemoryJoinLimit: 0
            )
            #expect((planned is PrefetchStream) == partitioned, "budget \(budget)")
            let out = try planned.collect()
            #expect(out.schema == expected.schema)
            #expect(rows(out) == rows(expected), "budget \(budget)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func partitionedJoinMatchesInMemoryJoin() throws {
        var generator = SeededGenerator(seed: 77)
        // Duplicates and nulls on both sides; sparse keys on one run (no bitmap), dense on the other.
        for spread in [Int64(400), Int64(1 << 40)] {
            let left = (0..<3_000).map { i -> (Int64?, String) in
                (
                    Int.random(in: 0..<40, using: &generator) == 0
                        ? nil : Int64.random(in: 0..<400, using: &generator) * (spread / 400) - 7,
                    "l\(i)"
                )
            }
            let right = (0..<5_000).map { i -> (Int64?, String) in
                (
                    Int.random(in: 0..<40, using: &generator) == 0
                        ? nil : Int64.random(in: 100..<600, using: &generator) * (spread / 400) - 7,
                    "r\(i)"
                )
            }
            let leftBatch = side(left, key: "k", tag: "lt")
            // Right columns of every kind the held pieces pack: 1, 2 and 4 byte offsets, too wide, int32, others.
            var tagged = side(right, key: "k2", tag: "rt")
            let extra = makeBatch([
                "small": int64Column(right.indices.map { _ in Int64.random(in: 0..<200, using: &generator) }),
                "mid": int64Column(
                    right.indices.map { i in i % 7 == 0 ? nil : Int64.random(in: -30_000..<30_000, using: &generator) }
                ),
                "big": int64Column(right.indices.map { _ in Int64.random(in: 0..<3_000_000, using: &generator) }),
                "wide": int64Column(right.indices.map { i in i == 5 ? .min : i == 6 ? .max : Int64(i) }),
                "i32": int32Column(right.indices.map { _ in Int32.random(in: -5...5, using: &generator) }),
                "d": doubleColumn(right.indices.map { i in i % 5 == 0 ? nil : Double(i) / 4 }),
                "b": boolColumn(right.indices.map { i in i % 3 == 0 }),
            ])
            tagged = RecordBatch(
                schema: Schema(tagged.schema.fields + extra.schema.fields),
                columns: tagged.columns + extra.columns
            )
            let rightBatch = tagged
            var reference = try InMemoryMergeJoin(
                left: leftBatch,
                right: rightBatch,
                leftKeys: ["k"],
                rightKeys: ["k2"]
            )
            let expected = try reference.collect()
            #expect(pairs(expected) == referencePairs(left, right))
            let directory = try Paths.temporaryDirectory("ops-pjoin")
            defer { try? FileManager.default.removeItem(at: directory) }
            // Held in memory, spilled, and held at first then spilled once the budget is used up.
            for (partitionRows, holdBudget) in [(1, 0), (97, 0), (1_000, 0), (100_000, 0), (97, Int.max), (1, 60_000)] {
                let chunks = rightBatch.chunked(size: 700)
                var rest: any BatchStream = ArrayBatchStream(
                    schema: rightBatch.schema,
                    batches: Array(chunks.dropFirst(2))
                )
                var leftChunks = leftBatch.chunked(size: 333)
                let join = try #require(
                    try PartitionedMergeJoin.make(
                        left: &leftChunks,
                        leftSchema: leftBatch.schema,
                        rightBuffered: Array(chunks.prefix(2)),
                        right: &rest,
                        leftKeys: ["k"],
                        rightKeys: ["k2"],
                        temporaryDirectory: directory,
                        holdBudget: holdBudget,
                        batchSize: 500,
                        partitionRows: partitionRows
                    )
                )
                let spillFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).count
                #expect((spillFiles == 0) == (holdBudget == Int.max), "budget \(holdBudget): \(spillFiles) spill files")
                #expect(leftChunks.isEmpty, "the left batches are taken")
                var stream: any BatchStream = join
                let out = try stream.collect()
                #expect(out.schema == expected.schema)
                #expect(
                    rows(out) == rows(expected),
                    "partition rows \(partitionRows), spread \(spread), hold budget \(holdBudget)"
                )
                // Every spill file is gone once the output is drained.
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
            }
        }
        // Keys that are not a single fixed-width column use another plan.
        let strings = makeBatch(["s": stringColumn(["a"]), "lt": stringColumn(["x"])])
        var right: any BatchStream = ArrayBatchStream(makeBatch(["s": stringColumn(["a"]), "rt": stringColumn(["y"])]))
        var stringBatches = [strings]
        let none = try PartitionedMergeJoin.make(
            left: &stringBatches,
            leftSchema: strings.schema,
            rightBuffered: [],
            right: &right,
            leftKeys: ["s"],
            rightKeys: ["s"],
            temporaryDirectory: nil
        )
        #expect(none == nil)
        #expect(stringBatches.count == 1, "the left batches are untouched when another plan is needed")
    }

    @Test func packedColumnsKeepEveryValue() throws {
        let cases: [(Column, String)] = [
            (int64Column([5, 200, nil, 7]), "narrow8"),
            (int64Column([-40_000, 20_000, 0]), "narrow16"),
            (int64Column([0, 4_000_000_000]), "narrow32"),
            (int64Column([.min, .max, 0]), "plain"),
            (int64Column([-1, 5_000_000_000]), "plain"),
            (int32Column([.min, .max]), "plain"),
            (int32Column([100, 400]), "narrow16"),
            (stringColumn(["a", nil, "ccc"]), "plain"),
            (doubleColumn([1.5, nil]), "plain"),
        ]
        for (column, expected) in cases {
            // Reversed, with the first row dropped: the kind is chosen from all rows, dropped ones included.
            let n = column.count
            let destinations: [Int32] = (0..<n).map { $0 == 0 ? -1 : Int32(n - 1 - $0) }
            let rows: [Int32] = (1..<n).reversed().map { Int32($0) }
            let packed = rows.withUnsafeBufferPointer { rows in
                destinations.withUnsafeBufferPointer { PackedColumn.scattering(column, rows: rows, destinations: $0) }
            }
            let kind =
                switch packed.storage {
                case .plain: "plain"
                case .narrow8: "narrow8"
                case .narrow16: "narrow16"
                case .narrow32: "narrow32"
                }
            #expect(kind == expected, "\(column)")
            let whole = PackedColumn.concatenate([(packed, 0..<(n - 1))], type: column.type)
            #expect((0..<(n - 1)).map { whole.value(at: $0) } == rows.map { column.value(at: Int($0)) })
        }
        // Pieces of different widths unpack into one column.
        func packed(_ column: Column) -> PackedColumn {
            let identity = (0..<Int32(column.count)).map { $0 }
            return identity.withUnsafeBufferPointer { PackedColumn.scattering(column, rows: $0, destinations: $0) }
        }
        let narrow = packed(int64Column([1, 2, 3]))
        let wide = packed(int64Column([.min, nil, .max]))
        let mixed = PackedColumn.concatenate([(narrow, 1..<3), (wide, 0..<3), (narrow, 0..<1)], type: .int64)
        #expect(
            (0..<mixed.count).map { mixed.value(at: $0) }
                == [.int(2), .int(3), .int(.min), .null, .int(.max), .int(1)]
        )
    }

    @Test func prefetchStreamKeepsOrderErrorsAndStopsEarly() throws {
        struct Failing: BatchStream {
            let schema: Schema
            var left: [RecordBatch]
            mutating func next() throws -> RecordBatch? {
                if left.isEmpty { throw OperatorError("test", "boom") }
                return left.removeFirst()
            }
        }
        let batch = side((0..<1_000).map { (Int64($0), "t\($0)") }, key: "k", tag: "lt")
        let chunks = batch.chunked(size: 77)
        var all: any BatchStream = PrefetchStream(ArrayBatchStream(schema: batch.schema, batches: chunks), depth: 2)
        #expect(rows(try all.collect()) == rows(batch))
        #expect(try all.next() == nil)
        let failing = PrefetchStream(Failing(schema: batch.schema, left: Array(chunks.prefix(3))), depth: 1)
        for _ in 0..<3 { #expect(try failing.next() != nil) }
        let error = #expect(throws: OperatorError.self) { try failing.next() }
        #expect(error?.description.contains("boom") == true)
        #expect(try failing.next() == nil)
        // Released before its end: the producer stops (no hang, no crash).
        for _ in 0..<20 {
            let early = PrefetchStream(ArrayBatchStream(schema: batch.schema, batches: chunks), depth: 1)
            _ = try early.next()
        }
    }

    @Test func misuseIsReportedClearly() throws {
        let a = side([(1, "a"), (3, "b"), (2, "b")], key: "k", tag: "lt")
        let b = side([(1, "c"), (2, "d"), (3, "e")], key: "k", tag: "rt")
        var unsorted = try MergeJoin(
            left: ArrayBatchStream(a),
            right: ArrayBatchStream(b),
            leftKeys: ["k"],
            rightKeys: ["k"]
        )
        let error = #expect(throws: OperatorError.self) { try unsorted.collect() }
        #expect(error?.description.contains("left input is not sorted by k") == true)
        let typed = #expect(throws: OperatorError.self) {
            try MergeJoin(
                left: ArrayBatchStream(a),
                right: ArrayBatchStream(makeBatch(["k": doubleColumn([1])])),
                leftKeys: ["k"],
                rightKeys: ["k"]
            )
        }
        #expect(typed?.description.contains("int64 on the left") == true)
        let clash = #expect(throws: OperatorError.self) {
            try MergeJoin(
                left: ArrayBatchStream(a),
                right: ArrayBatchStream(side([(1, "c")], key: "k", tag: "lt")),
                leftKeys: ["k"],
                rightKeys: ["k"]
            )
        }
        #expect(clash?.description.contains("column named \"lt\"") == true)
    }
}
