// libFuzzer entry point for the Parquet footer and page decoders.
//
// Fuzzing build and run:
//   swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address --product ParquetFuzzer
//   .build-fuzz/debug/ParquetFuzzer CORPUS_DIR -max_total_time=60
// SwiftPM links its own `main` for the executable, so libFuzzer's `main` is not used; when the libFuzzer runtime
// is linked in, this `main` hands control to it through `LLVMFuzzerRunDriver`. In a normal build,
// `ParquetFuzzer FILE...` replays each file through the same entry point (to reproduce a crash).

import FuzzerSupport
@_spi(Fuzzing) import Parquet

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func parquetFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ParquetFuzzing.decode(bytes)
    return 0
}

runLibFuzzerIfLinked(parquetFuzzerTestOneInput)

// Normal build: replay the files given.
for path in CommandLine.arguments.dropFirst() {
    guard var bytes = readFile(path) else {
        print("cannot read \(path)")
        exit(1)
    }
    // A plain Parquet file replays in whole-file mode.
    if bytes.starts(with: Array("PAR1".utf8)) { bytes.insert(0, at: 0) }
    let rows = ParquetFuzzing.decode(bytes)
    print("\(path): \(bytes.count) bytes, \(rows) rows decoded")
}
