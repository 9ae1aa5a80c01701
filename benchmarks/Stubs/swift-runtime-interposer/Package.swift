// swift-tools-version:5.10
// An empty stand-in for ordo-one/swift-runtime-interposer, which package-benchmark 1.38 declares on Linux with
// Swift 6.3 but which the offline package mirror does not hold. The product is only linked when package-benchmark's
// "RuntimeInterposer" trait is on; Package.swift of the micro-benchmarks turns that trait off, so nothing here is
// ever compiled into a benchmark. micro.sh points RUNTIME_INTERPOSER_LOCAL_PATH here.
import PackageDescription

let package = Package(
    name: "swift-runtime-interposer",
    products: [.library(name: "SwiftRuntimeInterposerSwift", targets: ["SwiftRuntimeInterposerSwift"])],
    targets: [.target(name: "SwiftRuntimeInterposerSwift")]
)
