import CSV
import Columnar
import Foundation
import Parquet

/// Writes a job's result as numbered part files (`part-00000.parquet`, …) in a dataset directory, starting a new
/// part every `rowsPerPart` rows.
final class PartWriter {
    let directory: String
    let schema: Schema
    let format: JobOutput.Format
    let codec: JobOutput.Codec
    let rowsPerPart: Int
    private(set) var rowsWritten = 0
    private var files: [String] = []
    private var rowsInPart = 0
    private var parquet: ParquetWriter?
    private var csv: CSVWriter?

    init(directory: String, schema: Schema, format: JobOutput.Format, codec: JobOutput.Codec, rowsPerPart: Int) throws {
        self.directory = directory
        self.schema = schema
        self.format = format
        self.codec = codec
        self.rowsPerPart = rowsPerPart
    }

    func write(_ batch: RecordBatch) throws {
        var offset = 0
        while offset < batch.count {
            if parquet == nil && csv == nil { try openPart() }
            let take = min(batch.count - offset, rowsPerPart - rowsInPart)
            let piece = take == batch.count ? batch : batch.slice(offset..<offset + take)
            if let parquet { try parquet.write(piece) }
            if let csv { try csv.write(piece) }
            offset += take
            rowsInPart += take
            rowsWritten += take
            if rowsInPart == rowsPerPart { try closePart() }
        }
    }

    /// Closes the last part and returns the part file names. An empty result still gets one (empty) part, so
    /// readers see the schema.
    func finish() throws -> [String] {
        if files.isEmpty { try openPart() }
        try closePart()
        return files
    }

    private func openPart() throws {
        let name = String(format: "part-%05d.%@", files.count, format == .parquet ? "parquet" : "csv")
        let path = (directory as NSString).appendingPathComponent(name)
        switch format {
        case .parquet:
            var options = ParquetWriteOptions()
            options.compression =
                switch codec {
                case .snappy: .snappy
                case .gzip: .gzip
                case .zstd: .zstd
                case .none: .uncompressed
                }
            parquet = try ParquetWriter(path: path, schema: schema, options: options)
        case .csv:
            csv = try CSVWriter(path: path, schema: schema)
        }
        files.append(name)
        rowsInPart = 0
    }

    private func closePart() throws {
        if let parquet { _ = try parquet.close() }
        if let csv { try csv.close() }
        parquet = nil
        csv = nil
    }
}
