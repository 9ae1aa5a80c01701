import Columnar
import Dispatch
import Storage

/// Writes record batches to a Parquet file, streaming: memory is bounded by one row group.
///
/// The bytes go to a ``Storage/ByteSink`` (a local file, a multipart upload): row groups are handed to it on a
/// background thread while the next one is encoded.
///
/// ```swift
/// let writer = try ParquetWriter(path: "out.parquet", schema: schema, options: ParquetWriteOptions())
/// for batch in batches { try writer.write(batch) }
/// let footer = try writer.close()
/// ```
///
/// Columns are flat; a nullable field becomes an OPTIONAL column. Types map as follows (physical type,
/// LogicalType, ConvertedType): integers to INT32/INT64 with INTEGER(bits, signed) and INT_n/UINT_n; `date` to
/// INT32 DATE; `timestamp` to INT64 TIMESTAMP(unit, isAdjustedToUTC), plus TIMESTAMP_MILLIS/MICROS when
/// UTC-adjusted; `decimal` to INT32, INT64 or FIXED_LEN_BYTE_ARRAY (by its storage) with DECIMAL; `string` to
/// BYTE_ARRAY STRING/UTF8; `binary` to BYTE_ARRAY; `fixedBinary(n)` to FIXED_LEN_BYTE_ARRAY(n); `float`,
/// `double` and `boolean` to their physical types.
///
/// The file is valid only once ``close()`` returns. When a write or ``close()`` fails, or the writer is dropped
/// without closing, the sink is aborted (``Storage/ByteSink/abort()``): a local file is removed, an upload is
/// abandoned, so no partial file is left.
public final class ParquetWriter {
    /// The Sluice version recorded in `created_by`.
    public static let version = "0.1.0"
    /// The `created_by` string of the files Sluice writes.
    public static let createdBy = "sluice version \(version)"

    /// The file being written (the sink's name: a path or an `s3://` URL).
    public let path: String
    /// The schema every batch must have.
    public let schema: Schema
    /// The layout and encoding options.
    public let options: ParquetWriteOptions

    private let sink: any ByteSink
    /// Writes row groups in the background; `offset` is where the next byte will land once it is done.
    private let writeBehind: WriteBehind
    private var offset: Int64 = 0
    /// Whether the sink was closed or aborted: nothing more goes to it.
    private var sinkIsDone = false
    private var columns: [ColumnChunkWriter]
    private var rowGroups: [RowGroup] = []
    private var pageIndexes: [[(column: ColumnIndex?, offset: OffsetIndex?)]] = []
    private var rowsInGroup = 0
    private var totalRows: Int64 = 0
    private var isClosed = false
    /// Set when a write failed part-way: the columns may disagree, so the file cannot be finished.
    private var failure: String?

    /// Creates (or truncates) the file at `path` and writes its leading magic.
    ///
    /// - Throws: ``ParquetError`` when the schema has a type that cannot be written, the options are out of
    ///   range, or the file cannot be created.
    public convenience init(path: String, schema: Schema, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        let columns: [ColumnChunkWriter]
        let sink: LocalFileSink
        do {
            columns = try Self.columnWriters(schema: schema, options: options)
            sink = try LocalFileSink(path: path)
        } catch {
            throw ParquetError.from(error, name: path, "cannot create the file").inFile(path)
        }
        try self.init(sink: sink, schema: schema, options: options, columns: columns)
    }

    /// Writes a Parquet file to `sink` (a local file, an upload to an object store), starting with its leading
    /// magic. ``close()`` closes the sink; a failure, or dropping the writer unclosed, aborts it.
    ///
    /// - Throws: ``ParquetError`` naming the sink when the schema has a type that cannot be written, the options
    ///   are out of range, or the sink cannot be written; the sink is aborted then.
    public convenience init(
        sink: any ByteSink,
        schema: Schema,
        options: ParquetWriteOptions = ParquetWriteOptions()
    ) throws {
        let columns: [ColumnChunkWriter]
        do {
            columns = try Self.columnWriters(schema: schema, options: options)
        } catch {
            sink.abort()
            throw ParquetError.from(error, name: sink.name, "cannot write").inFile(sink.name)
        }
        try self.init(sink: sink, schema: schema, options: options, columns: columns)
    }

    private init(sink: any ByteSink, schema: Schema, options: ParquetWriteOptions, columns: [ColumnChunkWriter]) throws
    {
        self.path = sink.name
        self.schema = schema
        self.options = options
        self.columns = columns
        self.sink = sink
        writeBehind = WriteBehind(sink: sink, offset: Self.magic.count)
        do {
            try WriteBehind.write(Self.magic, to: sink, at: 0)
            offset = Int64(Self.magic.count)
        } catch {
            sinkIsDone = true
            sink.abort()
            throw error
        }
    }

    deinit {
        // Dropped unclosed, or closed after a failure that left the sink open: discard the partial output.
        if !sinkIsDone {
            try? writeBehind.drain()
            sink.abort()
        }
    }

    static let magic: [UInt8] = Array("PAR1".utf8)

    /// Checks the options and the schema; returns a writer for each column.
    private static func columnWriters(schema: Schema, options: ParquetWriteOptions) throws -> [ColumnChunkWriter] {
        for (name, value) in [
            ("dataPageSize", options.dataPageSize), ("dataPageMaxRows", options.dataPageMaxRows),
            ("rowGroupMaxBytes", options.rowGroupMaxBytes), ("rowGroupMaxRows", options.rowGroupMaxRows),
            ("dictionaryPageSizeLimit", options.dictionaryPageSizeLimit),
        ] where value < 1 {
            throw ParquetError(.invalidArgument, "option \(name) must be at least 1, got \(value)")
        }
        guard !schema.fields.isEmpty else {
            throw ParquetError(.invalidArgument, "a Parquet file needs at least one column")
        }
        var names = Set<String>()
        for field in schema.fields where !names.insert(field.name).inserted {
            throw ParquetError(.invalidArgument, "two columns are named \(field.name)", column: field.name)
        }
        return try schema.fields.map { field throws(ParquetError) in
            ColumnChunkWriter(descriptor: try ColumnDescriptor(field: field), options: options)
        }
    }

    /// Stops writing after a failure: waits for the write in flight, then aborts the sink.
    private func abortSink() {
        guard !sinkIsDone else { return }
        sinkIsDone = true
        try? writeBehind.drain()
        sink.abort()
    }

    /// Appends the rows of `batch`, cutting pages and row groups as they fill.
    ///
    /// - Throws: ``ParquetError`` when the batch's schema differs from the writer's, a non-nullable column
    ///   holds a null, a fixed-width value has the wrong width, or the file cannot be written.
    public func write(_ batch: RecordBatch) throws {
        do {
            guard !isClosed else { throw ParquetError(.invalidArgument, "the writer is closed") }
            try checkSchema(batch.schema)
            if let failure { throw ParquetError(.invalidArgument, "an earlier write failed (\(failure))") }
            do {
                try appendRows(of: batch)
            } catch {
                failure = "\(error)"
                abortSink()
                throw error
            }
        } catch {
            throw error.inFile(path)
        }
    }

    private func appendRows(of batch: RecordBatch) throws {
        var start = 0
        while start < batch.count {
            let room = options.rowGroupMaxRows - rowsInGroup
            let end = start + min(batch.count - start, room, nextStepRows())
            try appendColumns(batch, rows: start..<end)
            rowsInGroup += end - start
            start = end
            if rowsInGroup >= options.rowGroupMaxRows || estimatedRowGroupSize >= options.rowGroupMaxBytes {
                try flushRowGroup()
            }
        }
    }

    /// Finishes the file: the last row group, the page index, the footer. Returns the footer.
    @discardableResult
    public func close() throws -> FileMetaData {
        do {
            guard !isClosed else { throw ParquetError(.invalidArgument, "the writer is already closed") }
            isClosed = true
            if let failure {
                abortSink()
                throw ParquetError(.invalidArgument, "an earlier write failed (\(failure)); the file is incomplete")
            }
            return try finish()
        } catch {
            abortSink()
            throw error.inFile(path)
        }
    }

    /// Writes the last row group, the page index and the footer, and closes the sink.
    private func finish() throws -> FileMetaData {
        if rowsInGroup > 0 { try flushRowGroup() }
        try writeBehind.drain()
        try writePageIndex()
        let metadata = FileMetaData(
            version: 1,
            schema: schemaElements(),
            numRows: totalRows,
            rowGroups: rowGroups,
            keyValueMetadata: options.keyValueMetadata.isEmpty
                ? nil
                : options.keyValueMetadata.sorted { $0.key < $1.key }.map {
                    KeyValue(key: $0.key, value: $0.value)
                },
            createdBy: Self.createdBy,
            columnOrders: columns.map { _ in .typeDefinedOrder }
        )
        var footer = metadata.thriftEncoded()
        let length = UInt32(footer.count)
        withUnsafeBytes(of: length.littleEndian) { footer.append(contentsOf: $0) }
        footer.append(contentsOf: Self.magic)
        try writeDirect(footer)
        sinkIsDone = true
        do {
            try sink.close()
        } catch {
            sink.abort()
            throw ParquetError.from(error, name: path, "cannot close")
        }
        return metadata
    }

    /// Writes `bytes` at `offset` on the caller's thread (once the write-behind is drained).
    private func writeDirect(_ bytes: [UInt8]) throws {
        try WriteBehind.write(bytes, to: sink, at: Int(offset))
        offset += Int64(bytes.count)
    }

    // MARK: Internals

    /// Runs `body` on every column writer, on both cores when there is enough work; rethrows the first error.
    private func forEachColumn(work: Int, _ body: (Int, inout ColumnChunkWriter) throws -> Void) throws {
        try columns.withUnsafeMutableBufferPointer { writers in
            if writers.count < 2 || work < 32_768 {
                for i in writers.indices { try body(i, &writers[i]) }
                return
            }
            var errors = [(any Error)?](repeating: nil, count: writers.count)
            try withoutActuallyEscaping(body) { body in
                try errors.withUnsafeMutableBufferPointer { slots in
                    nonisolated(unsafe) let body = body
                    nonisolated(unsafe) let slots = slots
                    nonisolated(unsafe) let writers = writers
                    // Each iteration touches only its own column writer and error slot.
                    DispatchQueue.concurrentPerform(iterations: writers.count) { i in
                        do { try body(i, &writers[i]) } catch { slots[i] = error }
                    }
                    if let error = slots.lazy.compactMap({ $0 }).first { throw error }
                }
            }
        }
    }

    private func appendColumns(_ batch: RecordBatch, rows: Range<Int>) throws {
        try forEachColumn(work: rows.count * columns.count) { i, writer in
            try writer.append(batch.columns[i], rows: rows)
        }
    }

    /// How many rows to append before checking the row group's size again: enough to amortize the check, few
    /// enough not to overshoot `rowGroupMaxBytes` by much at the rate bytes have been accumulating.
    private func nextStepRows() -> Int {
        guard rowsInGroup > 0 else { return 1_024 }
        let bytesPerRow = max(1, estimatedRowGroupSize / rowsInGroup)
        let bytesLeft = max(0, options.rowGroupMaxBytes - estimatedRowGroupSize)
        return min(65_536, max(64, bytesLeft / bytesPerRow))
    }

    private var estimatedRowGroupSize: Int {
        columns.reduce(0) { $0 + $1.estimatedChunkSize }
    }

    private func checkSchema(_ other: Schema) throws(ParquetError) {
        guard other.fields.count == schema.fields.count else {
            throw ParquetError(
                .invalidArgument,
                "batch has \(other.fields.count) columns, the file has \(schema.fields.count)"
            )
        }
        for (mine, theirs) in zip(schema.fields, other.fields)
        where mine.name != theirs.name || mine.type != theirs.type {
            throw ParquetError(
                .invalidArgument,
                "batch column \(theirs.name): \(theirs.type) does not match the file's \(mine.name): \(mine.type)",
                column: mine.name
            )
        }
    }

    private func schemaElements() -> [SchemaElement] {
        var elements = [SchemaElement(name: "schema", numChildren: Int32(columns.count))]
        elements.append(contentsOf: columns.map(\.descriptor.element))
        return elements
    }

    private func flushRowGroup() throws {
        let start = offset
        var chunks: [ColumnChunk] = []
        var indexes: [(column: ColumnIndex?, offset: OffsetIndex?)] = []
        var uncompressed: Int64 = 0
        try forEachColumn(work: rowsInGroup * columns.count) { _, writer in
            do {
                try writer.seal()
            } catch {
                throw (error as? ParquetError)?.inColumn(writer.descriptor.name) ?? error
            }
        }
        // Buffers of the previous row group, written by now, collect the next one's pages.
        // (Submitted as dictionary page, data pages, per column: each column gets its own buffer back.)
        var spares = try writeBehind.reclaim()
        var buffers: [[UInt8]] = []
        for i in columns.indices {
            let encoded: EncodedColumnChunk
            do {
                var spare: [UInt8] = []
                if 2 * i + 1 < spares.count { swap(&spare, &spares[2 * i + 1]) }
                encoded = try columns[i].finishChunk(at: offset, spare: spare)
            } catch {
                throw (error as? ParquetError)?.inColumn(columns[i].descriptor.name) ?? error
            }
            offset += Int64(encoded.dictionaryPage.count + encoded.dataPages.count)
            buffers.append(encoded.dictionaryPage)
            buffers.append(encoded.dataPages)
            chunks.append(encoded.chunk)
            indexes.append((encoded.columnIndex, encoded.offsetIndex))
            uncompressed += encoded.chunk.metaData!.totalUncompressedSize
        }
        writeBehind.submit(consume buffers)
        rowGroups.append(
            RowGroup(
                columns: chunks,
                totalByteSize: uncompressed,
                numRows: Int64(rowsInGroup),
                fileOffset: start,
                totalCompressedSize: offset - start,
                ordinal: Int16(truncatingIfNeeded: rowGroups.count)
            )
        )
        pageIndexes.append(indexes)
        totalRows += Int64(rowsInGroup)
        rowsInGroup = 0
    }

    /// Writes every ColumnIndex, then every OffsetIndex, and records where they are in the chunks.
    private func writePageIndex() throws {
        for (group, indexes) in pageIndexes.enumerated() {
            for (column, index) in indexes.enumerated() {
                guard let columnIndex = index.column else { continue }
                let bytes = columnIndex.thriftEncoded()
                rowGroups[group].columns[column].columnIndexOffset = offset
                rowGroups[group].columns[column].columnIndexLength = Int32(bytes.count)
                try writeDirect(bytes)
            }
        }
        for (group, indexes) in pageIndexes.enumerated() {
            for (column, index) in indexes.enumerated() {
                guard let offsetIndex = index.offset else { continue }
                let bytes = offsetIndex.thriftEncoded()
                rowGroups[group].columns[column].offsetIndexOffset = offset
                rowGroups[group].columns[column].offsetIndexLength = Int32(bytes.count)
                try writeDirect(bytes)
            }
        }
    }
}

extension Error {
    /// This error with the file path filled in, when it is a ``ParquetError``.
    fileprivate func inFile(_ path: String) -> any Error {
        (self as? ParquetError)?.inFile(path) ?? self
    }
}
