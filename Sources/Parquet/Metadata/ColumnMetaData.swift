/// The metadata of one column chunk.
public struct ColumnMetaData: Sendable, Hashable {
    /// Field 1.
    public var type: PhysicalType
    /// Every encoding used by the chunk's pages, levels included (field 2).
    public var encodings: [Encoding]
    /// The column's path from the root, root excluded (field 3).
    public var pathInSchema: [String]
    /// Field 4.
    public var codec: CompressionCodec
    /// Values in the chunk, nulls included (field 5).
    public var numValues: Int64
    /// Uncompressed bytes of all pages, headers included (field 6).
    public var totalUncompressedSize: Int64
    /// On-disk bytes of all pages, headers included (field 7).
    public var totalCompressedSize: Int64
    /// Field 8.
    public var keyValueMetadata: [KeyValue]?
    /// File offset of the first data page (field 9).
    public var dataPageOffset: Int64
    /// Field 10.
    public var indexPageOffset: Int64?
    /// File offset of the dictionary page, when there is one (field 11).
    public var dictionaryPageOffset: Int64?
    /// Chunk statistics (field 12).
    public var statistics: Statistics?
    /// Field 13.
    public var encodingStats: [PageEncodingStats]?
    /// Field 14.
    public var bloomFilterOffset: Int64?
    /// Field 15.
    public var bloomFilterLength: Int32?
    /// Field 16.
    public var sizeStatistics: SizeStatistics?
    /// Field 17.
    public var geospatialStatistics: GeospatialStatistics?

    public init(
        type: PhysicalType = .boolean,
        encodings: [Encoding] = [],
        pathInSchema: [String] = [],
        codec: CompressionCodec = .uncompressed,
        numValues: Int64 = 0,
        totalUncompressedSize: Int64 = 0,
        totalCompressedSize: Int64 = 0,
        keyValueMetadata: [KeyValue]? = nil,
        dataPageOffset: Int64 = 0,
        indexPageOffset: Int64? = nil,
        dictionaryPageOffset: Int64? = nil,
        statistics: Statistics? = nil,
        encodingStats: [PageEncodingStats]? = nil,
        bloomFilterOffset: Int64? = nil,
        bloomFilterLength: Int32? = nil,
        sizeStatistics: SizeStatistics? = nil,
        geospatialStatistics: GeospatialStatistics? = nil
    ) {
        self.type = type
        self.encodings = encodings
        self.pathInSchema = pathInSchema
        self.codec = codec
        self.numValues = numValues
        self.totalUncompressedSize = totalUncompressedSize
        self.totalCompressedSize = totalCompressedSize
        self.keyValueMetadata = keyValueMetadata
        self.dataPageOffset = dataPageOffset
        self.indexPageOffset = indexPageOffset
        self.dictionaryPageOffset = dictionaryPageOffset
        self.statistics = statistics
        self.encodingStats = encodingStats
        self.bloomFilterOffset = bloomFilterOffset
        self.bloomFilterLength = bloomFilterLength
        self.sizeStatistics = sizeStatistics
        self.geospatialStatistics = geospatialStatistics
    }
}
