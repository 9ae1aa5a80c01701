import Columnar

/// Re-cuts a sequence of batches into batches of exactly `batchSize` rows (the last one may be shorter):
/// small batches are gathered together, large ones cut. Rows keep their order.
public struct Rechunker: Sendable {
    /// The schema of every batch.
    public let schema: Schema
    /// Rows per output batch.
    public let batchSize: Int
    private var buffered: [RecordBatch] = []
    private var bufferedRows = 0

    /// A rechunker of batches of `schema` into batches of `batchSize` rows.
    public init(schema: Schema, batchSize: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        self.schema = schema
        self.batchSize = batchSize
    }

    /// Adds `batch` and returns the output batches now complete.
    public mutating func push(_ batch: RecordBatch) -> [RecordBatch] {
        var output: [RecordBatch] = []
        var rest = batch
        while bufferedRows + rest.count >= batchSize {
            let take = batchSize - bufferedRows
            buffered.append(rest.slice(0..<take))
            output.append(RecordBatch.concatenate(buffered, schema: schema))
            buffered = []
            bufferedRows = 0
            rest = rest.slice(take..<rest.count)
        }
        if rest.count > 0 {
            buffered.append(rest)
            bufferedRows += rest.count
        }
        return output
    }

    /// The rows still buffered, as one batch, or `nil` when there are none.
    public mutating func finish() -> RecordBatch? {
        guard bufferedRows > 0 else { return nil }
        defer {
            buffered = []
            bufferedRows = 0
        }
        return RecordBatch.concatenate(buffered, schema: schema)
    }
}
