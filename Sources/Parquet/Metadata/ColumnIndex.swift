/// Per-page statistics of a column chunk (part of the page index); entry `i` is the page at
/// `OffsetIndex.pageLocations[i]`.
public struct ColumnIndex: Sendable, Hashable {
    /// Whether each page holds only nulls (field 1).
    public var nullPages: [Bool]
    /// Lower bounds, empty for null pages (field 2).
    public var minValues: [[UInt8]]
    /// Upper bounds, empty for null pages (field 3).
    public var maxValues: [[UInt8]]
    /// Field 4.
    public var boundaryOrder: BoundaryOrder
    /// Field 5.
    public var nullCounts: [Int64]?
    /// Field 6.
    public var repetitionLevelHistograms: [Int64]?
    /// Field 7.
    public var definitionLevelHistograms: [Int64]?
    /// Field 8.
    public var nanCounts: [Int64]?

    public init(
        nullPages: [Bool] = [],
        minValues: [[UInt8]] = [],
        maxValues: [[UInt8]] = [],
        boundaryOrder: BoundaryOrder = .unordered,
        nullCounts: [Int64]? = nil,
        repetitionLevelHistograms: [Int64]? = nil,
        definitionLevelHistograms: [Int64]? = nil,
        nanCounts: [Int64]? = nil
    ) {
        self.nullPages = nullPages
        self.minValues = minValues
        self.maxValues = maxValues
        self.boundaryOrder = boundaryOrder
        self.nullCounts = nullCounts
        self.repetitionLevelHistograms = repetitionLevelHistograms
        self.definitionLevelHistograms = definitionLevelHistograms
        self.nanCounts = nanCounts
    }
}
