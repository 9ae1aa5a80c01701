// swift-tools-version:6.1
// Micro-benchmarks of Sluice's kernels with package-benchmark (ordo-one/benchmark). Run them with micro.sh.
// Every benchmark target lives in Benchmarks/<Name>/ (the plugin requires that folder name).
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which depends on where the repository was cloned.
let sluice = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
    .lowercased()

let benchmark = Target.Dependency.product(name: "Benchmark", package: "benchmark")
let plugin = Target.PluginUsage.plugin(name: "BenchmarkPlugin", package: "benchmark")

// The root package's library products these benchmarks need: Columnar, Codecs, CSV, Parquet, Engine.
func product(_ name: String) -> Target.Dependency { .product(name: name, package: sluice) }

@MainActor func suite(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [benchmark, "BenchmarkSupport"] + dependencies,
        path: "Benchmarks/\(name)",
        plugins: [plugin]
    )
}

let package = Package(
    name: "sluice-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Only the malloc interposer trait: the runtime interposer is not in the offline mirror (see Stubs/).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "BenchmarkSupport", dependencies: [product("Columnar")], path: "Support/BenchmarkSupport"),
        suite("CodecsBenchmarks", [product("Codecs")]),
        suite("CSVBenchmarks", [product("CSV"), product("Columnar")]),
        suite("ParquetBenchmarks", [product("Parquet"), product("Columnar")]),
        suite("SortBenchmarks", [product("Engine"), product("Columnar")]),
        suite("JoinBenchmarks", [product("Engine"), product("Columnar")]),
    ],
    swiftLanguageModes: [.v6]
)
