import Columnar
import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("Operators: external sort")
struct OperatorsExternalSortTests {
    func randomBatch(_ n: Int, seed: UInt64) -> RecordBatch {
        var generator = SeededGenerator(seed: seed)
        return makeBatch([
            "k": int64Column(
                (0..<n).map { _ in
                    Int.random(in: 0..<25, using: &generator) == 0 ? nil : Int64.random(in: 0..<300, using: &generator)
                }
            ),
            "s": stringColumn(
                (0..<n).map { _ in
                    Int.random(in: 0..<30, using: &generator) == 0
                        ? nil : "v\(Int.random(in: 0..<40, using: &generator))"
                }
            ),
            "x": doubleColumn((0..<n).map { _ in Double.random(in: -1...1, using: &generator) }),
            "seq": int64Column((0..<n).map { Int64($0) }),
        ])
    }

    @Test func spilledSortEqualsInMemorySort() throws {
        let input = randomBatch(30_000, seed: 3)
        let directory = try Paths.temporaryDirectory("ops-extsort")
        defer { try? FileManager.default.removeItem(at: directory) }
        for keys in [[SortKey("k")], [SortKey("s", ascending: false), SortKey("k", nullsFirst: true)]] {
            let expected = try input.sorted(by: keys)
            do {
                let sorter = try ExternalSorter(
                    schema: input.schema,
                    keys: keys,
                    memoryBudget: 64 * 1024,
                    temporaryDirectory: directory,
                    batchSize: 777
                )
                for chunk in input.chunked(size: 1000) { try sorter.add(chunk) }
                #expect(sorter.spilledRunCount > 5)
                var stream = try sorter.finish()
                var batches: [RecordBatch] = []
                while let batch = try stream.next() {
                    #expect(batch.count <= 777)
                    batches.append(batch)
                }
                let merged = RecordBatch.concatenate(batches, schema: input.schema)
                #expect(merged == expected, "keys \(keys)")
            }
            // Spill files are gone once the sorter and its stream are released.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }

    @Test func inMemoryAndPresortedInputsDoNotSpill() throws {
        let input = randomBatch(5_000, seed: 5)
        let keys = [SortKey("k"), SortKey("seq")]
        let sorter = try ExternalSorter(schema: input.schema, keys: keys, memoryBudget: 1 << 30, batchSize: 1024)
        for chunk in input.chunked(size: 999) { try sorter.add(chunk) }
        var stream = try sorter.finish()
        #expect(sorter.spilledRunCount == 0)
        let sorted = try stream.collect()
        #expect(sorted == (try input.sorted(by: keys)))

        // Sorted input is passed through, also when it spills.
        let presorted = try ExternalSorter(schema: input.schema, keys: keys, memoryBudget: 32 * 1024, batchSize: 500)
        for chunk in sorted.chunked(size: 700) { try presorted.add(chunk) }
        var again = try presorted.finish()
        #expect(presorted.spilledRunCount > 1)
        #expect(try again.collect() == sorted)
    }

    @Test func spillFilesKeepEveryValue() throws {
        let directory = try Paths.temporaryDirectory("ops-spill-file")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("run.spill").path
        // Integers of every width class (1, 2, 4 bytes from the minimum, and too wide), with nulls, then others.
        let batches = [
            makeBatch([
                "narrow": int64Column([5, 200, nil, 7]),
                "mid": int64Column([-40_000, 20_000, 0, 1]),
                "wide32": int64Column([0, 4_000_000_000, 2, 3]),
                "wide": int64Column([.min, .max, 0, nil]),
                "i32": int32Column([.min, .max, 0, 1]),
                "small32": int32Column([100, 400, nil, 101], type: .date),
                "s": stringColumn(["a", nil, "", "ccc"]),
                "d": doubleColumn([1.5, nil, -0.0, 3]),
            ]),
            makeBatch([
                "narrow": int64Column([]), "mid": int64Column([]), "wide32": int64Column([]), "wide": int64Column([]),
                "i32": int32Column([]), "small32": int32Column([], type: .date), "s": stringColumn([]),
                "d": doubleColumn([]),
            ]),
        ]
        let writer = try SpillWriter(path: path)
        for batch in batches { try writer.write(batch) }
        try writer.close()
        // Appending adds blocks after the existing ones.
        let appender = try SpillWriter(path: path, appending: true)
        try appender.write(batches[0].slice(1..<3))
        try appender.close()
        let reader = try SpillReader(path: path, schema: batches[0].schema)
        var read: [RecordBatch] = []
        while let batch = try reader.next() { read.append(batch) }
        #expect(read.map(rows) == [rows(batches[0]), [], rows(batches[0].slice(1..<3))])
    }

    @Test func emptyAndSingleRowInputs() throws {
        let schema = Schema([Field("k", .int64)])
        let empty = try ExternalSorter(schema: schema, keys: [SortKey("k")], memoryBudget: 1)
        var stream = try empty.finish()
        #expect(try stream.next() == nil)
        let single = try ExternalSorter(schema: schema, keys: [SortKey("k")], memoryBudget: 1)
        try single.add(makeBatch(["k": int64Column([nil])]))
        var one = try single.finish()
        #expect(rows(try one.collect()) == [[.null]])
        #expect(throws: OperatorError.self) {
            try ExternalSorter(schema: schema, keys: [SortKey("zz")], memoryBudget: 1)
        }
    }
}
