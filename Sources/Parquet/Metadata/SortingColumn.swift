/// A sort order of the rows of a row group.
public struct SortingColumn: Sendable, Hashable {
    /// The leaf column ordinal (field 1).
    public var columnIndex: Int32
    /// Field 2.
    public var descending: Bool
    /// Field 3.
    public var nullsFirst: Bool

    public init(columnIndex: Int32 = 0, descending: Bool = false, nullsFirst: Bool = false) {
        self.columnIndex = columnIndex
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}
