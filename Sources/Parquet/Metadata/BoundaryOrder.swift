/// Whether the per-page bounds of a ``ColumnIndex`` are ordered.
public enum BoundaryOrder: Int32, Sendable, Hashable, CaseIterable {
    case unordered = 0
    case ascending = 1
    case descending = 2
}
