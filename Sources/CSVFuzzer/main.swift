// libFuzzer entry point for the CSV reader: random bytes read with random options.
//
// Fuzzing build and run (Tests/fuzz-csv does both):
//   swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address --product CSVFuzzer
//   .build-fuzz/debug/CSVFuzzer CORPUS_DIR -max_total_time=60
// The first three bytes of an input choose the options (see `CSVFuzzing.options`), the rest is the file. In a normal
// build, `CSVFuzzer FILE...` replays each file through the same entry point (to reproduce a crash). As with
// ParquetFuzzer, this `main` hands control to libFuzzer through `LLVMFuzzerRunDriver` when its runtime is linked.

import CSV
import FuzzerSupport
import Storage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file's bytes, read sequentially in pieces of at most `piece` bytes (so short reads at odd sizes are tried).
final class MemorySequentialSource: SequentialByteSource {
    let bytes: [UInt8]
    var offset = 0
    var name: String { "fuzz.csv" }
    var size: Int? { bytes.count }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let n = min(count, bytes.count - offset)
        bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

enum CSVFuzzing {
    static let delimiters: [[UInt8]] = [",", ";", "\t", "|", "||", ", ", "::::"].map { Array($0.utf8) }

    /// Options from three bytes.
    static func options(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> CSVOptions {
        var options = CSVOptions()
        options.delimiterBytes = delimiters[Int(a & 7) % delimiters.count]
        options.quote = a & 8 == 0 ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        options.escape = a & 16 == 0 ? nil : UInt8(ascii: "\\")
        options.lineTerminator = [.auto, .lf, .crlf, .cr][Int(a >> 5) & 3]
        options.hasHeader = a & 128 == 0
        options.skipLines = Int(b & 3)
        options.comment = b & 4 == 0 ? nil : Array("#".utf8)
        options.nullPadding = b & 8 != 0
        options.ignoreExtraFields = b & 16 != 0
        options.strict = b & 32 != 0
        options.detect = b & 64 != 0 ? .all : []
        options.onError = b & 128 != 0 ? .fail : .reject
        options.encoding = [.utf8, .utf8Signature, .utf16, .latin1, .windows1252][Int(c & 7) % 5]
        options.threads = c & 8 == 0 ? 1 : 2
        options.chunkSize = [64, 333, 4096, 1 << 16][Int(c >> 4) & 3]
        options.maxLineBytes = c & 64 == 0 ? 512 : 1 << 16
        options.batchSize = c & 128 == 0 ? 7 : 1024
        return options
    }

    /// Reads `data` (options, then the file) and checks what must hold of any read; returns the rows read.
    @discardableResult
    static func read(_ data: [UInt8]) -> Int {
        guard data.count >= 3 else { return 0 }
        let options = options(data[0], data[1], data[2])
        let file = Array(data[3...])
        let reader: CSVReader
        do {
            reader = try CSVReader(
                source: MemorySequentialSource(file),
                columns: nil,
                options: options,
                reopen: { MemorySequentialSource(file) }
            )
        } catch {
            return 0
        }
        var rejected = 0
        reader.onReject = { _ in rejected += 1 }
        var emitted = 0
        while true {
            let batch: RecordBatchSummary?
            do {
                batch = try reader.next().map { RecordBatchSummary(rows: $0.count, columns: $0.columns.count) }
            } catch {
                break
            }
            guard let batch else { break }
            precondition(batch.columns == reader.columns.count, "a batch's width differs from the schema's")
            emitted += batch.rows
        }
        precondition(emitted == reader.rowsEmitted, "rows emitted \(emitted) != \(reader.rowsEmitted)")
        precondition(rejected == reader.rowsRejected, "rows rejected \(rejected) != \(reader.rowsRejected)")
        precondition(reader.rowsRead == emitted + rejected, "rows read != written + rejected")
        return reader.rowsRead
    }
}

struct RecordBatchSummary {
    var rows: Int
    var columns: Int
}

@_cdecl("LLVMFuzzerTestOneInput")
public func csvFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    CSVFuzzing.read(bytes)
    return 0
}

runLibFuzzerIfLinked(csvFuzzerTestOneInput)

// Normal build: replay the files given.
for path in CommandLine.arguments.dropFirst() {
    guard let bytes = readFile(path) else {
        print("cannot read \(path)")
        exit(1)
    }
    let rows = CSVFuzzing.read(bytes)
    print("\(path): \(bytes.count) bytes, \(rows) rows read")
}
