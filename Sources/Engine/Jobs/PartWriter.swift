import CSV
import Columnar
import Foundation
import Parquet
import Storage

/// Writes a job's result as numbered part files (`part-00000.parquet`, … — with the run id in S3) into a run's
/// dataset, starting a new part every `rowsPerPart` rows, and records each part for the manifest.
final class PartWriter {
    let commit: any DatasetCommitting
    let schema: Schema
    let format: JobOutput.Format
    let codec: JobOutput.Codec
    let rowsPerPart: Int
    private(set) var rowsWritten = 0
    /// The parts closed so far.
    private(set) var files: [DatasetManifest.File] = []
    private var rowsInPart = 0
    private var partName: String?
    private var sink: CountingSink?
    private var parquet: ParquetWriter?
    private var csv: CSVWriter?

    init(
        commit: any DatasetCommitting,
        schema: Schema,
        format: JobOutput.Format,
        codec: JobOutput.Codec,
        rowsPerPart: Int
    ) throws {
        self.commit = commit
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

    /// Closes the last part and returns every part. An empty result still gets one (empty) part, so readers see the
    /// schema.
    func finish() throws -> [DatasetManifest.File] {
        if files.isEmpty && parquet == nil && csv == nil { try openPart() }
        try closePart()
        return files
    }

    private func openPart() throws {
        let name = commit.partName(index: files.count, extension: format == .parquet ? "parquet" : "csv")
        let sink = CountingSink(try commit.sink(named: name))
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
            parquet = try ParquetWriter(sink: sink, schema: schema, options: options)
        case .csv:
            csv = try CSVWriter(sink: sink, schema: schema)
        }
        self.sink = sink
        partName = name
        rowsInPart = 0
    }

    private func closePart() throws {
        if let parquet { _ = try parquet.close() }
        if let csv { try csv.close() }
        if let partName, let sink {
            files.append(DatasetManifest.File(name: partName, bytes: sink.bytesWritten, rows: rowsInPart))
        }
        parquet = nil
        csv = nil
        sink = nil
        partName = nil
    }
}

/// A sink that counts the bytes passing through it to another (for the manifest's file sizes).
final class CountingSink: ByteSink {
    let base: any ByteSink
    private(set) var bytesWritten = 0
    var name: String { base.name }

    init(_ base: any ByteSink) {
        self.base = base
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try base.write(bytes)
        bytesWritten += bytes.count
    }

    func close() throws { try base.close() }

    func abort() { base.abort() }
}
