// The Parquet writer and reader on a JMSD-shaped batch: 1M rows of date + 17 int64 + a nullable string (19 columns).
import Benchmark
import BenchmarkSupport
import Columnar
import Foundation
import Parquet

let benchmarks: @Sendable () -> Void = {
    let rows = 1_000_000
    let batch = Batches.pmdLike(rows: rows)
    let directory = FileManager.default.temporaryDirectory
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    func write(_ compression: ParquetWriteOptions.Compression, to path: String) throws {
        let writer = try ParquetWriter(
            path: path,
            schema: batch.schema,
            options: ParquetWriteOptions(compression: compression)
        )
        try writer.write(batch)
        try writer.close()
    }

    for compression in [ParquetWriteOptions.Compression.snappy, .uncompressed, .zstd] {
        let path = directory.appendingPathComponent("sluice-bench-\(compression.rawValue).parquet").path
        Benchmark("Parquet write 1M rows × 19 columns, \(compression.rawValue)", configuration: configuration) {
            benchmark in
            for _ in benchmark.scaledIterations {
                try write(compression, to: path)
            }
        }
    }

    let readPath = directory.appendingPathComponent("sluice-bench-read-snappy.parquet").path
    Benchmark(
        "Parquet read 1M rows × 19 columns, snappy",
        configuration: configuration,
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                let reader = try ParquetReader(path: readPath)
                for group in 0..<reader.rowGroupCount {
                    blackHole(try reader.readRowGroup(group))
                }
            }
        },
        setup: { try write(.snappy, to: readPath) }
    )
}
