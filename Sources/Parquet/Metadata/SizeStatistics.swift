/// Sizes for estimating the memory a column needs once decoded.
public struct SizeStatistics: Sendable, Hashable {
    /// Bytes of BYTE_ARRAY values without their length prefixes (field 1).
    public var unencodedByteArrayDataBytes: Int64?
    /// Counts per repetition level (field 2).
    public var repetitionLevelHistogram: [Int64]?
    /// Counts per definition level (field 3).
    public var definitionLevelHistogram: [Int64]?

    public init(
        unencodedByteArrayDataBytes: Int64? = nil,
        repetitionLevelHistogram: [Int64]? = nil,
        definitionLevelHistogram: [Int64]? = nil
    ) {
        self.unencodedByteArrayDataBytes = unencodedByteArrayDataBytes
        self.repetitionLevelHistogram = repetitionLevelHistogram
        self.definitionLevelHistogram = definitionLevelHistogram
    }
}
