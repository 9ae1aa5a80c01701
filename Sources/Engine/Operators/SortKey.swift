/// One key of a sort: a column, its direction, and where its nulls go.
///
/// By default nulls sort last in both directions (as DuckDB does): `ORDER BY x` and `ORDER BY x DESC` both
/// put null rows at the end. Set `nullsFirst` to put them at the start instead.
public struct SortKey: Sendable, Hashable {
    /// The column name.
    public var column: String
    /// `true` for ascending order, `false` for descending.
    public var ascending: Bool
    /// Whether nulls come before every value (default: after).
    public var nullsFirst: Bool

    /// Creates a sort key.
    public init(_ column: String, ascending: Bool = true, nullsFirst: Bool = false) {
        self.column = column
        self.ascending = ascending
        self.nullsFirst = nullsFirst
    }
}

/// Compares rows by a list of sort keys, honouring direction and null placement.
struct SortComparator: @unchecked Sendable {
    let ascending: [Bool]
    let nullsFirst: [Bool]

    init(_ keys: [SortKey]) {
        ascending = keys.map(\.ascending)
        nullsFirst = keys.map(\.nullsFirst)
    }

    /// Negative, zero or positive as row `i` of `a` sorts before, with, or after row `j` of `b`.
    @inline(__always)
    func compare(_ a: NormalizedKeys, _ i: Int, _ b: NormalizedKeys, _ j: Int) -> Int {
        for k in 0..<a.columns.count {
            let x = a.columns[k]
            let y = b.columns[k]
            let xNull = x.isNull(i)
            let yNull = y.isNull(j)
            if xNull || yNull {
                if xNull && yNull { continue }
                return xNull == nullsFirst[k] ? -1 : 1
            }
            let c = x.compare(i, y, j)
            if c != 0 { return ascending[k] ? c : -c }
        }
        return 0
    }
}
