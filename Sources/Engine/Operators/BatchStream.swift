import Columnar

/// A pull-based source of record batches: each call to ``next()`` returns the next batch, or `nil` at the end.
///
/// Every batch a stream returns has the stream's ``schema``. Streams are used by one consumer at a time.
public protocol BatchStream {
    /// The schema of every batch.
    var schema: Schema { get }
    /// The next batch, or `nil` when the stream is exhausted.
    mutating func next() throws -> RecordBatch?
}

/// A stream over batches already in memory.
public struct ArrayBatchStream: BatchStream, Sendable {
    public let schema: Schema
    private var batches: [RecordBatch]
    private var position = 0

    /// A stream returning `batches` in order; `schema` is their schema.
    public init(schema: Schema, batches: [RecordBatch]) {
        self.schema = schema
        self.batches = batches
    }

    /// A stream returning `batch` cut into pieces of at most `batchSize` rows.
    public init(_ batch: RecordBatch, batchSize: Int = 65_536) {
        self.init(schema: batch.schema, batches: batch.count == 0 ? [] : batch.chunked(size: batchSize))
    }

    public mutating func next() -> RecordBatch? {
        guard position < batches.count else { return nil }
        defer { position += 1 }
        return batches[position]
    }
}

/// A stream whose batches come from a closure.
public struct ClosureBatchStream: BatchStream {
    public let schema: Schema
    private let produce: () throws -> RecordBatch?

    /// A stream calling `next` for each batch until it returns `nil`.
    public init(schema: Schema, next: @escaping () throws -> RecordBatch?) {
        self.schema = schema
        self.produce = next
    }

    public mutating func next() throws -> RecordBatch? { try produce() }
}

extension BatchStream {
    /// Reads the remaining batches and concatenates them into one.
    public mutating func collect() throws -> RecordBatch {
        var batches: [RecordBatch] = []
        while let batch = try next() { batches.append(batch) }
        return RecordBatch.concatenate(batches, schema: schema)
    }
}
