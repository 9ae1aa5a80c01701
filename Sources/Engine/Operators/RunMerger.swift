import Columnar

/// K-way merge of sorted runs with a binary heap of run cursors; ties go to the lower run index.
final class RunMerger: BatchStream {
    let schema: Schema
    private let keyNames: [String]
    private let comparator: SortComparator
    private let batchSize: Int
    private let files: SpillFiles
    private var runs: [SpillReader]
    /// The current block of each run, its normalized keys, and the position in it.
    private var blocks: [RecordBatch?]
    private var blockKeys: [NormalizedKeys?]
    private var positions: [Int]
    /// Fast path: one fixed-width key without nulls in the current block (`nil` otherwise).
    private var fixedKeys: [UnsafeMutableBufferPointer<UInt64>?]
    private let singleAscendingFixed: Bool
    /// Run indices, a min-heap by the current row.
    private var heap: [Int] = []

    init(schema: Schema, keys: [SortKey], runs: [SpillReader], batchSize: Int, files: SpillFiles) throws(OperatorError)
    {
        self.schema = schema
        self.keyNames = keys.map(\.column)
        self.comparator = SortComparator(keys)
        self.batchSize = batchSize
        self.files = files
        self.runs = runs
        self.blocks = Array(repeating: nil, count: runs.count)
        self.blockKeys = Array(repeating: nil, count: runs.count)
        self.positions = Array(repeating: 0, count: runs.count)
        self.fixedKeys = Array(repeating: nil, count: runs.count)
        self.singleAscendingFixed = keys.count == 1 && keys[0].ascending
        for run in 0..<runs.count where try load(run) {
            heap.append(run)
            siftUp(heap.count - 1)
        }
    }

    /// Loads the next non-empty block of `run`; false at the end of the run.
    private func load(_ run: Int) throws(OperatorError) -> Bool {
        while let block = try runs[run].next() {
            guard block.count > 0 else { continue }
            let keys = try NormalizedKeys(block, names: keyNames, operation: "external sort")
            blocks[run] = block
            blockKeys[run] = keys
            positions[run] = 0
            if singleAscendingFixed, let fixed = keys.columns[0].fixed, !keys.columns[0].hasNulls {
                fixedKeys[run] = fixed
            } else {
                fixedKeys[run] = nil
            }
            return true
        }
        blocks[run] = nil
        blockKeys[run] = nil
        fixedKeys[run] = nil
        return false
    }

    /// Whether the current row of run `a` sorts before that of run `b`.
    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        if let x = fixedKeys[a], let y = fixedKeys[b] {
            let u = x[positions[a]]
            let v = y[positions[b]]
            return u < v || (u == v && a < b)
        }
        let c = comparator.compare(blockKeys[a]!, positions[a], blockKeys[b]!, positions[b])
        return c < 0 || (c == 0 && a < b)
    }

    private func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && less(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard less(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }

    func next() throws(OperatorError) -> RecordBatch? {
        guard !heap.isEmpty else { return nil }
        // Sources of this output batch: each (run, block) gets an index when first used.
        var sources: [RecordBatch] = []
        var sourceOfRun = [Int](repeating: -1, count: runs.count)
        var references: [RowReference] = []
        references.reserveCapacity(batchSize)
        while references.count < batchSize, let run = heap.first {
            if sourceOfRun[run] < 0 {
                sourceOfRun[run] = sources.count
                sources.append(blocks[run]!)
            }
            references.append(RowReference(source: UInt32(sourceOfRun[run]), row: UInt32(positions[run])))
            positions[run] += 1
            if positions[run] == blocks[run]!.count {
                sourceOfRun[run] = -1
                if try !load(run) {
                    heap.swapAt(0, heap.count - 1)
                    heap.removeLast()
                }
            }
            if !heap.isEmpty { siftDown(0) }
        }
        return RecordBatch.gather(references, from: sources)
    }
}
