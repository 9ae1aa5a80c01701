/// One column of a ``RecordBatch``: typed values plus an optional validity mask.
public struct Column: Sendable, Hashable {
    /// The logical type.
    public var type: DataType
    /// The values, one slot per row.
    public var values: ColumnValues
    /// `validity[i]` is `false` where row `i` is null; `nil` means no row is null.
    public var validity: [Bool]?

    /// Creates a column. `validity`, when given, must have one entry per value.
    public init(type: DataType, values: ColumnValues, validity: [Bool]? = nil) {
        precondition(validity == nil || validity!.count == values.count, "validity length differs from values")
        self.type = type
        self.values = values
        self.validity = validity
    }

    /// The number of rows.
    @inlinable public var count: Int { values.count }

    /// Whether row `i` is null.
    @inlinable public func isNull(_ i: Int) -> Bool {
        guard let validity else { return false }
        return !validity[i]
    }

    /// The number of null rows.
    public var nullCount: Int {
        guard let validity else { return 0 }
        var n = 0
        for valid in validity where !valid { n += 1 }
        return n
    }
}
