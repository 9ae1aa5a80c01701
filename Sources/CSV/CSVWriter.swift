import Columnar
import Foundation

/// Writes record batches as RFC 4180 CSV with a header row.
///
/// Values are rendered by ``Columnar/Value/text``: dates as `YYYY-MM-DD`, timestamps as ISO 8601; nulls are empty
/// fields; a field is quoted when it holds the delimiter, a quote, CR or LF (or is an empty string, to tell it
/// from null).
public final class CSVWriter {
    /// The path being written.
    public let path: String
    private let handle: FileHandle
    private let delimiter: UInt8
    private var buffer: [UInt8] = []
    /// Rows written so far.
    public private(set) var rowsWritten = 0

    /// Creates (or truncates) `path` and writes the header of `schema`.
    public init(path: String, schema: Schema, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        self.path = path
        self.delimiter = delimiter
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw CSVError(file: path, line: 0, column: nil, text: "", kind: .io("cannot create the file"))
        }
        self.handle = handle
        for (i, field) in schema.fields.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            append(field: Array(field.name.utf8), isString: true)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Appends the rows of `batch`.
    public func write(_ batch: RecordBatch) throws {
        for row in 0..<batch.count {
            for (i, column) in batch.columns.enumerated() {
                if i > 0 { buffer.append(delimiter) }
                let value = column.value(at: row)
                switch value {
                case .null: break
                case .bytes(let bytes): append(field: Array(bytes.base64EncodedIfBinary().utf8), isString: true)
                case .string(let text): append(field: Array(text.utf8), isString: true)
                default: buffer.append(contentsOf: (value.text ?? "").utf8)
                }
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 { try flush() }
        }
        rowsWritten += batch.count
    }

    /// Flushes and closes the file.
    public func close() throws {
        try flush()
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func append(field: [UInt8], isString: Bool) {
        let needsQuotes =
            (isString && field.isEmpty)
            || field.contains { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            buffer.append(contentsOf: field)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

extension Array where Element == UInt8 {
    /// UTF-8 text when valid, else base64.
    fileprivate func base64EncodedIfBinary() -> String {
        String(validating: self, as: UTF8.self) ?? Data(self).base64EncodedString()
    }
}
