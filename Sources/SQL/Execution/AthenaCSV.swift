import Columnar
import Storage

/// A result written as Athena writes a query's result object: a header line of the column names, then one line per
/// row; every value (and every name) in double quotes with `"` doubled, nothing at all for a null, lines ended by
/// `\n`. Timestamps are written as Athena prints them (`2015-01-01 00:00:00`, a space before the time).
///
/// Bytes are appended to one buffer handed to the sink about every 1 MiB; no value is held as a `String` longer
/// than it takes to copy its UTF-8.
public enum AthenaCSV {
    /// Writes `result`'s rows to `sink` (without closing it) and returns how many there were.
    ///
    /// - Throws: the stream's errors while the rows are pulled, or the sink's.
    public static func write(_ result: SQLResult, to sink: any ByteSink) throws -> Int {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func flush() throws {
            try buffer.withUnsafeBytes { try sink.write($0) }
            buffer.removeAll(keepingCapacity: true)
        }
        for (index, name) in result.names.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            quote(name, into: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
        var rows = 0
        var batches = result.batches
        while let batch = try batches.next() {
            for row in 0..<batch.count {
                for (index, value) in batch.row(row).enumerated() {
                    if index > 0 { buffer.append(UInt8(ascii: ",")) }
                    switch value {
                    case .null:
                        break
                    case .timestamp:
                        quote((value.text ?? "").replacingOccurrences(of: "T", with: " "), into: &buffer)
                    default:
                        quote(value.text ?? "", into: &buffer)
                    }
                }
                buffer.append(UInt8(ascii: "\n"))
                rows += 1
                if buffer.count >= 1 << 20 { try flush() }
            }
        }
        try flush()
        return rows
    }

    /// Appends `text` in double quotes, each `"` doubled.
    static func quote(_ text: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            buffer.append(byte)
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
