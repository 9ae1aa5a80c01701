import Columnar
import Foundation

extension MergeJoin {
    /// The sort-merge inner join of two unsorted streams, choosing the cheapest way within `memoryBudget`:
    ///
    /// - when both inputs together fit in half the budget and in `inMemoryJoinLimit` (measured by
    ///   ``RecordBatch/estimatedByteSize``; the other half is room for keys, permutations, output batches and the
    ///   rest of the process), they are held in memory and joined by ``InMemoryMergeJoin`` (row numbers sorted,
    ///   each output row gathered once);
    /// - when the left input fits in half the budget and the key is one fixed-width column, the left is held and
    ///   the right is split by key ranges as it streams in (``PartitionedMergeJoin``), held packed while the rest
    ///   of that half of the budget lasts and spilled to files after, so the right input is never held whole;
    /// - when the left input fits in half the budget only packed (``PackedColumn``: integers in 1, 2 or 4 bytes),
    ///   the batches read so far are packed one by one and the rest of the left is read packed, for the same
    ///   partitioned join; the right is then read on the caller's thread, without a decoded batch read ahead;
    /// - otherwise each input goes through an ``ExternalSorter`` with half of the budget (spilling sorted runs
    ///   to `temporaryDirectory`) and the sorted streams are merged by ``MergeJoin``.
    ///
    /// Either way the output is sorted by the keys, with the columns and semantics described at ``MergeJoin``.
    public static func joining(
        left: any BatchStream,
        right: any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        memoryBudget: Int,
        temporaryDirectory: URL? = nil,
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536,
        inMemoryJoinLimit: Int = 64 << 20
    ) throws -> any BatchStream {
        // Validate names and types before reading anything.
        _ = try outputLayout(
            left: left.schema,
            right: right.schema,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys
        )
        var left = left
        var right = right
        var leftBatches: [RecordBatch] = []
        var rightBatches: [RecordBatch] = []
        var bytes = 0
        var leftDone = false
        var rightDone = false
        // Read the left input, then the right, while everything read so far fits.
        let limit = memoryBudget / 2
        while bytes <= limit, !leftDone {
            if let batch = try left.next() {
                bytes += batch.estimatedByteSize
                leftBatches.append(batch)
            } else {
                leftDone = true
            }
        }
        // A left input that does not fit as it is may fit packed (integers in 1, 2 or 4 bytes): it is packed batch
        // by batch, and the rest of it is read packed, for the partitioned join.
        if !leftDone, PartitionedMergeJoin.accepts(keys: leftKeys, of: left.schema) {
            var packed: [HeldPiece] = []
            var packedBytes = 0
            func pack(_ batch: RecordBatch) {
                let piece = HeldPiece(
                    columns: parallelMap(batch.columns, work: batch.count) { PackedColumn.packing($0) },
                    rows: 0..<batch.count
                )
                packedBytes += piece.byteSize
                packed.append(piece)
            }
            leftBatches.reverse()
            while let batch = leftBatches.popLast() { pack(batch) }
            while packedBytes <= limit, !leftDone {
                if let batch = try left.next() { pack(batch) } else { leftDone = true }
            }
            if leftDone {
                let partitioned = try PartitionedMergeJoin.make(
                    packedLeft: &packed,
                    leftSchema: left.schema,
                    rightBuffered: [],
                    right: &right,
                    leftKeys: leftKeys,
                    rightKeys: rightKeys,
                    temporaryDirectory: temporaryDirectory,
                    holdBudget: max(0, limit - packedBytes),
                    keepRightKeys: keepRightKeys,
                    batchSize: batchSize,
                    prefetchRight: false
                )
                return PrefetchStream(partitioned, depth: 4)
            }
            // Too big even packed: the external sort takes the batches back.
            leftBatches = packed.map { $0.unpacked(schema: left.schema) }
        }
        // Both sides are held only when small; a bigger right side is split by key ranges into spill files.
        let inMemoryLimit = min(limit, inMemoryJoinLimit)
        while bytes <= inMemoryLimit, leftDone, !rightDone {
            if let batch = try right.next() {
                bytes += batch.estimatedByteSize
                rightBatches.append(batch)
            } else {
                rightDone = true
            }
        }
        if leftDone && rightDone {
            return try InMemoryMergeJoin(
                left: leftBatches,
                leftSchema: left.schema,
                right: rightBatches,
                rightSchema: right.schema,
                leftKeys: leftKeys,
                rightKeys: rightKeys,
                keepRightKeys: keepRightKeys,
                batchSize: batchSize
            )
        }
        if leftDone,
            let partitioned = try PartitionedMergeJoin.make(
                left: &leftBatches,
                leftSchema: left.schema,
                rightBuffered: rightBatches,
                right: &right,
                leftKeys: leftKeys,
                rightKeys: rightKeys,
                temporaryDirectory: temporaryDirectory,
                holdBudget: max(0, limit - bytes),
                keepRightKeys: keepRightKeys,
                batchSize: batchSize
            )
        {
            // The ranges are joined on another thread while the consumer handles the previous batches.
            return PrefetchStream(partitioned, depth: 4)
        }
        // Too big: sort both sides externally, starting with what was already read.
        // The buffered batches move into the sorter one by one, so that a spill can free them.
        func sorted(
            _ buffered: inout [RecordBatch],
            _ rest: inout any BatchStream,
            _ done: Bool,
            _ keys: [String]
        ) throws -> any BatchStream {
            let sorter = try ExternalSorter(
                schema: rest.schema,
                keys: keys.map { SortKey($0) },
                memoryBudget: memoryBudget / 2,
                temporaryDirectory: temporaryDirectory,
                batchSize: batchSize
            )
            buffered.reverse()
            while let batch = buffered.popLast() { try sorter.add(batch) }
            // A stream that has returned nil is not asked again.
            while !done, let batch = try rest.next() { try sorter.add(batch) }
            return try sorter.finish()
        }
        let sortedLeft = try sorted(&leftBatches, &left, leftDone, leftKeys)
        let sortedRight = try sorted(&rightBatches, &right, rightDone, rightKeys)
        return try MergeJoin(
            left: sortedLeft,
            right: sortedRight,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize
        )
    }
}
