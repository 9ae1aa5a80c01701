/// The header of a v1 data page.
public struct DataPageHeader: Sendable, Hashable {
    /// Values in the page, nulls included (field 1).
    public var numValues: Int32
    /// The encoding of the values (field 2).
    public var encoding: Encoding
    /// The encoding of the definition levels (field 3).
    public var definitionLevelEncoding: Encoding
    /// The encoding of the repetition levels (field 4).
    public var repetitionLevelEncoding: Encoding
    /// Page statistics (field 5).
    public var statistics: Statistics?

    public init(
        numValues: Int32 = 0,
        encoding: Encoding = .plain,
        definitionLevelEncoding: Encoding = .rle,
        repetitionLevelEncoding: Encoding = .rle,
        statistics: Statistics? = nil
    ) {
        self.numValues = numValues
        self.encoding = encoding
        self.definitionLevelEncoding = definitionLevelEncoding
        self.repetitionLevelEncoding = repetitionLevelEncoding
        self.statistics = statistics
    }
}
