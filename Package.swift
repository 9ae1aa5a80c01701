// swift-tools-version:6.1
import Foundation
import PackageDescription

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let nioHTTP: [Target.Dependency] = ["NIOCore", "NIOPosix", "NIOHTTP1"].map { .product(name: $0, package: "swift-nio") }
// GRDB links the system's libsqlite3 (its own `GRDBSQLite` system library; Debian's libsqlite3-dev).
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")

var targets: [Target] = [
    // C shims over system libraries.
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

    // The in-memory columnar model every other module speaks.
    .target(name: "Columnar"),
    // Block compression: native Snappy, gzip through zlib, zstd through libzstd.
    .target(name: "Codecs", dependencies: ["CZlib", "CZstd"]),
    // Byte sources and sinks (random access, sequential, streaming output) and their local-file implementations.
    .target(name: "Storage"),
    // Parquet file format: Thrift metadata, encodings, writer and reader.
    .target(name: "Parquet", dependencies: ["Columnar", "Codecs", "Storage"]),
    // Streaming CSV reader into typed columnar batches.
    .target(name: "CSV", dependencies: ["Columnar", "Storage"]),
    // Shared AWS plumbing: SigV4, the credential chain, endpoints, retries, HTTP helpers.
    .target(name: "AWS", dependencies: [crypto, httpClient, logging, metrics]),
    // Amazon S3: the client (XML protocol over `AWS`) and the byte sources and sink over it.
    .target(name: "S3", dependencies: ["AWS", "Storage", crypto, httpClient, logging]),
    // Operators, job files, the job runner, and datasets on local disks and in S3.
    .target(name: "Engine", dependencies: ["Columnar", "CSV", "Parquet", "Storage", "S3", "AWS", logging, metrics]),
    // SQL: the lexer, the parser and its typed syntax tree (Athena/Trino's dialect where it and DuckDB agree), the
    // catalog, the binder and planner, and the executor over Engine's operators.
    .target(name: "SQL", dependencies: ["Columnar", "Engine", "Parquet", "Storage", logging]),
    // AWS Step Functions client: the JSON protocol over `AWS`.
    .target(name: "StepFunctions", dependencies: ["AWS", httpClient, logging]),
    // Amazon SQS client (JSON protocol) over `AWS`: receive, delete, queue lookup.
    .target(name: "SQS", dependencies: ["AWS", httpClient, logging]),
    // The activity worker, its SQLite job state (through GRDB), and the data-arrival side. It knows jobs only
    // through `JobExecuting`; the CLI's `EngineJobExecutor` runs them with `Engine`.
    .target(
        name: "Runner",
        dependencies: ["StepFunctions", "SQS", "S3", "AWS", grdb, logging, metrics, serviceLifecycle]
    ),
    // The command line.
    .executableTarget(
        name: "sluice",
        dependencies: [
            "Columnar", "CSV", "Parquet", "Engine", "SQL", "Runner", "AWS", "S3", "StepFunctions", "SQS",
            argumentParser, logging, metrics, prometheus, serviceLifecycle,
        ] + nioHTTP
    ),
    // The libFuzzer driver lookup both fuzz targets share.
    .target(name: "FuzzerSupport"),
    // libFuzzer entry point for the Parquet footer and page decoders (see README).
    .executableTarget(name: "ParquetFuzzer", dependencies: ["Parquet", "FuzzerSupport"]),
    // libFuzzer entry point for the CSV reader with random options (Tests/fuzz-csv).
    .executableTarget(name: "CSVFuzzer", dependencies: ["CSV", "Storage", "FuzzerSupport"]),
    // libFuzzer entry point for job files and activity task inputs (Tests/fuzz-jobs).
    .executableTarget(name: "JobInputFuzzer", dependencies: ["Engine", "Runner", "FuzzerSupport"]),
    // Reads one CSV file with given or sniffed options and prints it as JSON, for benchmarks/csv-messy.
    .executableTarget(name: "CSVProbe", dependencies: ["CSV", "Columnar"]),

    // Tests.
    .target(name: "TestSupport", dependencies: ["Columnar", "Storage"], path: "Tests/TestSupport"),
    .testTarget(name: "ColumnarTests", dependencies: ["Columnar", "TestSupport"]),
    .testTarget(name: "CodecsTests", dependencies: ["Codecs", "TestSupport"]),
    .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
    .testTarget(
        name: "ParquetTests",
        dependencies: ["Parquet", "Columnar", "Codecs", "Storage", "TestSupport"],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "CSVTests",
        dependencies: ["CSV", "Columnar", "Storage", "TestSupport"],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "EngineTests",
        dependencies: ["Engine", "Columnar", "CSV", "AWS", "TestSupport", logging],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "SQLTests",
        dependencies: ["SQL", "Engine", "Columnar", "TestSupport", logging],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(name: "AWSTests", dependencies: ["AWS", "TestSupport", httpClient, logging]),
    .testTarget(
        name: "S3Tests",
        dependencies: ["S3", "AWS", "Storage", "TestSupport", logging],
        resources: [.copy("Fixtures")]
    ),
    .testTarget(name: "StepFunctionsTests", dependencies: ["StepFunctions", "AWS", "TestSupport"]),
    .testTarget(
        name: "RunnerTests",
        dependencies: ["Runner", "AWS", "StepFunctions", "SQS", "TestSupport", grdb],
        resources: [.copy("Fixtures")]
    ),
    // Runs the built `sluice` binary; depending on it makes every build of the tests build the binary too.
    .testTarget(
        name: "SluiceCLITests",
        dependencies: ["sluice", "Runner", "TestSupport", logging],
        resources: [.copy("Fixtures")]
    ),
]

// Development aid: `SLUICE_ONLY=Parquet,CSV swift test` builds only those modules, what they depend on, and their
// tests, so work on one module is not held up by the build of the others. Unset, the whole package builds.
if let only = ProcessInfo.processInfo.environment["SLUICE_ONLY"], !only.isEmpty {
    let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.name, $0) })
    var keep = Set<String>()
    func visit(_ name: String) {
        guard let target = byName[name], keep.insert(name).inserted else { return }
        for case .byNameItem(let dependency, _) in target.dependencies { visit(dependency) }
        for case .targetItem(let dependency, _) in target.dependencies { visit(dependency) }
    }
    for name in only.split(separator: ",").map(String.init) {
        visit(name)
        visit(name + "Tests")
    }
    targets = targets.filter { keep.contains($0.name) }
}

let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "Columnar", targets: ["Columnar"]),
        .library(name: "Codecs", targets: ["Codecs"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "CSV", targets: ["CSV"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "Engine", targets: ["Engine"]),
    ].filter { product in targets.contains { $0.name == product.name } },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
