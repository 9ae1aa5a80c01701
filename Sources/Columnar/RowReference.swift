/// The address of one row among several sources (batches or columns): `source` indexes the list of sources,
/// `row` the row inside that source. Used to gather rows from many batches into one, e.g. by a k-way merge.
public struct RowReference: Sendable, Hashable {
    /// Index of the source in the list the reference is used with.
    public var source: UInt32
    /// Row inside that source.
    public var row: UInt32

    /// Creates a reference to row `row` of source `source`.
    @inlinable public init(source: UInt32, row: UInt32) {
        self.source = source
        self.row = row
    }
}
