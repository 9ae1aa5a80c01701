import Columnar

/// Hash group-by: feed batches with ``consume(_:)``, then ``finish()`` returns one row per group.
///
/// The output has the key columns (same names and types) followed by one column per aggregate (see
/// ``AggregateFunction`` for the output types). Groups come out in order of first appearance. Null keys form
/// a group of their own (as in SQL `GROUP BY`). With no keys, the output is exactly one row, even for an
/// empty input (`count` 0, other aggregates null).
///
/// Each key maps to a dense group index through an open-addressing hash table (``GroupTable``); the
/// aggregates are then updated column by column from those indices.
public final class GroupBy {
    /// The input schema.
    public let inputSchema: Schema
    /// The output schema: keys, then aggregates.
    public let outputSchema: Schema
    private let keys: [String]
    private let keyIndices: [Int]
    private let aggregateIndices: [Int?]
    private let accumulators: [any Accumulator]
    private var table = GroupTable()
    private var keyPieces: [[Column]]

    /// A group-by of rows of `inputSchema` on the columns `keys`, computing `aggregates`.
    /// Throws when a column is missing or an aggregate does not apply to its column's type.
    public init(keys: [String], aggregates: [Aggregate], inputSchema: Schema) throws(OperatorError) {
        self.inputSchema = inputSchema
        self.keys = keys
        var keyIndices: [Int] = []
        var fields: [Field] = []
        for key in keys {
            let index = try inputSchema.requireIndex(of: key, for: "group-by")
            keyIndices.append(index)
            var field = inputSchema.fields[index]
            field.isNullable = true
            fields.append(field)
        }
        var aggregateIndices: [Int?] = []
        var accumulators: [any Accumulator] = []
        for aggregate in aggregates {
            guard aggregate.function != .countAll else {
                aggregateIndices.append(nil)
                accumulators.append(CountAccumulator())
                fields.append(Field(aggregate.name, .int64, isNullable: false))
                continue
            }
            guard let column = aggregate.column else {
                throw OperatorError(
                    "group-by",
                    "\(aggregate.function.rawValue) for \"\(aggregate.name)\" needs a column"
                )
            }
            let index = try inputSchema.requireIndex(of: column, for: "group-by")
            let type = inputSchema.fields[index].type
            aggregateIndices.append(index)
            func unsupported() -> OperatorError {
                OperatorError(
                    "group-by",
                    "\(aggregate.function.rawValue) does not apply to column \"\(column)\" of type \(type)"
                )
            }
            switch aggregate.function {
            case .countAll, .count:
                accumulators.append(CountAccumulator())
                fields.append(Field(aggregate.name, .int64, isNullable: false))
            case .sum, .avg:
                let average = aggregate.function == .avg
                switch type {
                case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
                    accumulators.append(IntegerSumAccumulator(name: column, average: average))
                    fields.append(Field(aggregate.name, average ? .double : .int64))
                case .float, .double:
                    accumulators.append(RealSumAccumulator(average: average))
                    fields.append(Field(aggregate.name, .double))
                default:
                    throw unsupported()
                }
            case .min, .max:
                switch type {
                case .decimal(let precision, _) where precision > 18: throw unsupported()
                default: break
                }
                accumulators.append(MinMaxAccumulator(isMax: aggregate.function == .max, type: type, name: column))
                fields.append(Field(aggregate.name, type))
            }
        }
        var names = Set<String>()
        for field in fields where !names.insert(field.name).inserted {
            throw OperatorError("group-by", "two output columns are named \"\(field.name)\"")
        }
        self.keyIndices = keyIndices
        self.aggregateIndices = aggregateIndices
        self.accumulators = accumulators
        self.outputSchema = Schema(fields)
        self.keyPieces = keys.map { _ in [] }
    }

    /// Adds the rows of `batch` (of ``inputSchema``'s column types) to their groups.
    public func consume(_ batch: RecordBatch) throws(OperatorError) {
        guard batch.count > 0 else { return }
        let keyColumns = try NormalizedKeys(batch, names: keys, operation: "group-by")
        var newGroupRows: [Int32] = []
        let groups = table.groupIndices(keyColumns, rows: batch.count, newGroupRows: &newGroupRows)
        if !newGroupRows.isEmpty {
            for (k, index) in keyIndices.enumerated() {
                keyPieces[k].append(batch.columns[index].take(newGroupRows))
            }
        }
        let groupCount = table.groupCount
        try groups.withUnsafeBufferPointer { groups throws(OperatorError) in
            for (accumulator, index) in zip(accumulators, aggregateIndices) {
                try accumulator.update(index.map { batch.columns[$0] }, groups: groups, groupCount: groupCount)
            }
        }
    }

    /// Adds the groups of `other`, a group-by with the same keys, aggregates and input schema that consumed
    /// other rows (for example on another thread). `other` must not be used afterwards.
    public func merge(_ other: GroupBy) throws(OperatorError) {
        guard other.inputSchema == inputSchema, other.outputSchema == outputSchema, other.keys == keys else {
            throw OperatorError("group-by", "cannot merge group-bys of different shapes")
        }
        let otherGroups = other.table.groupCount
        guard otherGroups > 0 else { return }
        var mapping: [Int32]
        if keys.isEmpty {
            table.createSingleGroup()
            mapping = [0]
        } else {
            // Other's group keys, in its group order, looked up (and added) here.
            let keyFields = keyIndices.map { inputSchema.fields[$0] }
            let keyBatch = RecordBatch(
                schema: Schema(keyFields),
                columns: other.keyPieces.map { Column.concatenate($0) }
            )
            let keyColumns = try NormalizedKeys(keyBatch, names: keyFields.map(\.name), operation: "group-by")
            var newGroupRows: [Int32] = []
            mapping = table.groupIndices(keyColumns, rows: keyBatch.count, newGroupRows: &newGroupRows)
            if !newGroupRows.isEmpty {
                for k in keyIndices.indices { keyPieces[k].append(keyBatch.columns[k].take(newGroupRows)) }
            }
        }
        for (mine, theirs) in zip(accumulators, other.accumulators) {
            try mine.merge(theirs, mapping: mapping, groupCount: table.groupCount)
        }
    }

    /// One row per group: the key values, then the aggregates.
    public func finish() -> RecordBatch {
        if keys.isEmpty && table.groupCount == 0 {
            // A global aggregate has one row even over no input.
            table.createSingleGroup()
        }
        let groupCount = table.groupCount
        var columns: [Column] = []
        for (k, index) in keyIndices.enumerated() {
            let type = inputSchema.fields[index].type
            columns.append(
                keyPieces[k].isEmpty ? Column(type: type, values: .empty(for: type)) : Column.concatenate(keyPieces[k])
            )
        }
        for accumulator in accumulators {
            columns.append(accumulator.finish(groupCount: groupCount))
        }
        return RecordBatch(schema: outputSchema, columns: columns)
    }
}

extension RecordBatch {
    /// The rows grouped by `keys` with `aggregates` computed per group (see ``GroupBy``).
    public func grouped(by keys: [String], aggregates: [Aggregate]) throws(OperatorError) -> RecordBatch {
        let groupBy = try GroupBy(keys: keys, aggregates: aggregates, inputSchema: schema)
        try groupBy.consume(self)
        return groupBy.finish()
    }
}
