/// The header of a v2 data page: levels come first, uncompressed, and their lengths are in the header.
public struct DataPageHeaderV2: Sendable, Hashable {
    /// Values in the page, nulls included (field 1).
    public var numValues: Int32
    /// Nulls in the page (field 2).
    public var numNulls: Int32
    /// Rows in the page (field 3).
    public var numRows: Int32
    /// The encoding of the values (field 4).
    public var encoding: Encoding
    /// Byte length of the definition levels (field 5).
    public var definitionLevelsByteLength: Int32
    /// Byte length of the repetition levels (field 6).
    public var repetitionLevelsByteLength: Int32
    /// Whether the values section is compressed; absent means true (field 7).
    public var isCompressed: Bool?
    /// Page statistics (field 8).
    public var statistics: Statistics?

    public init(
        numValues: Int32 = 0,
        numNulls: Int32 = 0,
        numRows: Int32 = 0,
        encoding: Encoding = .plain,
        definitionLevelsByteLength: Int32 = 0,
        repetitionLevelsByteLength: Int32 = 0,
        isCompressed: Bool? = nil,
        statistics: Statistics? = nil
    ) {
        self.numValues = numValues
        self.numNulls = numNulls
        self.numRows = numRows
        self.encoding = encoding
        self.definitionLevelsByteLength = definitionLevelsByteLength
        self.repetitionLevelsByteLength = repetitionLevelsByteLength
        self.isCompressed = isCompressed
        self.statistics = statistics
    }
}
