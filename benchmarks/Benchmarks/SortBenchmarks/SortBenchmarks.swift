// Sorting a PSD-shaped batch by date: 1M shuffled unique dates, in memory and through the external sorter.
import Benchmark
import BenchmarkSupport
import Columnar
import Engine
import Foundation

let benchmarks: @Sendable () -> Void = {
    let rows = 1_000_000
    let batch = Batches.psdLike(rows: rows)
    let wide = Batches.pmdLike(rows: rows)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 30
    )

    Benchmark("sort 1M rows × 3 columns by date (in memory)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try batch.sorted(by: [SortKey("date")]))
        }
    }
    Benchmark("sort 1M rows × 19 columns by date (in memory)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try wide.sorted(by: [SortKey("date")]))
        }
    }
    Benchmark("external sort 1M rows × 19 columns, 32 MB budget (spills)", configuration: configuration) {
        benchmark in
        for _ in benchmark.scaledIterations {
            let sorter = try ExternalSorter(schema: wide.schema, keys: [SortKey("date")], memoryBudget: 32 << 20)
            var input = ArrayBatchStream(wide)
            while let part = input.next() { try sorter.add(part) }
            var output = try sorter.finish()
            var count = 0
            while let part = try output.next() { count += part.count }
            blackHole(count)
        }
    }
}
