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
    // The state read for every row lives in buffers the merger owns (not arrays in stored properties), so the
    // heap operations pay no exclusivity checks or reference counting per comparison.
    private let positions: UnsafeMutableBufferPointer<Int>
    /// The row count of each run's current block.
    private let blockCounts: UnsafeMutableBufferPointer<Int>
    /// Fast path: one fixed-width key without nulls in the current block (`nil` otherwise).
    private let fixedKeys: UnsafeMutableBufferPointer<UnsafeMutableBufferPointer<UInt64>?>
    private let singleAscendingFixed: Bool
    /// Run indices, a min-heap by the current row: `heap[0 ..< heapCount]`.
    private let heap: UnsafeMutableBufferPointer<Int>
    private var heapCount = 0

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
        let positions = UnsafeMutableBufferPointer<Int>.allocate(capacity: runs.count)
        positions.initialize(repeating: 0)
        self.positions = positions
        let blockCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: runs.count)
        blockCounts.initialize(repeating: 0)
        self.blockCounts = blockCounts
        let fixedKeys = UnsafeMutableBufferPointer<UnsafeMutableBufferPointer<UInt64>?>.allocate(capacity: runs.count)
        fixedKeys.initialize(repeating: nil)
        self.fixedKeys = fixedKeys
        let heap = UnsafeMutableBufferPointer<Int>.allocate(capacity: runs.count)
        heap.initialize(repeating: 0)
        self.heap = heap
        self.singleAscendingFixed = keys.count == 1 && keys[0].ascending
        for run in 0..<runs.count where try load(run) {
            heap[heapCount] = run
            heapCount += 1
            siftUp(heapCount - 1)
        }
    }

    deinit {
        positions.deallocate()
        blockCounts.deallocate()
        fixedKeys.deallocate()
        heap.deallocate()
    }

    /// Loads the next non-empty block of `run`; false at the end of the run.
    private func load(_ run: Int) throws(OperatorError) -> Bool {
        while let block = try runs[run].next() {
            guard block.count > 0 else { continue }
            let keys = try NormalizedKeys(block, names: keyNames, operation: "external sort")
            blocks[run] = block
            blockKeys[run] = keys
            positions[run] = 0
            blockCounts[run] = block.count
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

    private func siftDown(_ index: Int, count: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var smallest = left
            if left + 1 < count && less(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard less(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }

    func next() throws(OperatorError) -> RecordBatch? {
        guard heapCount > 0 else { return nil }
        // Sources of this output batch: each (run, block) gets an index when first used.
        var sources: [RecordBatch] = []
        var sourceOfRun = [Int](repeating: -1, count: runs.count)
        var references: [RowReference] = []
        references.reserveCapacity(batchSize)
        var count = heapCount
        defer { heapCount = count }
        while references.count < batchSize, count > 0 {
            let run = heap[0]
            if sourceOfRun[run] < 0 {
                sourceOfRun[run] = sources.count
                sources.append(blocks[run]!)
            }
            references.append(RowReference(source: UInt32(sourceOfRun[run]), row: UInt32(positions[run])))
            positions[run] += 1
            if positions[run] == blockCounts[run] {
                sourceOfRun[run] = -1
                if try !load(run) {
                    heap.swapAt(0, count - 1)
                    count -= 1
                }
            }
            if count > 0 { siftDown(0, count: count) }
        }
        return RecordBatch.gather(references, from: sources)
    }
}
