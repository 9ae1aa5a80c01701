import Columnar
import Foundation

/// Sort-merge inner join that splits both inputs by key range, for one fixed-width key (integers, dates,
/// timestamps, floats, booleans): the left input is held, the right input is streamed once.
///
/// Range boundaries are quantiles of a sample of the left keys, about `partitionRows` left rows a range (at most
/// ``maxPartitions`` ranges). Both inputs are split by those ranges batch by batch, in input order; rows with a
/// null key, and right rows whose key the left does not hold (when the left keys are dense enough for a
/// bitmap), are dropped. The pieces are held packed (``PackedColumn``: integers as narrow offsets); the left
/// always, the right while it fits in `holdBudget` bytes, after which the right pieces of later batches go to
/// one spill file per range (opened for each piece appended). The ranges are then joined in key order by
/// ``InMemoryMergeJoin``, each small enough to stay in the core's cache while it is sorted and gathered, so the
/// output comes out in key order a batch at a time. Output order and columns are those of ``MergeJoin``.
///
/// Memory: both inputs packed (the right one up to `holdBudget`), two right batches (one being decoded ahead)
/// with the pieces of one, and one range of both sides unpacked. All rows of one key fall in one range, so a key
/// that holds a large share of the rows makes that range large.
public final class PartitionedMergeJoin: BatchStream {
    public let schema: Schema
    private let leftSchema: Schema
    private let rightSchema: Schema
    private let leftKeys: [String]
    private let rightKeys: [String]
    private let keepRightKeys: Bool
    private let batchSize: Int
    /// The left rows of each range, in input order.
    private var leftHeld: [[HeldPiece]]
    /// The right rows of each range held in memory, in input order.
    private var rightHeld: [[HeldPiece]]
    /// The spill file of each range that has one; its rows follow the held ones in input order.
    private var spills: [String?]
    private var partition = 0
    /// At most this many ranges (and spill files).
    static let maxPartitions = 512
    private var current: InMemoryMergeJoin?

    /// Whether the join takes these keys: one column of a fixed-width type.
    static func accepts(keys: [String], of schema: Schema) -> Bool {
        guard keys.count == 1, let index = schema.index(of: keys[0]) else { return false }
        let type = schema.fields[index].type
        let probe = try? NormalizedKeyColumn(
            Column(type: type, values: ColumnValues.empty(for: type)),
            name: keys[0],
            operation: "join"
        )
        return probe?.fixed != nil
    }

    /// Joins `left` (in memory; the batches are taken out of the array as they are split) with the right
    /// input: `rightBuffered` first, then the rest of `right`. Returns `nil`, leaving both inputs untouched, when
    /// the keys are not a single fixed-width column (the caller uses another plan). Spill files go to
    /// `temporaryDirectory` (default: the system's).
    public static func make(
        left: inout [RecordBatch],
        leftSchema: Schema,
        rightBuffered: [RecordBatch],
        right: inout any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        temporaryDirectory: URL?,
        holdBudget: Int = 0,
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536,
        partitionRows: Int = 1 << 15
    ) throws -> PartitionedMergeJoin? {
        guard leftKeys.count == 1, rightKeys.count == 1 else { return nil }
        let keyIndex = try leftSchema.requireIndex(of: leftKeys[0], for: "join")
        guard accepts(keys: leftKeys, of: leftSchema) else { return nil }
        let summary = try KeySummary(left.map { $0.columns[keyIndex] }, name: leftKeys[0])
        var batches = left
        left = []
        batches.reverse()
        return try PartitionedMergeJoin(
            leftSummary: summary,
            nextLeft: { batches.popLast() },
            leftSchema: leftSchema,
            rightBuffered: rightBuffered,
            right: &right,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            temporaryDirectory: temporaryDirectory,
            holdBudget: holdBudget,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize,
            partitionRows: partitionRows
        )
    }

    /// ``make(left:leftSchema:rightBuffered:right:leftKeys:rightKeys:temporaryDirectory:holdBudget:keepRightKeys:batchSize:partitionRows:)``
    /// for a left input already packed (whole batches as ``HeldPiece``s, of a fixed-width key): the pieces are
    /// unpacked, split and released one by one, so the left is never held unpacked. With `prefetchRight` false the
    /// right is read on the caller's thread, one batch in memory at a time.
    static func make(
        packedLeft left: inout [HeldPiece],
        leftSchema: Schema,
        rightBuffered: [RecordBatch],
        right: inout any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        temporaryDirectory: URL?,
        holdBudget: Int = 0,
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536,
        partitionRows: Int = 1 << 15,
        prefetchRight: Bool = true
    ) throws -> PartitionedMergeJoin {
        precondition(leftKeys.count == 1 && rightKeys.count == 1, "one key column")
        let keyIndex = try leftSchema.requireIndex(of: leftKeys[0], for: "join")
        let keyType = leftSchema.fields[keyIndex].type
        // The keys are unpacked for the summary only (and released after it).
        let summary = try KeySummary(
            left.map { PackedColumn.concatenate([($0.columns[keyIndex], $0.rows)], type: keyType) },
            name: leftKeys[0]
        )
        var pieces = left
        left = []
        pieces.reverse()
        return try PartitionedMergeJoin(
            leftSummary: summary,
            nextLeft: { pieces.popLast()?.unpacked(schema: leftSchema) },
            leftSchema: leftSchema,
            rightBuffered: rightBuffered,
            right: &right,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            temporaryDirectory: temporaryDirectory,
            holdBudget: holdBudget,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize,
            partitionRows: partitionRows,
            prefetchRight: prefetchRight
        )
    }

    /// `leftSummary` describes the left's keys; `nextLeft` hands out the left batches in input order (each is
    /// split and released before the next is asked for).
    private init(
        leftSummary summary: KeySummary,
        nextLeft: () -> RecordBatch?,
        leftSchema: Schema,
        rightBuffered: [RecordBatch],
        right: inout any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        temporaryDirectory: URL?,
        holdBudget: Int,
        keepRightKeys: Bool,
        batchSize: Int,
        partitionRows: Int,
        prefetchRight: Bool = true
    ) throws {
        precondition(batchSize > 0 && partitionRows > 0, "batch and partition sizes must be positive")
        schema = try MergeJoin.outputLayout(
            left: leftSchema,
            right: right.schema,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys
        ).schema
        self.leftSchema = leftSchema
        self.rightSchema = right.schema
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.keepRightKeys = keepRightKeys
        self.batchSize = batchSize
        let leftKey = try leftSchema.requireIndex(of: leftKeys[0], for: "join")
        let lookup = summary.lookup(
            min(Self.maxPartitions, max(1, (summary.count + partitionRows - 1) / partitionRows))
        )
        let count = lookup.boundaries.count + 1
        leftHeld = Array(repeating: [], count: count)
        rightHeld = Array(repeating: [], count: count)
        spills = Array(repeating: nil, count: count)
        // The left batches are split and released one by one.
        let leftSplitter = RangeSplitter(lookup: lookup, bitmap: nil, key: leftKey, keyName: leftKeys[0])
        while let batch = nextLeft() {
            for (r, piece) in try leftSplitter.split(batch).enumerated() where !piece.rows.isEmpty {
                leftHeld[r].append(piece)
            }
        }
        let splitter = RangeSplitter(
            lookup: lookup,
            bitmap: summary.bitmap,
            key: try right.schema.requireIndex(of: rightKeys[0], for: "join"),
            keyName: rightKeys[0]
        )
        let directory = temporaryDirectory ?? FileManager.default.temporaryDirectory
        let tag = UUID().uuidString
        var heldBytes = 0
        var spilling = false
        do {
            func add(_ batch: RecordBatch) throws {
                let pieces = try splitter.split(batch)
                let bytes = pieces.first?.byteSize ?? 0
                spilling = spilling || heldBytes + bytes > holdBudget
                if !spilling {
                    heldBytes += bytes
                    for (r, piece) in pieces.enumerated() where !piece.rows.isEmpty { rightHeld[r].append(piece) }
                    return
                }
                // Appended and closed piece by piece: hundreds of ranges must not hold as many open files and
                // stdio buffers.
                for (r, piece) in pieces.enumerated() where !piece.rows.isEmpty {
                    let appending = spills[r] != nil
                    let path = spills[r] ?? directory.appendingPathComponent("join-\(tag)-\(r).spill").path
                    spills[r] = path
                    let writer = try SpillWriter(path: path, appending: appending)
                    try writer.write(piece.unpacked(schema: batch.schema))
                    try writer.close()
                }
            }
            for batch in rightBuffered { try add(batch) }
            // The next batch is read (decoded) on another thread while this one is split, unless memory is
            // tight: a decoded batch (a Parquet row group) can be hundreds of megabytes.
            if prefetchRight {
                let rest = PrefetchStream(right, depth: 1)
                right = rest
            }
            while let batch = try right.next() { try add(batch) }
        } catch {
            for path in spills { if let path { unlink(path) } }
            throw error
        }
    }

    deinit {
        for p in partition..<spills.count { if let path = spills[p] { unlink(path) } }
    }

    public func next() throws -> RecordBatch? {
        while true {
            if var join = current {
                let batch = join.next()
                current = join
                if let batch { return batch }
                current = nil
                leftHeld[partition] = []
                rightHeld[partition] = []
                if let path = spills[partition] { unlink(path) }
                partition += 1
            }
            guard partition < spills.count else { return nil }
            current = try InMemoryMergeJoin(
                left: [Self.unpack(leftHeld[partition], schema: leftSchema)],
                leftSchema: leftSchema,
                right: [try rightRows(of: partition)],
                rightSchema: rightSchema,
                leftKeys: leftKeys,
                rightKeys: rightKeys,
                keepRightKeys: keepRightKeys,
                batchSize: batchSize
            )
        }
    }

    /// The rows of `pieces`, one after another, unpacked into one batch (a column per core).
    private static func unpack(_ pieces: [HeldPiece], schema: Schema) -> RecordBatch {
        guard !pieces.isEmpty else { return .empty(schema) }
        let columns = parallelMap(Array(0..<schema.fields.count), work: pieces.reduce(0) { $0 + $1.rows.count }) {
            c in
            PackedColumn.concatenate(pieces.map { ($0.columns[c], $0.rows) }, type: schema.fields[c].type)
        }
        return RecordBatch(schema: schema, columns: columns)
    }

    /// The right rows of range `p` as one batch: the held pieces unpacked, then the spilled ones.
    private func rightRows(of p: Int) throws -> RecordBatch {
        var batches = [Self.unpack(rightHeld[p], schema: rightSchema)]
        if let path = spills[p] {
            let reader = try SpillReader(path: path, schema: rightSchema)
            while let piece = try reader.next() { batches.append(piece) }
        }
        return RecordBatch.concatenate(batches.filter { $0.count > 0 }, schema: rightSchema)
    }
}

/// What the range split needs to know of the left keys: their count, a sample for the range boundaries, and a
/// bitmap of them when they are dense.
private struct KeySummary {
    /// Non-null keys.
    var count = 0
    /// Every `stride`-th normalized key, sorted.
    var sample: [UInt64] = []
    /// The smallest and the largest key (when `count > 0`).
    var low = UInt64.max
    var high = UInt64.min
    var bitmap: KeyBitmap?

    static let sampleSize = 1 << 16

    init(_ columns: [Column], name: String) throws {
        let total = columns.reduce(0) { $0 + $1.count }
        let stride = max(1, total / Self.sampleSize)
        var position = 0
        for column in columns {
            let keys = try NormalizedKeyColumn(column, name: name, operation: "join")
            withExtendedLifetime(keys) {
                let fixed = keys.fixed!
                for i in 0..<keys.count where !keys.isNull(i) {
                    let k = fixed[i]
                    count += 1
                    low = min(low, k)
                    high = max(high, k)
                    if position % stride == 0 { sample.append(k) }
                    position += 1
                }
            }
        }
        sample.sort()
        // A bitmap of the keys when they are dense: right rows without a partner are then not held.
        guard count > 0, high - low < UInt64(max(count, 1 << 16)) * 16 else { return }
        let span = high - low + 1
        var bits = [UInt64](repeating: 0, count: Int(span / 64) + 1)
        for column in columns {
            let keys = try NormalizedKeyColumn(column, name: name, operation: "join")
            withExtendedLifetime(keys) {
                let fixed = keys.fixed!
                bits.withUnsafeMutableBufferPointer { bits in
                    for i in 0..<keys.count where !keys.isNull(i) {
                        let d = fixed[i] &- low
                        bits[Int(d >> 6)] |= 1 << (d & 63)
                    }
                }
            }
        }
        bitmap = KeyBitmap(bits: bits, low: low, span: span)
    }

    /// At most `count - 1` increasing boundaries that cut the sample into `count` ranges of about equal size.
    func lookup(_ count: Int) -> RangeLookup {
        guard !sample.isEmpty else { return RangeLookup(boundaries: [], low: 0, high: 0) }
        var result: [UInt64] = []
        for p in 1..<max(count, 1) {
            let b = sample[p * sample.count / count]
            if result.last.map({ $0 < b }) ?? true { result.append(b) }
        }
        return RangeLookup(boundaries: result, low: low, high: high)
    }
}

/// The right rows of one key range from one input batch: rows `rows` of the batch's packed columns.
struct HeldPiece {
    let columns: [PackedColumn]
    let rows: Range<Int>

    /// The memory its packed columns hold (shared with the other pieces of the same batch).
    var byteSize: Int { columns.reduce(0) { $0 + $1.byteSize } }

    func unpacked(schema: Schema) -> RecordBatch {
        RecordBatch(
            schema: schema,
            columns: columns.map { PackedColumn.concatenate([($0, rows)], type: $0.type) }
        )
    }
}

/// One bit for each key in `low ..< low + span` that the left input holds.
struct KeyBitmap {
    let bits: [UInt64]
    let low: UInt64
    let span: UInt64
}

/// The range of a normalized key: the number of boundaries at or below it. A table over `low ... high` in at most
/// 4096 cells gives the range of each cell's first key, so a lookup is one load and rarely a step or two.
struct RangeLookup {
    /// Increasing; range `p` holds the keys `k` with `boundaries[p - 1] <= k < boundaries[p]`.
    let boundaries: [UInt64]
    let low: UInt64
    let shift: UInt64
    /// `table[c]` is the range of the key `low + c << shift`.
    let table: [Int32]

    /// Boundaries must lie in `low ... high` (they are left keys).
    init(boundaries: [UInt64], low: UInt64, high: UInt64) {
        self.boundaries = boundaries
        self.low = low
        let span = high &- low
        let shift = UInt64(max(0, (64 - span.leadingZeroBitCount) - 12))
        self.shift = shift
        var table: [Int32] = []
        var r = 0
        for cell in 0...(span >> shift) {
            let first = low + cell << shift
            while r < boundaries.count && boundaries[r] <= first { r += 1 }
            table.append(Int32(r))
        }
        self.table = table
    }

    func withTables<R>(_ body: (Tables) -> R) -> R {
        boundaries.withUnsafeBufferPointer { bounds in
            table.withUnsafeBufferPointer { table in
                body(Tables(bounds: bounds, table: table, low: low, shift: shift))
            }
        }
    }

    struct Tables {
        let bounds: UnsafeBufferPointer<UInt64>
        let table: UnsafeBufferPointer<Int32>
        let low: UInt64
        let shift: UInt64

        @inline(__always)
        func range(of k: UInt64) -> Int {
            if k < low { return 0 }
            let cell = (k &- low) >> shift
            if cell >= UInt64(table.count) { return bounds.count }
            var r = Int(table[Int(cell)])
            while r < bounds.count && bounds[r] <= k { r &+= 1 }
            return r
        }
    }
}

/// Splits right batches by key range into packed pieces.
private struct RangeSplitter {
    let lookup: RangeLookup
    let bitmap: KeyBitmap?
    let key: Int
    let keyName: String

    /// The rows of `batch` for each range (input order within a range), packed; rows with a null key or (with
    /// a bitmap) a key the left does not hold are dropped. All pieces share the same packed columns.
    func split(_ batch: RecordBatch) throws -> [HeldPiece] {
        let count = lookup.boundaries.count + 1
        let n = batch.count
        guard n > 0 else { return Array(repeating: HeldPiece(columns: [], rows: 0..<0), count: count) }
        let keys = try NormalizedKeyColumn(batch.columns[key], name: keyName, operation: "join")
        // Range of every row (count = dropped), then the rows grouped by range, in input order.
        var sizes = [Int](repeating: 0, count: count + 1)
        var ranges = [Int32](repeating: 0, count: n)
        withExtendedLifetime(keys) {
            let fixed = keys.fixed!
            let validity = keys.validity
            let bits = bitmap?.bits ?? []
            let low = bitmap?.low ?? 0
            let span = bitmap?.span ?? 0
            let useBitmap = bitmap != nil
            lookup.withTables { lookup in
                bits.withUnsafeBufferPointer { bits in
                    sizes.withUnsafeMutableBufferPointer { sizes in
                        ranges.withUnsafeMutableBufferPointer { ranges in
                            for i in 0..<n {
                                let k = fixed[i]
                                let d = k &- low
                                let kept =
                                    (validity == nil || validity![i])
                                    && (!useBitmap || (d < span && bits[Int(d >> 6)] & (1 << (d & 63)) != 0))
                                let range = kept ? lookup.range(of: k) : count
                                ranges[i] = Int32(truncatingIfNeeded: range)
                                sizes[range] &+= 1
                            }
                        }
                    }
                }
            }
        }
        var starts = [Int](repeating: 0, count: count + 2)
        for r in 0...count { starts[r + 1] = starts[r] + sizes[r] }
        // Where each row goes (-1: dropped) and, inversely, the source row of each place.
        var next = starts
        let kept = starts[count]
        var destinations = [Int32](repeating: -1, count: n)
        var rows = [Int32](repeating: 0, count: kept)
        ranges.withUnsafeBufferPointer { ranges in
            next.withUnsafeMutableBufferPointer { next in
                destinations.withUnsafeMutableBufferPointer { destinations in
                    rows.withUnsafeMutableBufferPointer { rows in
                        for i in 0..<n {
                            let r = Int(ranges[i])
                            if r == count { continue }
                            let slot = next[r]
                            next[r] = slot &+ 1
                            destinations[i] = Int32(truncatingIfNeeded: slot)
                            rows[slot] = Int32(truncatingIfNeeded: i)
                        }
                    }
                }
            }
        }
        let columns = destinations.withUnsafeBufferPointer { destinations in
            rows.withUnsafeBufferPointer { rows in
                nonisolated(unsafe) let destinations = destinations
                nonisolated(unsafe) let rows = rows
                return parallelMap(batch.columns, work: batch.count) {
                    PackedColumn.scattering($0, rows: rows, destinations: destinations)
                }
            }
        }
        return (0..<count).map { HeldPiece(columns: columns, rows: starts[$0]..<starts[$0 + 1]) }
    }
}
