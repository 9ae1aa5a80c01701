// The jmsd join: 1M ⋈ 1M rows on date (80% match), PSD-like left (3 columns) and PMD-like right (19 columns).
// The range-partitioned plan is what `sluice run jmsd` uses; the others are the in-memory and external-sort plans.
import Benchmark
import BenchmarkSupport
import Columnar
import Engine
import Foundation

let benchmarks: @Sendable () -> Void = {
    let rows = 1_000_000
    let left = Batches.psdLike(rows: rows, offset: 0)
    let right = Batches.pmdLike(rows: rows, offset: rows / 5)
    let sortedLeft = try! left.sorted(by: [SortKey("date")])
    let sortedRight = try! right.sorted(by: [SortKey("date")])
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 30
    )

    Benchmark("merge join 1M ⋈ 1M, inputs sorted", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try RecordBatch.mergeJoin(sortedLeft, sortedRight, leftKeys: ["date"], rightKeys: ["date"]))
        }
    }
    Benchmark("merge join 1M ⋈ 1M, shuffled inputs (sort + join)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try RecordBatch.mergeJoin(left, right, leftKeys: ["date"], rightKeys: ["date"]))
        }
    }
    // The plan `sluice run jmsd` takes: both sides split into key ranges, held packed (1 GB budget) or with the
    // right side spilled to a file per range (48 MB budget: 24 MB for the join, the left takes 20 MB of it).
    for (name, budget) in [("held packed", 1 << 30), ("right side spilled", 48 << 20)] {
        Benchmark("range-partitioned join 1M ⋈ 1M, shuffled, \(name)", configuration: configuration) { benchmark in
            for _ in benchmark.scaledIterations {
                var join = try MergeJoin.joining(
                    left: ArrayBatchStream(left),
                    right: ArrayBatchStream(right),
                    leftKeys: ["date"],
                    rightKeys: ["date"],
                    memoryBudget: budget
                )
                var count = 0
                while let part = try join.next() { count += part.count }
                blackHole(count)
            }
        }
    }
    Benchmark("merge join 1M ⋈ 1M, shuffled, external sort 64 MB budget", configuration: configuration) {
        benchmark in
        for _ in benchmark.scaledIterations {
            var join = try MergeJoin.sortingInputs(
                left: ArrayBatchStream(left),
                right: ArrayBatchStream(right),
                leftKeys: ["date"],
                rightKeys: ["date"],
                memoryBudget: 64 << 20
            )
            var count = 0
            while let part = try join.next() { count += part.count }
            blackHole(count)
        }
    }
}
