import CSV
import Foundation

/// Writes rejected CSV rows to `_rejects.csv` in the output dataset: one CSV row per rejected row with the input
/// name, the line number, the reason and the raw line, untruncated.
final class RejectsWriter: @unchecked Sendable {
    private let path: String
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private(set) var count = 0
    private let lock = NSLock()

    init(path: String) {
        self.path = path
    }

    func write(input: String, row: CSVRejectedRow) throws {
        lock.lock()
        defer { lock.unlock() }
        if handle == nil {
            FileManager.default.createFile(atPath: path, contents: nil)
            guard let opened = FileHandle(forWritingAtPath: path) else {
                throw JobError("\(path): cannot create the rejects file")
            }
            handle = opened
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
        try handle?.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; returns its name in the dataset, or `nil` when nothing was rejected.
    func finish() throws -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else { return nil }
        try flush()
        try handle.close()
        self.handle = nil
        return (path as NSString).lastPathComponent
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
