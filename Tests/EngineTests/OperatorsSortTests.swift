import Columnar
import TestSupport
import Testing

@testable import Engine

@Suite("Operators: sort")
struct OperatorsSortTests {
    @Test func multiKeyAscendingDescendingIsStable() throws {
        let batch = makeBatch([
            "g": stringColumn(["b", "a", "b", "a", "c", "a", nil]),
            "v": int64Column([1, 2, 1, nil, 5, 2, 0]),
            "seq": int64Column([0, 1, 2, 3, 4, 5, 6]),
        ])
        let out = try batch.sorted(by: [SortKey("g"), SortKey("v", ascending: false)])
        // a: v desc with null last -> 2 (seq 1), 2 (seq 5), null (seq 3); b: 1 (0), 1 (2); c; null key last.
        #expect(values(out, "seq") == [1, 5, 3, 0, 2, 4, 6].map { .int($0) })
        let nullsFirst = try batch.sorted(by: [SortKey("g", nullsFirst: true), SortKey("v", nullsFirst: true)])
        #expect(values(nullsFirst, "seq") == [6, 3, 1, 5, 0, 2, 4].map { .int($0) })
    }

    @Test func packedAndComparisonPathsAgree() throws {
        var generator = SeededGenerator(seed: 7)
        let n = 5_000
        let small = (0..<n).map { _ in Int64.random(in: 0..<20, using: &generator) }
        let wide = (0..<n).map { i in i % 11 == 0 ? nil : Int64.random(in: Int64.min...Int64.max, using: &generator) }
        let reals = (0..<n).map { i in i % 13 == 0 ? nil : Double.random(in: -1e6...1e6, using: &generator) }
        let smallNulls = small.enumerated().map { $0.offset % 7 == 0 ? nil : $0.element - 10 }
        let batch = makeBatch([
            "small": int64Column(small), "wide": int64Column(wide), "real": doubleColumn(reals),
            "seq": int64Column((0..<n).map { Int64($0) }), "smallNulls": int64Column(smallNulls),
        ])
        // One dense key takes the counting sort (with nulls either end, either direction), others the radix or
        // comparison sort.
        for keys in [
            [SortKey("small")],
            [SortKey("smallNulls")],
            [SortKey("smallNulls", ascending: false, nullsFirst: true)],
            [SortKey("smallNulls", nullsFirst: true)],
            [SortKey("smallNulls", ascending: false)],
            [SortKey("small"), SortKey("real", ascending: false)],
            [SortKey("wide")],
            [SortKey("small", ascending: false), SortKey("wide", nullsFirst: true)],
            [SortKey("real", nullsFirst: true)],
        ] {
            let permutation = try batch.sortPermutation(by: keys).map(Int.init)
            let expected = referenceOrder(batch, keys)
            #expect(permutation == expected, "keys \(keys)")
            #expect(try batch.take(permutation).isSorted(by: keys))
        }
    }

    @Test func largeInputUsesBothHalvesAndStaysStable() throws {
        var generator = SeededGenerator(seed: 11)
        let n = (1 << 20) + 3
        // Dense dates take the counting sort; values over the whole Int32 range the radix sort in two halves.
        let dense = (0..<n).map { _ in Int32.random(in: 15_000..<16_000, using: &generator) }
        let spread = (0..<n).map { _ in Int32.random(in: Int32.min...Int32.max, using: &generator) / 1024 }
        for keys in [dense, spread] {
            let batch = makeBatch(["d": int32Column(keys, type: .date)])
            let permutation = try batch.sortPermutation(by: [SortKey("d")])
            var ok = true
            for k in 1..<n {
                let a = Int(permutation[k - 1])
                let b = Int(permutation[k])
                if keys[a] > keys[b] || (keys[a] == keys[b] && a > b) { ok = false }
            }
            #expect(ok)
            #expect(Set(permutation).count == n)
        }
        // Strings take the comparison sort, also in two halves on both cores; it must be stable too.
        let texts = (0..<200_000).map { _ in String(Int.random(in: 0..<5000, using: &generator)) }
        let strings = makeBatch(["s": stringColumn(texts), "seq": int64Column((0..<200_000).map { Int64($0) })])
        let sortedStrings = try strings.sorted(by: [SortKey("s", ascending: false)])
        #expect(try sortedStrings.isSorted(by: [SortKey("s", ascending: false), SortKey("seq")]))
        #expect(try !strings.isSorted(by: [SortKey("s", ascending: false)]))
        let stringPermutation = try strings.sortPermutation(by: [SortKey("s", ascending: false)])
        #expect(Set(stringPermutation).count == texts.count)
    }

    @Test func emptySingleAndAllNull() throws {
        let empty = RecordBatch.empty(Schema([Field("x", .int64)]))
        #expect(try empty.sorted(by: [SortKey("x")]).count == 0)
        let single = makeBatch(["x": int64Column([nil])])
        #expect(rows(try single.sorted(by: [SortKey("x")])) == [[.null]])
        let allNull = makeBatch(["x": int64Column([nil, nil, nil]), "i": int64Column([0, 1, 2])])
        #expect(values(try allNull.sorted(by: [SortKey("x", ascending: false)]), "i") == [.int(0), .int(1), .int(2)])
        #expect(throws: OperatorError.self) { try single.sorted(by: [SortKey("y")]) }
    }
}

/// The stable order by boxed-value comparison, for checking the fast paths.
func referenceOrder(_ batch: RecordBatch, _ keys: [SortKey]) -> [Int] {
    let columns = keys.map { batch.column(named: $0.column)! }
    func compare(_ a: Value, _ b: Value) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y ? -1 : x == y ? 0 : 1
        case (.double(let x), .double(let y)): x < y ? -1 : x == y ? 0 : 1
        case (.date(let x), .date(let y)): x < y ? -1 : x == y ? 0 : 1
        case (.string(let x), .string(let y)):
            Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8)) ? -1 : x == y ? 0 : 1
        default: fatalError("unsupported in reference")
        }
    }
    return (0..<batch.count).sorted { i, j in
        for (key, column) in zip(keys, columns) {
            let a = column.value(at: i)
            let b = column.value(at: j)
            if a == .null || b == .null {
                if a == b { continue }
                return (a == .null) == key.nullsFirst
            }
            let c = compare(a, b)
            if c != 0 { return key.ascending ? c < 0 : c > 0 }
        }
        return i < j
    }
}
