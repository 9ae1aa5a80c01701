extension ParquetReader {
    /// The smallest and largest value of integer (or date) column `name` over the whole file, from its row groups'
    /// statistics: the most distinct values it can hold is their difference plus one. `nil` when the column is not
    /// an integer column or a row group has no usable statistics.
    public func integerRange(of name: String) -> ClosedRange<Int64>? {
        guard let leaf = try? leaves(for: [name])[0] else { return nil }
        switch leaf.field.type {
        case .int8, .int16, .int32, .int64, .date: break
        default: return nil
        }
        var low = Int64.max
        var high = Int64.min
        for group in metadata.rowGroups where group.numRows > 0 {
            guard let statistics = group.columns[leaf.index].metaData?.statistics,
                let bounds = statisticsBounds(statistics, leaf: leaf),
                case .signed(let min) = bounds.min, case .signed(let max) = bounds.max, min <= max
            else { return nil }
            low = Swift.min(low, min)
            high = Swift.max(high, max)
        }
        return low <= high ? low...high : nil
    }
}
