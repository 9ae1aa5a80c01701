import CSV
import Foundation
import Storage

/// Writes rejected CSV rows to the rejects file of the output dataset (`_rejects.csv`; in S3 with the run id): one
/// CSV row per rejected row with the input name, the line number, the reason and the raw line, untruncated.
final class RejectsWriter: @unchecked Sendable {
    /// The file's name in the dataset.
    let name: String
    private let open: () throws -> any ByteSink
    private var sink: (any ByteSink)?
    private var buffer: [UInt8] = []
    private(set) var count = 0
    private let lock = NSLock()

    /// A writer that opens its file through `open` when the first row is rejected.
    init(name: String, open: @escaping () throws -> any ByteSink) {
        self.name = name
        self.open = open
    }

    func write(input: String, row: CSVRejectedRow) throws {
        lock.lock()
        defer { lock.unlock() }
        if sink == nil {
            sink = try open()
            buffer.append(contentsOf: "input,line,reason,raw_line\n".utf8)
        }
        count += 1
        Self.appendField(Array(input.utf8), to: &buffer)
        buffer.append(UInt8(ascii: ","))
        buffer.append(contentsOf: String(row.lineNumber).utf8)
        buffer.append(UInt8(ascii: ","))
        Self.appendField(Array(row.error.reason.utf8), to: &buffer)
        buffer.append(UInt8(ascii: ","))
        Self.appendField(row.rawLine, to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count > 1 << 20 { try flush() }
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { try sink?.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; returns its name in the dataset, or `nil` when nothing was rejected.
    func finish() throws -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let sink else { return nil }
        try flush()
        try sink.close()
        self.sink = nil
        return name
    }

    /// Discards the file (a failed run).
    func abort() {
        lock.lock()
        defer { lock.unlock() }
        sink?.abort()
        sink = nil
    }

    /// Appends `field` quoted, with quotes doubled.
    static func appendField(_ field: [UInt8], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
