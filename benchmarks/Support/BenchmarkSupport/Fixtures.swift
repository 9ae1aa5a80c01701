import Foundation

/// Inputs shared by the micro-benchmarks: the repository's sample CSVs and deterministic synthetic columns.
public enum Fixtures {
    /// The repository root (two levels above this file's package).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // BenchmarkSupport
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // benchmarks
        .deletingLastPathComponent()  // repository root

    /// samples/SalesPipeline_QuickSightSample.csv, 20,994 rows, 1.9 MB.
    public static var salesSample: [UInt8] { load("samples/SalesPipeline_QuickSightSample.csv") }

    /// samples/MarketingData_QuickSightSample.csv, 1,461 rows.
    public static var marketingSample: [UInt8] { load("samples/MarketingData_QuickSightSample.csv") }

    /// The path of a file under the repository root.
    public static func path(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent(relative).path
    }

    /// The bytes of a file under the repository root; stops the benchmark run if it is missing.
    public static func load(_ relative: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(relative)) else {
            fatalError("benchmark fixture \(path(relative)) is missing")
        }
        return [UInt8](data)
    }

    /// The sample sales CSV repeated to at least `bytes` bytes (header once), for throughput-sized inputs.
    public static func salesCSV(atLeast bytes: Int) -> [UInt8] {
        let sample = salesSample
        guard let headerEnd = sample.firstIndex(of: UInt8(ascii: "\n")) else { return sample }
        let body = sample[(headerEnd + 1)...]
        var out = [UInt8](sample)
        if out.last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
        while out.count < bytes {
            out.append(contentsOf: body)
            if out.last != UInt8(ascii: "\n") { out.append(UInt8(ascii: "\n")) }
        }
        return out
    }

    /// `count` pseudo-random 64-bit keys from a fixed seed (splitmix64), for sort and join kernels.
    public static func keys(count: Int, seed: UInt64 = 42, modulo: UInt64 = .max) -> [Int64] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Int64(bitPattern: modulo == .max ? z : z % modulo)
        }
    }
}
