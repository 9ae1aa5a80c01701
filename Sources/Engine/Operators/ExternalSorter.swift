import Columnar
import Foundation

/// Sorts a stream of batches larger than memory: batches accumulate until they exceed the memory budget,
/// then they are sorted (stably) into a run written to a temporary file. ``finish()`` returns a stream that
/// k-way merges the runs with a heap (ties go to the earlier run, so the whole sort is stable).
///
/// Input that arrives already sorted is detected cheaply (each batch and each batch boundary is checked) and
/// is then neither sorted again nor copied. When everything fits in the budget nothing is written to disk.
///
/// The budget bounds the batches held before a spill (measured by ``RecordBatch/estimatedByteSize``, plus about
/// 40 bytes per row for sorting them); the merge then holds one block of `batchSize` rows per run. Leave
/// headroom for the rest of the process: the budget is not a hard cap on the process's memory. Spill files are deleted when the returned stream
/// (or the sorter, if ``finish()`` is never called) is released.
public final class ExternalSorter {
    /// The schema of the input and output batches.
    public let schema: Schema
    /// The sort keys.
    public let keys: [SortKey]
    /// The most bytes of input held in memory before a run is spilled.
    public let memoryBudget: Int
    /// Rows per output batch and per spilled block.
    public let batchSize: Int
    private let directory: URL
    private var pending: [RecordBatch] = []
    private var pendingBytes = 0
    private var pendingSorted = true
    private var lastKeys: RecordBatch?
    private var files: SpillFiles
    private var runPaths: [String] = []
    private var finished = false

    /// Memory a run's sort needs per row beyond the rows themselves.
    static let sortBytesPerRow = 40

    /// The number of runs written to disk so far.
    public var spilledRunCount: Int { runPaths.count }

    /// A sorter of batches of `schema` by `keys`, holding at most about `memoryBudget` bytes of input, and
    /// writing runs into `temporaryDirectory` (default: the system's temporary directory).
    public init(
        schema: Schema,
        keys: [SortKey],
        memoryBudget: Int,
        temporaryDirectory: URL? = nil,
        batchSize: Int = 65_536
    ) throws(OperatorError) {
        precondition(batchSize > 0, "batch size must be positive")
        for key in keys { _ = try schema.requireIndex(of: key.column, for: "external sort") }
        self.schema = schema
        self.keys = keys
        self.memoryBudget = max(memoryBudget, 1)
        self.batchSize = batchSize
        self.directory = temporaryDirectory ?? FileManager.default.temporaryDirectory
        self.files = SpillFiles()
    }

    /// Adds a batch of ``schema``'s column types.
    public func add(_ batch: RecordBatch) throws(OperatorError) {
        precondition(!finished, "add after finish")
        guard batch.count > 0 else { return }
        if pendingSorted {
            let keyBatch = try keyColumns(batch)
            if try !keyBatch.isSorted(by: keys) {
                pendingSorted = false
            } else if let last = lastKeys {
                let boundary = RecordBatch.concatenate([last, keyBatch.slice(0..<1)], schema: keyBatch.schema)
                if try !boundary.isSorted(by: keys) { pendingSorted = false }
            }
            lastKeys = keyBatch.slice((batch.count - 1)..<batch.count)
        }
        pending.append(batch)
        // The batches, plus what sorting them needs per row: key copies, normalized and packed keys, the
        // permutation and row references (about 40 bytes).
        pendingBytes += batch.estimatedByteSize + batch.count * Self.sortBytesPerRow
        if pendingBytes >= memoryBudget { try spill() }
    }

    /// Ends the input and returns the sorted rows as a stream of batches of at most ``batchSize`` rows.
    public func finish() throws(OperatorError) -> any BatchStream {
        precondition(!finished, "finish called twice")
        finished = true
        if runPaths.isEmpty {
            let blocks = try sortedBlocks(pending, alreadySorted: pendingSorted)
            pending = []
            return InMemorySortedStream(schema: schema, blocks: blocks)
        }
        if !pending.isEmpty { try spill() }
        var readers: [SpillReader] = []
        for path in runPaths { readers.append(try SpillReader(path: path, schema: schema)) }
        return try RunMerger(schema: schema, keys: keys, runs: readers, batchSize: batchSize, files: files)
    }

    private func keyColumns(_ batch: RecordBatch) throws(OperatorError) -> RecordBatch {
        try Projection(.columns(keys.map { ColumnMapping($0.column) }.uniqued())).apply(batch)
    }

    /// Sorts the pending batches into a run file.
    private func spill() throws(OperatorError) {
        let path = directory.appendingPathComponent("sluice-sort-\(UUID().uuidString).run").path
        files.paths.append(path)
        let writer = try SpillWriter(path: path)
        let blocks = try sortedBlocks(pending, alreadySorted: pendingSorted)
        pending = []
        for block in blocks { try writer.write(try block()) }
        try writer.close()
        runPaths.append(path)
        pendingBytes = 0
        pendingSorted = true
        lastKeys = nil
    }

    /// Producers of the sorted blocks of `batches`, each gathered only when called.
    private func sortedBlocks(
        _ batches: [RecordBatch],
        alreadySorted: Bool
    ) throws(OperatorError) -> [() -> RecordBatch] {
        if batches.isEmpty { return [] }
        let batchSize = self.batchSize
        if alreadySorted {
            return batches.flatMap { $0.chunked(size: batchSize) }.map { block in { block } }
        }
        // Sort the key columns of all batches together, then gather each block from the original batches.
        var keyBatches: [RecordBatch] = []
        for batch in batches { keyBatches.append(try keyColumns(batch)) }
        let keyBatch = RecordBatch.concatenate(keyBatches, schema: keyBatches[0].schema)
        let permutation = try keyBatch.sortPermutation(by: keys)
        var starts: [Int] = [0]
        for batch in batches { starts.append(starts.last! + batch.count) }
        return stride(from: 0, to: permutation.count, by: batchSize).map { start in
            {
                let end = min(start + batchSize, permutation.count)
                var references: [RowReference] = []
                references.reserveCapacity(end - start)
                for k in start..<end {
                    let global = Int(permutation[k])
                    // The last batch starting at or before `global`.
                    var low = 0
                    var high = starts.count - 1
                    while high - low > 1 {
                        let middle = (low + high) / 2
                        if starts[middle] <= global { low = middle } else { high = middle }
                    }
                    references.append(RowReference(source: UInt32(low), row: UInt32(global - starts[low])))
                }
                return RecordBatch.gather(references, from: batches)
            }
        }
    }
}

/// The spill files of one sort, deleted when the last owner goes away.
final class SpillFiles {
    var paths: [String] = []

    deinit {
        for path in paths { unlink(path) }
    }
}

/// The output of a sort that fitted in memory: blocks gathered one at a time.
struct InMemorySortedStream: BatchStream {
    let schema: Schema
    private var blocks: [() -> RecordBatch]
    private var position = 0

    init(schema: Schema, blocks: [() -> RecordBatch]) {
        self.schema = schema
        self.blocks = blocks
    }

    mutating func next() -> RecordBatch? {
        guard position < blocks.count else { return nil }
        let block = blocks[position]()
        let schema = self.schema
        blocks[position] = { RecordBatch.empty(schema) }
        position += 1
        return block
    }
}

extension Array where Element == ColumnMapping {
    /// The mappings without repeated source columns, first occurrence kept.
    func uniqued() -> [ColumnMapping] {
        var seen = Set<String>()
        return filter { seen.insert($0.from).inserted }
    }
}
