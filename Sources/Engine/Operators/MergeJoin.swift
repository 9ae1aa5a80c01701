import Columnar
import Dispatch
import Foundation

/// Sort-merge inner join of two streams sorted ascending by their join keys (nulls anywhere).
///
/// For each key present on both sides, every pair of a left row and a right row with that key is emitted
/// (the cross product of the two windows of equal keys), in batches of at most `batchSize` rows, left rows
/// in input order and, for each, right rows in input order. Rows with a null in any key never join.
/// Memory holds the current batch of each side plus the longest window of equal keys.
///
/// Output columns: every left column, then the right columns without the right join keys (or with them,
/// when `keepRightKeys`). Key columns must have the same types on both sides, and output names must be
/// unique. Inputs that turn out not to be sorted raise an error; use ``sortingInputs(left:right:leftKeys:rightKeys:memoryBudget:temporaryDirectory:keepRightKeys:batchSize:)``
/// or ``RecordBatch/mergeJoin(_:_:leftKeys:rightKeys:keepRightKeys:batchSize:)`` for unsorted inputs.
public final class MergeJoin: BatchStream {
    /// The output schema.
    public let schema: Schema
    private let left: JoinSide
    private let right: JoinSide
    private let rightKept: [Int]
    private let batchSize: Int
    private var started = false
    private var done = false
    private var output: [RecordBatch] = []
    private var pending: PendingPairs?
    private var cross: CrossProduct?
    private var nextWindowID = 1 << 40

    /// A join of `left` and `right`, both sorted ascending by their keys.
    public init(
        left: any BatchStream,
        right: any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536
    ) throws(OperatorError) {
        precondition(batchSize > 0, "batch size must be positive")
        let layout = try Self.outputLayout(
            left: left.schema,
            right: right.schema,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys
        )
        self.schema = layout.schema
        self.rightKept = layout.rightKept
        self.batchSize = batchSize
        self.left = JoinSide(stream: left, keys: leftKeys, name: "left", idBase: 0)
        self.right = JoinSide(stream: right, keys: rightKeys, name: "right", idBase: 1 << 50)
    }

    /// The output schema of a join and the right columns it keeps, after checking keys, types and names.
    static func outputLayout(
        left: Schema,
        right: Schema,
        leftKeys: [String],
        rightKeys: [String],
        keepRightKeys: Bool
    ) throws(OperatorError) -> (schema: Schema, rightKept: [Int]) {
        guard !leftKeys.isEmpty, leftKeys.count == rightKeys.count else {
            throw OperatorError("join", "needs the same number (at least one) of left and right keys")
        }
        var rightKeyIndices = Set<Int>()
        for (l, r) in zip(leftKeys, rightKeys) {
            let li = try left.requireIndex(of: l, for: "join")
            let ri = try right.requireIndex(of: r, for: "join")
            let lt = left.fields[li].type
            let rt = right.fields[ri].type
            guard lt == rt else {
                throw OperatorError("join", "key \"\(l)\" is \(lt) on the left but \"\(r)\" is \(rt) on the right")
            }
            rightKeyIndices.insert(ri)
        }
        let kept = (0..<right.fields.count).filter { keepRightKeys || !rightKeyIndices.contains($0) }
        let fields = left.fields + kept.map { right.fields[$0] }
        var names = Set<String>()
        for field in fields where !names.insert(field.name).inserted {
            throw OperatorError("join", "both sides have a column named \"\(field.name)\"; rename one first")
        }
        return (Schema(fields), kept)
    }

    /// A join of two unsorted streams: each is first sorted by an ``ExternalSorter`` with half of
    /// `memoryBudget` (input already sorted is detected and passed through).
    public static func sortingInputs(
        left: any BatchStream,
        right: any BatchStream,
        leftKeys: [String],
        rightKeys: [String],
        memoryBudget: Int,
        temporaryDirectory: URL? = nil,
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536
    ) throws -> MergeJoin {
        func sorted(_ stream: any BatchStream, _ keys: [String]) throws -> any BatchStream {
            var stream = stream
            let sorter = try ExternalSorter(
                schema: stream.schema,
                keys: keys.map { SortKey($0) },
                memoryBudget: memoryBudget / 2,
                temporaryDirectory: temporaryDirectory,
                batchSize: batchSize
            )
            while let batch = try stream.next() { try sorter.add(batch) }
            return try sorter.finish()
        }
        return try MergeJoin(
            left: try sorted(left, leftKeys),
            right: try sorted(right, rightKeys),
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize
        )
    }

    public func next() throws -> RecordBatch? {
        if !started {
            started = true
            if try !left.start() || !right.start() { done = true }
        }
        while output.isEmpty && !done {
            if cross != nil {
                emitCross()
                continue
            }
            let c = left.compareCurrent(with: right)
            if c < 0 {
                if try !left.advance() { finish() }
            } else if c > 0 {
                if try !right.advance() { finish() }
            } else {
                let l = try left.takeWindow(&nextWindowID)
                let r = try right.takeWindow(&nextWindowID)
                if l.rows.count == 1 && r.rows.count == 1 {
                    // One pair (unique keys, the common case): no cross product to set up.
                    preparePending(l, r)
                    pending!.append(left: Int32(l.rows.lowerBound), right: Int32(r.rows.lowerBound))
                    if pending!.leftRows.count >= batchSize { flush() }
                    if !left.hasCurrent || !right.hasCurrent { finish() }
                    continue
                }
                cross = CrossProduct(left: l, right: r, a: l.rows.lowerBound, b: r.rows.lowerBound)
                emitCross()
                if cross == nil && (!left.hasCurrent || !right.hasCurrent) { finish() }
            }
        }
        return output.isEmpty ? nil : output.removeFirst()
    }

    private func finish() {
        done = true
        flush()
    }

    /// Emits pairs of the current cross product until it ends or an output batch is full.
    private func emitCross() {
        guard var state = cross else { return }
        defer {
            if state.a >= state.left.rows.upperBound {
                cross = nil
                if !left.hasCurrent || !right.hasCurrent { finish() }
            } else {
                cross = state
            }
        }
        while state.a < state.left.rows.upperBound {
            preparePending(state.left, state.right)
            let room = batchSize - pending!.leftRows.count
            let take = min(room, state.right.rows.upperBound - state.b)
            pending!.append(left: Int32(state.a), right: Int32(state.b)..<Int32(state.b + take))
            state.b += take
            if state.b == state.right.rows.upperBound {
                state.a += 1
                state.b = state.right.rows.lowerBound
            }
            if pending!.leftRows.count >= batchSize {
                flush()
                return
            }
        }
    }

    /// Makes `pending` collect pairs from these two windows' batches, flushing pairs of other batches.
    private func preparePending(_ l: JoinWindow, _ r: JoinWindow) {
        if pending?.leftID == l.id && pending?.rightID == r.id { return }
        flush()
        pending = PendingPairs(leftBatch: l.batch, leftID: l.id, rightBatch: r.batch, rightID: r.id)
    }

    /// Turns the pending pairs into an output batch.
    private func flush() {
        guard let p = pending, !p.leftRows.isEmpty else {
            pending = nil
            return
        }
        pending = nil
        let leftCount = p.leftBatch.columns.count
        let total = leftCount + rightKept.count
        let rightKept = self.rightKept
        var columns = [Column?](repeating: nil, count: total)
        let work: (Int) -> Column = { c in
            c < leftCount
                ? p.leftBatch.columns[c].take(p.leftRows)
                : p.rightBatch.columns[rightKept[c - leftCount]].take(p.rightRows)
        }
        if p.leftRows.count >= 16_384 && total > 1 {
            columns.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let buffer = buffer
                withoutActuallyEscaping(work) { work in
                    nonisolated(unsafe) let work = work
                    DispatchQueue.concurrentPerform(iterations: total) { buffer[$0] = work($0) }
                }
            }
        } else {
            for c in 0..<total { columns[c] = work(c) }
        }
        output.append(RecordBatch(schema: schema, columns: columns.map { $0! }))
    }
}

/// Rows `rows` of `batch` share one key; `id` identifies `batch` among the join's batches and windows.
struct JoinWindow {
    var batch: RecordBatch
    var id: Int
    var rows: Range<Int>
}

/// A cross product in progress: the next pair is (`a`, `b`).
struct CrossProduct {
    var left: JoinWindow
    var right: JoinWindow
    var a: Int
    var b: Int
}

/// Pairs waiting to become an output batch; all come from one left and one right batch.
struct PendingPairs {
    var leftBatch: RecordBatch
    var leftID: Int
    var rightBatch: RecordBatch
    var rightID: Int
    var leftRows: [Int32] = []
    var rightRows: [Int32] = []

    mutating func append(left: Int32, right: Int32) {
        leftRows.append(left)
        rightRows.append(right)
    }

    mutating func append(left: Int32, right: Range<Int32>) {
        for r in right {
            leftRows.append(left)
            rightRows.append(r)
        }
    }
}

/// One input of the join: the current batch, its normalized keys and the current row, which is always a
/// row without null keys.
final class JoinSide {
    private var stream: any BatchStream
    private let keyNames: [String]
    private let name: String
    private var nextID: Int
    private(set) var batch: RecordBatch?
    private var batchID = 0
    private(set) var keys: NormalizedKeys?
    private var fixed: UnsafeMutableBufferPointer<UInt64>?
    private(set) var position = 0
    /// The keys and row of the previous current row, to check that the input is sorted.
    private var previous: (keys: NormalizedKeys, row: Int)?
    /// The previous key when it came from the fixed-width fast path.
    private var previousFixed: UInt64?

    init(stream: any BatchStream, keys: [String], name: String, idBase: Int) {
        self.stream = stream
        self.keyNames = keys
        self.name = name
        self.nextID = idBase
    }

    var hasCurrent: Bool { batch != nil }

    /// Loads the first row; false when the input has no row with non-null keys.
    func start() throws -> Bool {
        guard try loadBatch() else { return false }
        return try settle()
    }

    private func loadBatch() throws -> Bool {
        while let next = try stream.next() {
            guard next.count > 0 else { continue }
            let normalized = try NormalizedKeys(next, names: keyNames, operation: "join")
            batch = next
            nextID += 1
            batchID = nextID
            keys = normalized
            fixed = normalized.columns.count == 1 && !normalized.columns[0].hasNulls ? normalized.columns[0].fixed : nil
            position = 0
            return true
        }
        batch = nil
        keys = nil
        fixed = nil
        return false
    }

    /// Moves forward from `position` to the first row without null keys (loading batches) and checks the
    /// order against the previous row. False at the end of the input.
    private func settle() throws -> Bool {
        // Fast path: one fixed-width key without nulls in this batch.
        if let fixed, position < batch!.count {
            let key = fixed[position]
            if let last = previousFixed, key < last { throw notSorted() }
            previousFixed = key
            return true
        }
        while true {
            guard let batch, let keys else { return false }
            while position < batch.count && keys.anyNull(position) { position += 1 }
            if position < batch.count { break }
            guard try loadBatch() else { return false }
        }
        if keys!.columns.count == 1, let single = keys!.columns[0].fixed {
            if let last = previousFixed, single[position] < last { throw notSorted() }
            previousFixed = single[position]
        } else {
            if let previous, keys!.compare(position, previous.keys, previous.row) < 0 { throw notSorted() }
            previous = (keys!, position)
        }
        return true
    }

    private func notSorted() -> OperatorError {
        OperatorError("join", "the \(name) input is not sorted by \(keyNames.joined(separator: ", ")); sort it first")
    }

    /// Moves to the next row; false at the end.
    func advance() throws -> Bool {
        position += 1
        return try settle()
    }

    /// Compares the current keys with `other`'s.
    @inline(__always)
    func compareCurrent(with other: JoinSide) -> Int {
        if let x = fixed, let y = other.fixed {
            let u = x[position]
            let v = y[other.position]
            return u < v ? -1 : u == v ? 0 : 1
        }
        return keys!.compare(position, other.keys!, other.position)
    }

    /// The rows from the current one that share its key (across batches when needed), leaving the cursor
    /// after them.
    func takeWindow(_ windowIDs: inout Int) throws -> JoinWindow {
        let startBatch = batch!
        let startKeys = keys!
        let startID = batchID
        let start = position
        var end = start + 1
        if let fixed {
            let key = fixed[start]
            while end < startBatch.count && fixed[end] == key { end += 1 }
        } else {
            while end < startBatch.count && !startKeys.anyNull(end) && startKeys.compare(end, startKeys, start) == 0 {
                end += 1
            }
        }
        if end < startBatch.count {
            position = end - 1
            _ = try advance()
            return JoinWindow(batch: startBatch, id: startID, rows: start..<end)
        }
        // The window reaches the end of the batch: it may continue in the next ones.
        var pieces = [startBatch.slice(start..<startBatch.count)]
        while try loadBatch() {
            let b = batch!
            let k = keys!
            var e = 0
            while e < b.count && !k.anyNull(e) && k.compare(e, startKeys, start) == 0 { e += 1 }
            if e > 0 { pieces.append(b.slice(0..<e)) }
            if e < b.count {
                position = e
                _ = try settle()
                break
            }
        }
        if pieces.count == 1 {
            return JoinWindow(batch: startBatch, id: startID, rows: start..<startBatch.count)
        }
        windowIDs += 1
        let window = RecordBatch.concatenate(pieces, schema: startBatch.schema)
        return JoinWindow(batch: window, id: windowIDs, rows: 0..<window.count)
    }
}

extension RecordBatch {
    /// The sort-merge inner join of two in-memory batches (see ``InMemoryMergeJoin``: row numbers are sorted,
    /// not rows, and each side already sorted is detected in one pass). See ``MergeJoin`` for the output
    /// columns and semantics.
    public static func mergeJoin(
        _ left: RecordBatch,
        _ right: RecordBatch,
        leftKeys: [String],
        rightKeys: [String],
        keepRightKeys: Bool = false,
        batchSize: Int = 65_536
    ) throws -> RecordBatch {
        var join = try InMemoryMergeJoin(
            left: left,
            right: right,
            leftKeys: leftKeys,
            rightKeys: rightKeys,
            keepRightKeys: keepRightKeys,
            batchSize: batchSize
        )
        return try join.collect()
    }
}
