import Columnar
import Dispatch
import Foundation

/// Sort-merge inner join of a left input held in memory with a right input that is streamed once and spilled in
/// key ranges, for one fixed-width key (integers, dates, timestamps, floats, booleans).
///
/// The left rows' keys are sorted (row numbers only) and cut into ranges of about `partitionRows` rows. Each
/// right batch is split by those ranges as it arrives (rows with a null key, or a key absent from the left when
/// the keys are dense enough for a bitmap, are dropped) and each piece appended to the range's spill file (at
/// most ``maxPartitions`` of them), so
/// the right input is never held whole. The ranges are then joined one after another by ``InMemoryMergeJoin``,
/// so the output comes out in key order a batch at a time. Output order and columns are those of ``MergeJoin``.
///
/// Memory: the left input, its sorted keys, one right batch with its pieces, and one range of both sides.
public final class PartitionedMergeJoin: BatchStream {
    public let schema: Schema
    private let left: InMemoryJoinInput
    private let leftOrder: [Int32]
    /// `leftStarts[p] ..< leftStarts[p + 1]` are the positions in `leftOrder` of the rows of range `p`.
    private let leftStarts: [Int]
    private let rightSchema: Schema
    private let leftKeys: [String]
    private let rightKeys: [String]
    private let keepRightKeys: Bool
    private let batchSize: Int
    private let spills: [String]
    private var partition = 0
    /// At most this many spill files are open at once.
    static let maxPartitions = 64
    private var current: InMemoryMergeJoin?

    /// Joins `left` (in memory) with the right input: `rightBuffered` first, then the rest of `right`.
    /// Returns `nil` when the keys are not a single fixed-width column (the caller uses another plan); the
    /// right input is untouched then. Spill files go to `temporaryDirectory` (default: the system's).
    public static func make(
        left: [RecordBatch],
        leftSchema: Schema,
        rightBuffered: [RecordBatch],
        right: inout any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        temporaryDirectory: URL?,
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536,
        partitionRows: Int = 1 << 18
    ) throws -> PartitionedMergeJoin? {
        guard leftKeys.count == 1, rightKeys.count == 1 else { return nil }
        let input = try InMemoryJoinInput(left, schema: leftSchema, keys: leftKeys)
        let normalized = try NormalizedKeys(input.keyBatch, names: leftKeys, operation: "join")
        guard let fixed = normalized.columns[0].fixed else { return nil }
        let order = try InMemoryMergeJoin.order(input.keyBatch, leftKeys, normalized)
        let sortedKeys = withExtendedLifetime(normalized) { order.map { fixed[Int($0)] } }
        return try PartitionedMergeJoin(
            left: input,
            leftOrder: order,
            sortedKeys: sortedKeys,
            rightBuffered: rightBuffered,
            right: &right,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            temporaryDirectory: temporaryDirectory,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize,
            partitionRows: partitionRows
        )
    }

    private init(
        left: InMemoryJoinInput,
        leftOrder: [Int32],
        sortedKeys: [UInt64],
        rightBuffered: [RecordBatch],
        right: inout any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        temporaryDirectory: URL?,
        keepRightKeys: Bool,
        batchSize: Int,
        partitionRows: Int
    ) throws {
        precondition(batchSize > 0 && partitionRows > 0, "batch and partition sizes must be positive")
        schema = try MergeJoin.outputLayout(
            left: left.schema,
            right: right.schema,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys
        ).schema
        self.left = left
        self.leftOrder = leftOrder
        self.rightSchema = right.schema
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.keepRightKeys = keepRightKeys
        self.batchSize = batchSize
        // Range p holds the keys k with boundaries[p - 1] <= k < boundaries[p].
        let n = sortedKeys.count
        let count = min(Self.maxPartitions, max(1, (n + partitionRows - 1) / partitionRows))
        var boundaries: [UInt64] = []
        for p in 1..<count { boundaries.append(sortedKeys[p * n / count]) }
        var starts = [0]
        for b in boundaries { starts.append(Self.lowerBound(sortedKeys, b)) }
        starts.append(n)
        leftStarts = starts
        // A bitmap of the left keys when they are dense: right rows without a partner are not spilled.
        var bitmap: [UInt64] = []
        var low: UInt64 = 0
        var span: UInt64 = 0
        if let first = sortedKeys.first, let last = sortedKeys.last, last - first < UInt64(max(n, 1 << 16)) * 16 {
            low = first
            span = last - first + 1
            bitmap = [UInt64](repeating: 0, count: Int(span / 64) + 1)
            bitmap.withUnsafeMutableBufferPointer { bits in
                for k in sortedKeys {
                    let d = k &- low
                    bits[Int(d >> 6)] |= 1 << (d & 63)
                }
            }
        }
        let directory = temporaryDirectory ?? FileManager.default.temporaryDirectory
        let tag = UUID().uuidString
        spills = (0..<count).map { directory.appendingPathComponent("join-\(tag)-\($0).spill").path }
        let writers = try spills.map { try SpillWriter(path: $0) }
        do {
            let splitter = RangeSplitter(
                boundaries: boundaries,
                bitmap: bitmap,
                low: low,
                span: span,
                key: try right.schema.requireIndex(of: rightKeys[0], for: "join"),
                keyName: rightKeys[0]
            )
            for batch in rightBuffered { try splitter.split(batch, into: writers) }
            while let batch = try right.next() { try splitter.split(batch, into: writers) }
            for writer in writers { try writer.close() }
        } catch {
            for path in spills { unlink(path) }
            throw error
        }
    }

    deinit {
        for p in partition..<spills.count { unlink(spills[p]) }
    }

    private static func lowerBound(_ keys: [UInt64], _ value: UInt64) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    public func next() throws -> RecordBatch? {
        while true {
            if var join = current {
                let batch = join.next()
                current = join
                if let batch { return batch }
                current = nil
                unlink(spills[partition])
                partition += 1
            }
            guard partition < spills.count else { return nil }
            let reader = try SpillReader(path: spills[partition], schema: rightSchema)
            var pieces: [RecordBatch] = []
            while let piece = try reader.next() { pieces.append(piece) }
            // One batch: output rows are then taken from it directly, a column per core.
            pieces = [RecordBatch.concatenate(pieces, schema: rightSchema)]
            let rows = Array(leftOrder[leftStarts[partition]..<leftStarts[partition + 1]])
            let leftPart = RecordBatch(
                schema: left.schema,
                columns: left.gather(rows, columns: Array(0..<left.schema.fields.count))
            )
            current = try InMemoryMergeJoin(
                left: [leftPart],
                leftSchema: left.schema,
                right: pieces,
                rightSchema: rightSchema,
                leftKeys: leftKeys,
                rightKeys: rightKeys,
                keepRightKeys: keepRightKeys,
                batchSize: batchSize
            )
        }
    }
}

/// Splits right batches by key range into spill files.
private struct RangeSplitter {
    let boundaries: [UInt64]
    let bitmap: [UInt64]
    let low: UInt64
    let span: UInt64
    let key: Int
    let keyName: String

    func split(_ batch: RecordBatch, into writers: [SpillWriter]) throws {
        guard batch.count > 0 else { return }
        let keys = try NormalizedKeyColumn(batch.columns[key], name: keyName, operation: "join")
        let count = writers.count
        // Range of every row (count = dropped), then the rows grouped by range, in input order.
        var sizes = [Int](repeating: 0, count: count + 1)
        var ranges = [Int32](repeating: 0, count: batch.count)
        withExtendedLifetime(keys) {
            let fixed = keys.fixed!
            let useBitmap = !bitmap.isEmpty
            boundaries.withUnsafeBufferPointer { bounds in
                bitmap.withUnsafeBufferPointer { bits in
                    for i in 0..<batch.count {
                        var range = count
                        let k = fixed[i]
                        let d = k &- low
                        if !keys.isNull(i) && (!useBitmap || (d < span && bits[Int(d >> 6)] & (1 << (d & 63)) != 0)) {
                            var lo = 0
                            var hi = bounds.count
                            while lo < hi {
                                let middle = (lo + hi) / 2
                                if bounds[middle] <= k { lo = middle + 1 } else { hi = middle }
                            }
                            range = lo
                        }
                        ranges[i] = Int32(range)
                        sizes[range] += 1
                    }
                }
            }
        }
        var starts = [Int](repeating: 0, count: count + 2)
        for r in 0...count { starts[r + 1] = starts[r] + sizes[r] }
        var next = starts
        var rows = [Int32](repeating: 0, count: batch.count)
        for i in 0..<batch.count {
            let r = Int(ranges[i])
            rows[next[r]] = Int32(i)
            next[r] += 1
        }
        // Each column reordered by range in one sequential pass (both cores, a column each), then cut.
        let kept = starts[count]
        let groupStarts = starts
        let columns = UnsafeMutableBufferPointer<Column?>.allocate(capacity: batch.columns.count)
        columns.initialize(repeating: nil)
        defer {
            _ = columns.deinitialize()
            columns.deallocate()
        }
        nonisolated(unsafe) let shared = columns
        ranges.withUnsafeBufferPointer { ranges in
            rows.withUnsafeBufferPointer { rows in
                nonisolated(unsafe) let ranges = ranges
                nonisolated(unsafe) let rows = UnsafeBufferPointer(rebasing: rows[0..<kept])
                DispatchQueue.concurrentPerform(iterations: batch.columns.count) { c in
                    shared[c] = Self.grouped(batch.columns[c], ranges: ranges, rows: rows, starts: groupStarts)
                }
            }
        }
        let reordered = columns.map { $0! }
        for r in 0..<count where sizes[r] > 0 {
            let range = starts[r]..<starts[r + 1]
            try writers[r].write(RecordBatch(schema: batch.schema, columns: reordered.map { $0.slice(range) }))
        }
    }

    /// The kept rows of `column` grouped by range (input order within a range): fixed-width values and validity
    /// are scattered in one pass over the column; byte arrays are gathered by `rows`.
    private static func grouped(
        _ column: Column,
        ranges: UnsafeBufferPointer<Int32>,
        rows: UnsafeBufferPointer<Int32>,
        starts: [Int]
    ) -> Column {
        func scatter<T>(_ values: [T]) -> [T] {
            var next = starts
            return values.withUnsafeBufferPointer { source in
                [T](unsafeUninitializedCapacity: rows.count) { destination, initialized in
                    let base = destination.baseAddress!
                    let dropped = next.count - 2
                    for i in 0..<source.count {
                        let r = Int(ranges[i])
                        if r == dropped { continue }
                        (base + next[r]).initialize(to: source[i])
                        next[r] += 1
                    }
                    initialized = rows.count
                }
            }
        }
        let values: ColumnValues =
            switch column.values {
            case .boolean(let v): .boolean(scatter(v))
            case .int32(let v): .int32(scatter(v))
            case .int64(let v): .int64(scatter(v))
            case .float(let v): .float(scatter(v))
            case .double(let v): .double(scatter(v))
            case .bytes: Column(type: column.type, values: column.values).take(rows).values
            }
        return Column(type: column.type, values: values, validity: column.validity.map { scatter($0) })
    }
}
