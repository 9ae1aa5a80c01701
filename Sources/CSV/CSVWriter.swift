import Columnar
import Foundation
import Storage

/// Writes record batches as RFC 4180 CSV with a header row.
///
/// Values are rendered by ``Columnar/Value/text``: dates as `YYYY-MM-DD`, timestamps as ISO 8601; nulls are empty
/// fields; a field is quoted when it holds the delimiter, a quote, CR or LF (or is an empty string, to tell it
/// from null).
///
/// The bytes go to a ``Storage/ByteSink`` (a local file, an upload) in pieces of about 1 MiB. ``close()`` closes the
/// sink; when a write fails, or the writer is dropped without closing, the sink is aborted (a local file is
/// removed), so no partial file is left.
public final class CSVWriter {
    /// The path being written (the sink's name: a path or an `s3://` URL).
    public let path: String
    private let sink: any ByteSink
    /// Whether the sink was closed or aborted: nothing more goes to it.
    private var sinkIsDone = false
    private let delimiter: UInt8
    private var buffer: [UInt8] = []
    /// Rows written so far.
    public private(set) var rowsWritten = 0

    /// Creates (or truncates) `path` and writes the header of `schema`.
    ///
    /// - Throws: ``CSVError`` when the file cannot be created.
    public convenience init(path: String, schema: Schema, delimiter: UInt8 = UInt8(ascii: ",")) throws {
        let sink: LocalFileSink
        do {
            sink = try LocalFileSink(path: path)
        } catch {
            throw CSVError(file: path, line: 0, column: nil, text: "", kind: .io(Self.reason(error)))
        }
        self.init(sink: sink, schema: schema, delimiter: delimiter)
    }

    /// Writes CSV to `sink`, starting with the header of `schema` (written with the first rows).
    public init(sink: any ByteSink, schema: Schema, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.path = sink.name
        self.sink = sink
        self.delimiter = delimiter
        for (i, field) in schema.fields.enumerated() {
            if i > 0 { buffer.append(delimiter) }
            append(field: Array(field.name.utf8), isString: true)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    deinit {
        // Dropped unclosed: discard the partial output.
        if !sinkIsDone { sink.abort() }
    }

    /// Appends the rows of `batch`.
    ///
    /// - Throws: ``CSVError`` naming the sink when it cannot be written (the sink is aborted then).
    public func write(_ batch: RecordBatch) throws {
        guard !sinkIsDone else {
            throw CSVError(file: path, kind: .io("the writer is closed or an earlier write failed"))
        }
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

    /// Writes what is buffered and closes the sink (closing again does nothing).
    ///
    /// - Throws: ``CSVError`` naming the sink when it cannot be written or closed (the sink is aborted then).
    public func close() throws {
        guard !sinkIsDone else { return }
        try flush()
        sinkIsDone = true
        do {
            try sink.close()
        } catch {
            sink.abort()
            throw CSVError(file: path, kind: .io(Self.reason(error, "cannot close")))
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try buffer.withUnsafeBytes { try sink.write($0) }
        } catch {
            sinkIsDone = true
            sink.abort()
            throw CSVError(file: path, kind: .io(Self.reason(error, "write failed")))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The text of a sink's error: a ``StorageError``'s message (which names the failed operation), else `operation`
    /// and the error.
    private static func reason(_ error: any Error, _ operation: String = "cannot write") -> String {
        (error as? StorageError)?.message ?? "\(operation): \(error)"
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
