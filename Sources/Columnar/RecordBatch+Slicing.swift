extension RecordBatch {
    /// The rows in `range`, copied into a new batch.
    public func slice(_ range: Range<Int>) -> RecordBatch {
        if range.lowerBound == 0 && range.upperBound == count { return self }
        return RecordBatch(schema: schema, columns: columns.map { $0.slice(range) })
    }

    /// The rows at `indices`, in that order. Columns are gathered in parallel when the batch is large.
    public func take(_ indices: [Int32]) -> RecordBatch {
        let columns = indices.withUnsafeBufferPointer { indices in
            parallelMap(self.columns, work: indices.count) { $0.take(indices) }
        }
        return RecordBatch(schema: schema, columns: columns)
    }

    /// The rows at `indices`, in that order.
    public func take(_ indices: [Int]) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.take(indices) })
    }

    /// Gathers rows from several batches of the same schema: output row `i` is row `references[i].row` of
    /// `sources[references[i].source]`. The output has the schema of `sources[0]`.
    public static func gather(_ references: [RowReference], from sources: [RecordBatch]) -> RecordBatch {
        precondition(!sources.isEmpty, "gather needs at least one source batch")
        let schema = sources[0].schema
        let plan = GatherPlan(references, sourceCount: sources.count)
        let columns = parallelMap(Array(0..<schema.fields.count), work: references.count) { c in
            Column.gather(plan, from: sources.map { $0.columns[c] })
        }
        return RecordBatch(schema: schema, columns: columns)
    }

    /// The rows of `batches` one after another, with `schema` (needed when `batches` is empty).
    /// Every batch must have `schema`'s column types.
    public static func concatenate(_ batches: [RecordBatch], schema: Schema) -> RecordBatch {
        if batches.isEmpty { return .empty(schema) }
        if batches.count == 1 {
            return RecordBatch(schema: schema, columns: batches[0].columns)
        }
        let total = batches.reduce(0) { $0 + $1.count }
        let columns = parallelMap(Array(0..<schema.fields.count), work: total) { c in
            Column.concatenate(batches.map { $0.columns[c] })
        }
        return RecordBatch(schema: schema, columns: columns)
    }

    /// An estimate of the memory the batch holds, in bytes.
    public var estimatedByteSize: Int {
        columns.reduce(0) { $0 + $1.estimatedByteSize }
    }

    /// The batch cut into consecutive pieces of at most `size` rows (no copy when it is already small enough).
    public func chunked(size: Int) -> [RecordBatch] {
        precondition(size > 0, "chunk size must be positive")
        if count <= size { return [self] }
        return stride(from: 0, to: count, by: size).map { slice($0..<Swift.min($0 + size, count)) }
    }
}
