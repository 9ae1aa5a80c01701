import Columnar
import Dispatch
import Storage

/// Reads flat Parquet files into ``RecordBatch``es, one row group at a time.
///
/// The reader opens the file, reads and checks the footer (one read of the file's last 64 KiB when the footer fits
/// in them), and then reads only the byte ranges of the column chunks it is asked for, announcing them to the
/// source first (``Storage/ByteSource/willRead(_:)``) so that a remote source can fetch them together. Memory is
/// bounded by one row group of the requested columns, not by the file.
///
/// ```swift
/// let reader = try ParquetReader(path: "sales.parquet")
/// for batch in reader.batches(columns: ["region", "amount"], where: ParquetPredicate("amount", .greater, .int(100))) {
///     let batch = try batch.get()
///     …
/// }
/// ```
///
/// Malformed files are reported as ``ParquetError``s that name the file, the column and the byte offset.
/// Reads are positional, so one reader may serve several threads.
public final class ParquetReader: Sendable {
    /// Limits that protect the reader from files that claim absurd sizes.
    public struct Options: Sendable {
        /// The most rows a row group may have (its columns are decoded whole). Default: 2^28.
        public var maximumRowGroupRows: Int
        /// The most bytes a page may decompress or decode to (DELTA_BYTE_ARRAY prefixes and dictionaries of long
        /// values expand). Default: 1 GiB.
        public var maximumPageSize: Int
        /// Whether to decode the columns of a row group in parallel. Default: true.
        public var decodesColumnsInParallel: Bool
        /// Whether ``ParquetReader/batches(columns:where:)`` reads the next row group on another thread while the
        /// caller works on the current one (two row groups in memory instead of one). Default: true.
        public var prefetchesRowGroups: Bool

        /// Creates options.
        public init(
            maximumRowGroupRows: Int = 1 << 28,
            maximumPageSize: Int = 1 << 30,
            decodesColumnsInParallel: Bool = true,
            prefetchesRowGroups: Bool = true
        ) {
            self.maximumRowGroupRows = maximumRowGroupRows
            self.maximumPageSize = maximumPageSize
            self.decodesColumnsInParallel = decodesColumnsInParallel
            self.prefetchesRowGroups = prefetchesRowGroups
        }
    }

    /// The file's path (the source's name: a path, an `s3://` URL, or the name given to in-memory bytes).
    public let path: String
    /// The decoded footer.
    public let metadata: FileMetaData
    /// The schema as Columnar fields, one per column.
    public let schema: Schema
    /// The limits in force.
    public let options: Options

    let source: any ByteSource
    let leaves: [LeafColumn]
    /// The file offset where the footer starts; column data must end before it.
    let footerOffset: Int
    /// Whether the leading magic was checked when the footer was read (the file's tail read covered it). Otherwise
    /// it is checked with the column chunk that follows it, read together with it (no read of its own).
    let leadingMagicChecked: Bool

    /// The number of rows in the file.
    public var rowCount: Int { Int(clamping: metadata.numRows) }
    /// The number of row groups.
    public var rowGroupCount: Int { metadata.rowGroups.count }

    /// Opens the Parquet file at `path` and reads its footer.
    ///
    /// - Throws: ``ParquetError`` when the file cannot be read, is not Parquet, is truncated, has a footer that
    ///   does not decode, or has a nested schema.
    public convenience init(path: String, options: Options = Options()) throws {
        let source: LocalFileSource
        do {
            source = try LocalFileSource(path: path)
        } catch let error as StorageError {
            throw ParquetError(error)
        }
        try self.init(source: source, options: options)
    }

    /// Reads a Parquet file held in memory; `name` is used in errors.
    public convenience init(bytes: [UInt8], name: String = "<memory>", options: Options = Options()) throws {
        try self.init(source: MemoryByteSource(bytes, name: name), options: options)
    }

    /// Reads the Parquet file that `source` holds (a local file, an object in a store, bytes in memory) and decodes
    /// its footer; errors name the file by the source's ``Storage/ByteSource/name``.
    ///
    /// - Throws: ``ParquetError`` when the source cannot be read, is not Parquet, is truncated, has a footer that
    ///   does not decode, or has a nested schema.
    public init(source: any ByteSource, options: Options = Options()) throws {
        self.source = source
        let path = source.name
        self.path = path
        self.options = options
        do {
            (metadata, footerOffset) = try Self.readFooter(source)
            leadingMagicChecked = source.size <= Self.speculativeTailSize
            leaves = try LeafColumn.leaves(of: metadata.schema)
            try Self.validate(metadata, leafCount: leaves.count, options: options)
        } catch {
            throw ParquetError.from(error, name: path, "cannot read the footer").inFile(path)
        }
        schema = Schema(leaves.map(\.field))
    }

    /// The magic bytes at both ends of a Parquet file.
    static let magic: [UInt8] = Array("PAR1".utf8)

    /// How many bytes of the file's end the reader reads at once when it opens the file: most footers fit.
    static let speculativeTailSize = 64 << 10

    /// Reads and decodes the footer; returns it and its file offset.
    ///
    /// One read of the last ``speculativeTailSize`` bytes (the whole file when it is smaller) yields the footer
    /// length, the footer and the trailing magic; a second read only when the footer is larger. The leading magic is
    /// checked only when that read covers it (a small file): column chunks are checked when they are decoded.
    static func readFooter(_ source: any ByteSource) throws -> (FileMetaData, Int) {
        let size = source.size
        guard size >= 12 else {
            throw ParquetError(
                .truncated,
                "the file has \(size) bytes; a Parquet file has at least 12 (magic, footer length, magic)",
                offset: size
            )
        }
        let tailStart = size - min(size, speculativeTailSize)
        let tail = try source.read(at: tailStart, count: size - tailStart)
        guard tail.count == size - tailStart else {
            throw ParquetError(
                .io,
                "the source returned \(tail.count) bytes, \(size - tailStart) were asked for",
                offset: tailStart
            )
        }
        if tailStart == 0 {
            guard Array(tail[0..<4]) == magic else {
                throw ParquetError(.badMagic, "the file does not start with PAR1; it is not a Parquet file", offset: 0)
            }
        }
        let end = tail.count
        guard Array(tail[end - 4..<end]) == magic else {
            if Array(tail[end - 4..<end]) == Array("PARE".utf8) {
                throw ParquetError(.unsupported, "the file has an encrypted footer (PARE)", offset: size - 4)
            }
            throw ParquetError(
                .truncated,
                "the file does not end with PAR1: it is truncated or damaged",
                offset: size - 4
            )
        }
        let length = Int(
            UInt32(tail[end - 8]) | UInt32(tail[end - 7]) << 8 | UInt32(tail[end - 6]) << 16
                | UInt32(tail[end - 5]) << 24
        )
        guard length <= size - 12 else {
            throw ParquetError(
                .truncated,
                "the footer length \(length) points past the start of the file (only \(size - 12) bytes precede it)",
                offset: size - 8
            )
        }
        guard length > 0 else { throw ParquetError(.invalidMetadata, "the footer is empty", offset: size - 8) }
        let footerOffset = size - 8 - length
        let footer: [UInt8]
        if footerOffset >= tailStart {
            footer = Array(tail[(footerOffset - tailStart)..<(end - 8)])
        } else {
            footer = try source.read(at: footerOffset, count: length)
        }
        do {
            let (metadata, _) = try FileMetaData.decode(footer, baseOffset: footerOffset)
            return (metadata, footerOffset)
        } catch let thrift as ThriftError {
            throw ParquetError(.invalidMetadata, "the footer does not decode: \(thrift.message)", offset: thrift.offset)
        }
    }

    /// Checks the row groups against the schema and the limits.
    static func validate(_ metadata: FileMetaData, leafCount: Int, options: Options) throws {
        guard metadata.numRows >= 0 else {
            throw ParquetError(.invalidMetadata, "the footer has a negative row count \(metadata.numRows)")
        }
        for (i, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == leafCount else {
                throw ParquetError(
                    .invalidMetadata,
                    "row group \(i) has \(group.columns.count) column chunks, the schema has \(leafCount) columns"
                )
            }
            guard group.numRows >= 0, group.numRows <= Int64(options.maximumRowGroupRows) else {
                throw ParquetError(
                    group.numRows < 0 ? .invalidMetadata : .unsupported,
                    "row group \(i) has \(group.numRows) rows (the reader accepts 0...\(options.maximumRowGroupRows))"
                )
            }
        }
    }

    // MARK: Reading

    /// The leaves for `columns` (all when nil), in the order asked for.
    func leaves(for columns: [String]?) throws -> [LeafColumn] {
        guard let columns else { return leaves }
        return try columns.map { name in
            guard let leaf = leaves.first(where: { $0.name == name }) else {
                throw ParquetError(
                    .invalidArgument,
                    "no column named '\(name)' (the file has: \(leaves.map(\.name).joined(separator: ", ")))",
                    path: path
                )
            }
            return leaf
        }
    }

    /// Reads row group `index`, only the `columns` named (all columns when nil), into one batch.
    ///
    /// Only the byte ranges of the requested column chunks are read from the file.
    public func readRowGroup(_ index: Int, columns: [String]? = nil) throws -> RecordBatch {
        guard metadata.rowGroups.indices.contains(index) else {
            throw ParquetError(
                .invalidArgument,
                "row group \(index) does not exist (the file has \(metadata.rowGroups.count))",
                path: path
            )
        }
        let selected = try leaves(for: columns)
        source.willRead(chunkRanges(selected, rowGroups: [index]))
        let work = selected.count * Int(metadata.rowGroups[index].numRows)
        let decoded: [Result<Column, ParquetError>]
        if options.decodesColumnsInParallel && selected.count > 1 && work >= 100_000 {
            decoded = Self.concurrentMap(selected) { leaf in
                Result { () throws(ParquetError) in try self.readColumn(leaf, rowGroup: index) }
            }
        } else {
            decoded = selected.map { leaf in
                Result { () throws(ParquetError) in try self.readColumn(leaf, rowGroup: index) }
            }
        }
        let columns = try decoded.map { try $0.get() }
        return RecordBatch(schema: Schema(selected.map(\.field)), columns: columns)
    }

    /// Reads the row groups `indices`, only the `columns` named (all when nil), into one batch each.
    ///
    /// Every column chunk of every row group is one task spread over the cores, so a few narrow row groups keep
    /// both cores busy where ``readRowGroup(_:columns:)`` of a two- or three-column row group could not.
    public func readRowGroups(_ indices: [Int], columns: [String]? = nil) throws -> [RecordBatch] {
        if indices.count == 1 { return [try readRowGroup(indices[0], columns: columns)] }
        for index in indices where !metadata.rowGroups.indices.contains(index) {
            throw ParquetError(
                .invalidArgument,
                "row group \(index) does not exist (the file has \(metadata.rowGroups.count))",
                path: path
            )
        }
        let selected = try leaves(for: columns)
        source.willRead(chunkRanges(selected, rowGroups: indices))
        let tasks = indices.flatMap { index in selected.map { (index, $0) } }
        let decode: @Sendable ((Int, LeafColumn)) -> Result<Column, ParquetError> = { task in
            Result { () throws(ParquetError) in try self.readColumn(task.1, rowGroup: task.0) }
        }
        let decoded = options.decodesColumnsInParallel ? Self.concurrentMap(tasks, decode) : tasks.map(decode)
        let schema = Schema(selected.map(\.field))
        return try indices.indices.map { k in
            let columns = try decoded[(k * selected.count)..<((k + 1) * selected.count)].map { try $0.get() }
            return RecordBatch(schema: schema, columns: columns)
        }
    }

    /// `items.map(transform)` over both cores.
    static func concurrentMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
        let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: items.count) { i in shared[i] = transform(items[i]) }
        return results.map { $0! }
    }

    /// Reads and decodes one column chunk.
    func readColumn(_ leaf: LeafColumn, rowGroup index: Int) throws(ParquetError) -> Column {
        do {
            let group = metadata.rowGroups[index]
            let rows = Int(group.numRows)
            let chunk = group.columns[leaf.index]
            guard let meta = chunk.metaData else {
                throw ParquetError(.invalidMetadata, "row group \(index) has no metadata for the column chunk")
            }
            guard meta.type == leaf.physicalType else {
                throw ParquetError(
                    .invalidMetadata,
                    "row group \(index) stores the column as \(meta.type), the schema says \(leaf.physicalType)"
                )
            }
            guard meta.numValues == group.numRows else {
                throw ParquetError(
                    .invalidMetadata,
                    "row group \(index) has \(group.numRows) rows but the column chunk has \(meta.numValues) values"
                )
            }
            if rows == 0 {
                return Column(type: leaf.field.type, values: .empty(for: leaf.field.type))
            }
            let chunkBytes = try chunkRange(meta, rowGroup: index)
            let range = readRange(chunkBytes)
            let bytes = try source.read(at: range.lowerBound, count: range.count)
            if range.lowerBound == 0 && Array(bytes.prefix(Self.magic.count)) != Self.magic {
                throw ParquetError(.badMagic, "the file does not start with PAR1; it is not a Parquet file", offset: 0)
            }
            var decoder = ColumnChunkDecoder(
                leaf: leaf,
                codec: meta.codec,
                chunk: bytes,
                chunkOffset: range.lowerBound,
                firstPage: chunkBytes.lowerBound - range.lowerBound,
                rowCount: rows,
                options: options
            )
            return try decoder.decode()
        } catch let error as ParquetError {
            throw error.inColumn(leaf.name).inFile(path)
        } catch let error as StorageError {
            throw ParquetError(error).inColumn(leaf.name)
        } catch {
            throw ParquetError(.io, "\(error)", path: path, column: leaf.name)
        }
    }

    /// The file ranges of the column chunks of `leaves` in the row groups `indices` that ``readColumn(_:rowGroup:)``
    /// will read, in the order it reads them (row group by row group): what the reader announces to the source.
    /// Chunks without rows are not read; chunks whose metadata is unusable are left out (reading them fails).
    func chunkRanges(_ leaves: [LeafColumn], rowGroups indices: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(leaves.count * indices.count)
        for index in indices {
            let group = metadata.rowGroups[index]
            guard group.numRows > 0 else { continue }
            for leaf in leaves {
                guard let meta = group.columns[leaf.index].metaData, meta.type == leaf.physicalType,
                    meta.numValues == group.numRows, let range = try? chunkRange(meta, rowGroup: index)
                else { continue }
                ranges.append(readRange(range))
            }
        }
        return ranges
    }

    /// The bytes read for the column chunk at `chunk`: the chunk, and the leading magic with it when the chunk
    /// follows the magic and the magic is not checked yet.
    func readRange(_ chunk: Range<Int>) -> Range<Int> {
        !leadingMagicChecked && chunk.lowerBound == Self.magic.count ? 0..<chunk.upperBound : chunk
    }

    /// The file range of a column chunk, checked to lie between the leading magic and the footer.
    func chunkRange(_ meta: ColumnMetaData, rowGroup index: Int) throws -> Range<Int> {
        var start = meta.dataPageOffset
        if let dictionaryOffset = meta.dictionaryPageOffset, dictionaryOffset > 0, dictionaryOffset < start {
            start = dictionaryOffset
        }
        let length = meta.totalCompressedSize
        guard start >= 4, length > 0, start <= Int64(footerOffset), length <= Int64(footerOffset) - start else {
            throw ParquetError(
                .invalidMetadata,
                "row group \(index): the column chunk at byte \(start) of \(length) bytes lies outside the data "
                    + "section (bytes 4..<\(footerOffset))",
                offset: Int(clamping: start)
            )
        }
        return Int(start)..<Int(start + length)
    }
}
