// Snappy (native), gzip and zstd on a column-like buffer: the sample sales CSV's bytes, 1.9 MB.
import Benchmark
import Codecs
import BenchmarkSupport
import Foundation

let benchmarks: @Sendable () -> Void = {
    let input = Fixtures.salesSample
    let snappy = Snappy.compress(input)
    let gzip = Gzip.compress(input)
    let zstd = Zstd.compress(input)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .one,
        maxDuration: .seconds(3)
    )

    Benchmark("Snappy compress 1.9 MB", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Snappy.compress(input))
        }
    }
    Benchmark("Snappy decompress 1.9 MB", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Codec.snappy.decompress(snappy, expectedLength: input.count))
        }
    }
    Benchmark("gzip compress 1.9 MB", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Gzip.compress(input))
        }
    }
    Benchmark("gzip decompress 1.9 MB", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Codec.gzip.decompress(gzip, expectedLength: input.count))
        }
    }
    Benchmark("zstd decompress 1.9 MB", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Codec.zstd.decompress(zstd, expectedLength: input.count))
        }
    }
}
