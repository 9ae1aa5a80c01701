/// A horizontal slice of the file: one column chunk per leaf column.
public struct RowGroup: Sendable, Hashable {
    /// In schema leaf order (field 1).
    public var columns: [ColumnChunk]
    /// Uncompressed bytes of the column data (field 2).
    public var totalByteSize: Int64
    /// Field 3.
    public var numRows: Int64
    /// Field 4.
    public var sortingColumns: [SortingColumn]?
    /// File offset of the first page of the row group (field 5).
    public var fileOffset: Int64?
    /// On-disk bytes of the column data (field 6).
    public var totalCompressedSize: Int64?
    /// The row group's position in the file (field 7).
    public var ordinal: Int16?

    public init(
        columns: [ColumnChunk] = [],
        totalByteSize: Int64 = 0,
        numRows: Int64 = 0,
        sortingColumns: [SortingColumn]? = nil,
        fileOffset: Int64? = nil,
        totalCompressedSize: Int64? = nil,
        ordinal: Int16? = nil
    ) {
        self.columns = columns
        self.totalByteSize = totalByteSize
        self.numRows = numRows
        self.sortingColumns = sortingColumns
        self.fileOffset = fileOffset
        self.totalCompressedSize = totalCompressedSize
        self.ordinal = ordinal
    }
}
