/// Where a data page is, for the ``OffsetIndex``.
public struct PageLocation: Sendable, Hashable {
    /// File offset of the page header (field 1).
    public var offset: Int64
    /// Page size on disk, header included (field 2).
    public var compressedPageSize: Int32
    /// Index in the row group of the page's first row (field 3).
    public var firstRowIndex: Int64

    public init(offset: Int64 = 0, compressedPageSize: Int32 = 0, firstRowIndex: Int64 = 0) {
        self.offset = offset
        self.compressedPageSize = compressedPageSize
        self.firstRowIndex = firstRowIndex
    }
}
