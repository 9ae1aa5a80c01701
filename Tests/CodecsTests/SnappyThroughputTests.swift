import Codecs
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Measures Snappy throughput against Arrow's C++ Snappy (through pyarrow) on ~100 MB of CSV-like text. Off by
/// default and never asserts on time; run it in release mode:
///
///     SLUICE_CODEC_BENCH=1 SLUICE_ONLY=Codecs swift test -c release --scratch-path .build-codecs \
///         --filter SnappyThroughput
///
/// Both sides report CPU time of the best of five runs, so a busy machine skews them alike.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SLUICE_CODEC_BENCH"] != nil))
struct SnappyThroughputTests {
    @Test func snappyThroughputAgainstArrow() throws {
        let megabytes = Int(ProcessInfo.processInfo.environment["SLUICE_CODEC_BENCH_MB"] ?? "") ?? 100
        var generator = SeededGenerator(seed: 1)
        let data = Samples.csvLike(count: megabytes * 1_000_000, generator: &generator)
        let directory = try Paths.temporaryDirectory("codecs-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("data.csv")
        try Data(data).write(to: path)

        let pageSize = 1 << 20
        let pages = stride(from: 0, to: data.count, by: pageSize).map {
            Array(data[$0..<min($0 + pageSize, data.count)])
        }
        let size = Double(data.count) / 1e6
        var compressed: [UInt8] = []
        let compressTime = bestCPUTime { compressed = Snappy.compress(data) }
        var restored: [UInt8] = []
        let decompressTime = try bestCPUTime {
            restored = try Snappy.decompress(compressed, expectedLength: data.count)
        }
        #expect(restored == data)
        var compressedPages: [[UInt8]] = []
        let pageCompressTime = bestCPUTime { compressedPages = pages.map { Snappy.compress($0) } }
        let pageDecompressTime = try bestCPUTime {
            for (page, block) in zip(pages, compressedPages) {
                _ = try Snappy.decompress(block, expectedLength: page.count)
            }
        }
        let ratio = Double(compressed.count) / Double(data.count)

        let arrow = try Python.run(
            """
            import sys, time, pyarrow as pa
            data = open(sys.argv[1], 'rb').read()
            buf = pa.py_buffer(data)
            def best(f):
                times = []
                for _ in range(5):
                    start = time.process_time(); result = f(); times.append(time.process_time() - start)
                return min(times), result
            mb = len(data) / 1e6
            ct, c = best(lambda: pa.compress(buf, codec='snappy'))
            dt, d = best(lambda: pa.decompress(c, decompressed_size=len(data), codec='snappy'))
            assert d.to_pybytes() == data
            pages = [buf.slice(i, min(1 << 20, len(data) - i)) for i in range(0, len(data), 1 << 20)]
            pct, cs = best(lambda: [pa.compress(p, codec='snappy') for p in pages])
            pdt, _ = best(lambda: [pa.decompress(b, decompressed_size=p.size, codec='snappy') for p, b in zip(pages, cs)])
            print(f'{mb/ct:.0f} {mb/dt:.0f} {mb/pct:.0f} {mb/pdt:.0f} {c.size/len(data):.4f}')
            """,
            [path.path]
        ).split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }

        print(
            """
            snappy on \(megabytes) MB of CSV-like text (MB/s of uncompressed data, CPU time, best of 5):
                              compress  decompress  ratio
              Sluice, 1 block  \(Int(size / compressTime))  \(Int(size / decompressTime))  \(ratio)
              Arrow,  1 block  \(arrow[0])  \(arrow[1])  \(arrow[4])
              Sluice, 1 MiB pages  \(Int(size / pageCompressTime))  \(Int(size / pageDecompressTime))
              Arrow,  1 MiB pages  \(arrow[2])  \(arrow[3])
            """
        )
    }

    private func bestCPUTime(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = cpuTime()
            try body()
            best = min(best, cpuTime() - start)
        }
        return best
    }

    private func cpuTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
