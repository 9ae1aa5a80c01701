/// Statistics of a column chunk or a page.
///
/// `minValue`/`maxValue` are PLAIN-encoded (byte arrays without their length prefix) and ordered by the
/// column's ``ColumnOrder``. The deprecated `min`/`max` use signed comparison.
public struct Statistics: Sendable, Hashable {
    /// Deprecated maximum (field 1).
    public var max: [UInt8]?
    /// Deprecated minimum (field 2).
    public var min: [UInt8]?
    /// The number of nulls (field 3).
    public var nullCount: Int64?
    /// The number of distinct values (field 4).
    public var distinctCount: Int64?
    /// Upper bound (field 5).
    public var maxValue: [UInt8]?
    /// Lower bound (field 6).
    public var minValue: [UInt8]?
    /// Whether `maxValue` is the actual maximum (field 7).
    public var isMaxValueExact: Bool?
    /// Whether `minValue` is the actual minimum (field 8).
    public var isMinValueExact: Bool?
    /// The number of NaNs, for floating point columns (field 9).
    public var nanCount: Int64?

    public init(
        max: [UInt8]? = nil,
        min: [UInt8]? = nil,
        nullCount: Int64? = nil,
        distinctCount: Int64? = nil,
        maxValue: [UInt8]? = nil,
        minValue: [UInt8]? = nil,
        isMaxValueExact: Bool? = nil,
        isMinValueExact: Bool? = nil,
        nanCount: Int64? = nil
    ) {
        self.max = max
        self.min = min
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.maxValue = maxValue
        self.minValue = minValue
        self.isMaxValueExact = isMaxValueExact
        self.isMinValueExact = isMinValueExact
        self.nanCount = nanCount
    }
}
