/// How ``ParquetWriter`` lays out and encodes a file.
public struct ParquetWriteOptions: Sendable, Hashable {
    /// The block compression of pages.
    public enum Compression: String, Sendable, Hashable, CaseIterable {
        case uncompressed
        /// Snappy raw blocks (the default of pyarrow and DuckDB).
        case snappy
        /// gzip members (RFC 1952).
        case gzip
        /// Zstandard frames (the default of Polars).
        case zstd
    }

    /// The data page format.
    public enum PageVersion: Sendable, Hashable, CaseIterable {
        /// `DATA_PAGE`: levels and values compressed together. Read by everything.
        case v1
        /// `DATA_PAGE_V2`: levels uncompressed and outside the compressed values, exact null and row counts.
        case v2
    }

    /// The page compression. Default: snappy.
    public var compression: Compression = .snappy
    /// The data page format. Default: v1.
    public var pageVersion: PageVersion = .v1
    /// Whether to dictionary-encode columns (all types but boolean). Default: true.
    public var dictionary: Bool = true
    /// When a column chunk's dictionary (PLAIN-encoded) grows past this many bytes, the rest of the chunk is
    /// written PLAIN. Default: 1 MiB.
    public var dictionaryPageSizeLimit: Int = 1 << 20
    /// A data page is cut when its encoded values reach about this many bytes. Default: 1 MiB.
    public var dataPageSize: Int = 1 << 20
    /// A data page holds at most this many rows (keeps the page index useful). Default: 20,000.
    public var dataPageMaxRows: Int = 20_000
    /// A row group is cut when its encoded size reaches about this many bytes. Default: 128 MiB.
    public var rowGroupMaxBytes: Int = 128 << 20
    /// A row group holds at most this many rows. Default: 1,048,576.
    public var rowGroupMaxRows: Int = 1 << 20
    /// Entries for the footer's key-value metadata, written in key order.
    public var keyValueMetadata: [String: String] = [:]
    /// Whether to write min/max/null-count statistics per column chunk and per page. Default: true.
    public var writeStatistics: Bool = true
    /// Whether to write the page index (ColumnIndex and OffsetIndex). Default: true.
    public var writePageIndex: Bool = true
    /// Whether an INT32 or INT64 page that is not dictionary-encoded may be written DELTA_BINARY_PACKED when that
    /// is at most three quarters of its PLAIN size (sorted dates and keys shrink to almost nothing). Every reader of
    /// Parquet 2 encodings (arrow, DuckDB, Polars, Spark) reads it. Default: true.
    public var deltaEncoding: Bool = true
    /// Whether a column chunk whose first page is (nearly) all distinct values is written without a dictionary, as
    /// the dictionary would only repeat the values (the next chunk tries one again). Default: true.
    public var abandonsUselessDictionaries: Bool = true

    /// Options with the defaults.
    public init() {}

    /// Options with the given values; the others keep their defaults.
    public init(
        compression: Compression = .snappy,
        pageVersion: PageVersion = .v1,
        dictionary: Bool = true,
        dictionaryPageSizeLimit: Int = 1 << 20,
        dataPageSize: Int = 1 << 20,
        dataPageMaxRows: Int = 20_000,
        rowGroupMaxBytes: Int = 128 << 20,
        rowGroupMaxRows: Int = 1 << 20,
        keyValueMetadata: [String: String] = [:],
        writeStatistics: Bool = true,
        writePageIndex: Bool = true
    ) {
        self.compression = compression
        self.pageVersion = pageVersion
        self.dictionary = dictionary
        self.dictionaryPageSizeLimit = dictionaryPageSizeLimit
        self.dataPageSize = dataPageSize
        self.dataPageMaxRows = dataPageMaxRows
        self.rowGroupMaxBytes = rowGroupMaxBytes
        self.rowGroupMaxRows = rowGroupMaxRows
        self.keyValueMetadata = keyValueMetadata
        self.writeStatistics = writeStatistics
        self.writePageIndex = writePageIndex
    }
}
