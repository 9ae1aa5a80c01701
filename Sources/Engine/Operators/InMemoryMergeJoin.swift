import Columnar

/// Sort-merge inner join of two inputs held in memory, producing its output a batch at a time.
///
/// Instead of sorting the rows, it sorts row numbers by key (``RecordBatch/sortPermutation(by:)`` over the key
/// columns only; skipped for a side already sorted), merges the two orders, and gathers each output batch once
/// from the original input batches (which are not concatenated or copied). Output order and columns are those
/// of ``MergeJoin``: by key, then left input order, then right input order. Rows with a null key never join.
/// Memory beyond the inputs: the key columns, two permutations and one output batch; a cross product of a
/// huge equal-key window is still emitted in pieces of `batchSize` pairs.
public struct InMemoryMergeJoin: BatchStream {
    public let schema: Schema
    private let left: InMemoryJoinInput
    private let right: InMemoryJoinInput
    private let leftColumns: [Int]
    private let rightKept: [Int]
    private let batchSize: Int
    private let leftKeys: NormalizedKeys
    private let rightKeys: NormalizedKeys
    /// Row numbers without null keys, in key order.
    private let leftOrder: [Int32]
    private let rightOrder: [Int32]
    /// For one fixed-width key: the normalized keys in that order (fast path), else empty.
    private let leftSorted: [UInt64]
    private let rightSorted: [UInt64]
    private let fixed: Bool
    private var i = 0
    private var j = 0
    private var cross: (left: Range<Int>, right: Range<Int>, a: Int, b: Int)?

    /// Prepares the join of `left` and `right` on `leftKeys` = `rightKeys`, sorting the row numbers of each
    /// side. See ``MergeJoin`` for the output schema and the errors.
    public init(
        left: RecordBatch,
        right: RecordBatch,
        leftKeys: [String],
        rightKeys: [String],
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536
    ) throws(OperatorError) {
        try self.init(
            left: [left],
            leftSchema: left.schema,
            right: [right],
            rightSchema: right.schema,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize
        )
    }

    /// Prepares the join of two inputs given as lists of batches (of `leftSchema` and `rightSchema`, which
    /// matter when a list is empty), without concatenating them.
    public init(
        left: [RecordBatch],
        leftSchema: Schema,
        right: [RecordBatch],
        rightSchema: Schema,
        leftKeys: [String],
        rightKeys: [String],
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536
    ) throws(OperatorError) {
        precondition(batchSize > 0, "batch size must be positive")
        let layout = try MergeJoin.outputLayout(
            left: leftSchema,
            right: rightSchema,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys
        )
        schema = layout.schema
        rightKept = layout.rightKept
        leftColumns = Array(0..<leftSchema.fields.count)
        self.batchSize = batchSize
        self.left = try InMemoryJoinInput(left, schema: leftSchema, keys: leftKeys)
        self.right = try InMemoryJoinInput(right, schema: rightSchema, keys: rightKeys)
        let leftNormalized = try NormalizedKeys(self.left.keyBatch, names: leftKeys, operation: "join")
        let rightNormalized = try NormalizedKeys(self.right.keyBatch, names: rightKeys, operation: "join")
        self.leftKeys = leftNormalized
        self.rightKeys = rightNormalized
        leftOrder = try Self.order(self.left.keyBatch, leftKeys, leftNormalized)
        rightOrder = try Self.order(self.right.keyBatch, rightKeys, rightNormalized)
        fixed = leftNormalized.columns.count == 1 && leftNormalized.columns[0].fixed != nil
        leftSorted = fixed ? Self.sortedKeys(leftNormalized.columns[0], leftOrder) : []
        rightSorted = fixed ? Self.sortedKeys(rightNormalized.columns[0], rightOrder) : []
    }

    /// The row numbers of `batch` with no null key, in key order (stable).
    static func order(
        _ batch: RecordBatch,
        _ keys: [String],
        _ normalized: NormalizedKeys
    ) throws(OperatorError) -> [Int32] {
        let sortKeys = keys.map { SortKey($0) }
        let permutation =
            try batch.isSorted(by: sortKeys) ? (0..<Int32(batch.count)).map { $0 } : batch.sortPermutation(by: sortKeys)
        if !normalized.columns.contains(where: \.hasNulls) { return permutation }
        return permutation.filter { !normalized.anyNull(Int($0)) }
    }

    private static func sortedKeys(_ column: NormalizedKeyColumn, _ order: [Int32]) -> [UInt64] {
        withExtendedLifetime(column) {
            let fixed = column.fixed!
            return order.map { fixed[Int($0)] }
        }
    }

    @inline(__always)
    private func compare(_ a: Int, _ b: Int) -> Int {
        if fixed {
            let x = leftSorted[a]
            let y = rightSorted[b]
            return x < y ? -1 : x == y ? 0 : 1
        }
        return leftKeys.compare(Int(leftOrder[a]), rightKeys, Int(rightOrder[b]))
    }

    @inline(__always)
    private func sameLeft(_ a: Int, _ b: Int) -> Bool {
        fixed ? leftSorted[a] == leftSorted[b] : leftKeys.compare(Int(leftOrder[a]), leftKeys, Int(leftOrder[b])) == 0
    }

    @inline(__always)
    private func sameRight(_ a: Int, _ b: Int) -> Bool {
        fixed
            ? rightSorted[a] == rightSorted[b]
            : rightKeys.compare(Int(rightOrder[a]), rightKeys, Int(rightOrder[b])) == 0
    }

    public mutating func next() -> RecordBatch? {
        var leftRows: [Int32] = []
        var rightRows: [Int32] = []
        leftRows.reserveCapacity(batchSize)
        rightRows.reserveCapacity(batchSize)
        while leftRows.count < batchSize {
            if var state = cross {
                while state.a < state.left.upperBound && leftRows.count < batchSize {
                    let take = min(batchSize - leftRows.count, state.right.upperBound - state.b)
                    let l = leftOrder[state.a]
                    for b in state.b..<(state.b + take) {
                        leftRows.append(l)
                        rightRows.append(rightOrder[b])
                    }
                    state.b += take
                    if state.b == state.right.upperBound {
                        state.a += 1
                        state.b = state.right.lowerBound
                    }
                }
                cross = state.a < state.left.upperBound ? state : nil
                continue
            }
            guard i < leftOrder.count && j < rightOrder.count else { break }
            let c = compare(i, j)
            if c < 0 {
                i += 1
            } else if c > 0 {
                j += 1
            } else {
                var leftEnd = i + 1
                while leftEnd < leftOrder.count && sameLeft(leftEnd, i) { leftEnd += 1 }
                var rightEnd = j + 1
                while rightEnd < rightOrder.count && sameRight(rightEnd, j) { rightEnd += 1 }
                if leftEnd == i + 1 && rightEnd == j + 1 {
                    leftRows.append(leftOrder[i])
                    rightRows.append(rightOrder[j])
                } else {
                    cross = (i..<leftEnd, j..<rightEnd, i, j)
                }
                i = leftEnd
                j = rightEnd
            }
        }
        if leftRows.isEmpty { return nil }
        return RecordBatch(
            schema: schema,
            columns: left.gather(leftRows, columns: leftColumns) + right.gather(rightRows, columns: rightKept)
        )
    }
}

/// One side of an ``InMemoryMergeJoin``: its batches, where each starts, and its key columns concatenated.
struct InMemoryJoinInput {
    let batches: [RecordBatch]
    let schema: Schema
    /// `starts[b]` is the global number of the first row of batch `b`; the last entry is the row count.
    let starts: [Int]
    /// The key columns of every batch, one after another.
    let keyBatch: RecordBatch

    init(_ batches: [RecordBatch], schema: Schema, keys: [String]) throws(OperatorError) {
        self.batches = batches.filter { $0.count > 0 }
        self.schema = schema
        var starts = [0]
        for batch in self.batches { starts.append(starts.last! + batch.count) }
        self.starts = starts
        let projection = Projection(.columns(keys.map { ColumnMapping($0) }.uniqued()))
        var keyBatches: [RecordBatch] = []
        for batch in self.batches { keyBatches.append(try projection.apply(batch)) }
        keyBatch = RecordBatch.concatenate(keyBatches, schema: try projection.outputSchema(for: schema))
    }

    /// Columns `columns` of the rows with global numbers `rows`, in that order.
    func gather(_ rows: [Int32], columns: [Int]) -> [Column] {
        if columns.isEmpty { return [] }
        let subschema = Schema(columns.map { schema.fields[$0] })
        func part(_ batch: RecordBatch) -> RecordBatch {
            RecordBatch(schema: subschema, columns: columns.map { batch.columns[$0] })
        }
        if batches.count == 1 { return part(batches[0]).take(rows).columns }
        var references: [RowReference] = []
        references.reserveCapacity(rows.count)
        for global in rows {
            let g = Int(global)
            var low = 0
            var high = starts.count - 1
            while high - low > 1 {
                let middle = (low + high) / 2
                if starts[middle] <= g { low = middle } else { high = middle }
            }
            references.append(RowReference(source: UInt32(low), row: UInt32(g - starts[low])))
        }
        return RecordBatch.gather(references, from: batches.map(part)).columns
    }
}
