import Columnar
import Dispatch

extension RecordBatch {
    /// The rows sorted by `keys` (stable: rows with equal keys keep their input order).
    ///
    /// Nulls sort last unless the key says ``SortKey/nullsFirst``. Supported key types: boolean, every integer,
    /// date, timestamp, decimal up to 18 digits, float, double (NaN above +infinity), string and binary
    /// (unsigned byte order, which for UTF-8 is code point order).
    public func sorted(by keys: [SortKey]) throws(OperatorError) -> RecordBatch {
        take(try sortPermutation(by: keys))
    }

    /// The permutation that sorts the rows by `keys`, stably: row `result[0]` comes first.
    ///
    /// When the keys' value ranges and the row number fit together in 64 bits (dates, small integers, a
    /// few keys), the rows are radix sorted on packed keys; otherwise a comparison sort runs. Large inputs
    /// are sorted in two halves on both cores and merged.
    public func sortPermutation(by keys: [SortKey]) throws(OperatorError) -> [Int32] {
        precondition(count <= Int(Int32.max), "sort supports at most 2^31 - 1 rows per batch")
        let n = count
        for key in keys { _ = try schema.requireIndex(of: key.column, for: "sort") }
        if keys.isEmpty || n <= 1 { return (0..<Int32(n)).map { $0 } }
        let normalized = try NormalizedKeys(self, names: keys.map(\.column), operation: "sort")
        if let permutation = packedSortPermutation(normalized, keys) { return permutation }
        return comparisonSortPermutation(normalized, keys)
    }

    /// Whether the rows are already in the order `keys` give (ties in any order).
    public func isSorted(by keys: [SortKey]) throws(OperatorError) -> Bool {
        for key in keys { _ = try schema.requireIndex(of: key.column, for: "sort") }
        if keys.isEmpty || count <= 1 { return true }
        let normalized = try NormalizedKeys(self, names: keys.map(\.column), operation: "sort")
        return isSortedImpl(normalized, keys)
    }

    /// `normalized` is a parameter so that it (and the buffers `fixed` points into) outlives the scan.
    private func isSortedImpl(_ normalized: NormalizedKeys, _ keys: [SortKey]) -> Bool {
        if normalized.columns.count == 1, let fixed = normalized.columns[0].fixed, !normalized.columns[0].hasNulls {
            if keys[0].ascending {
                for i in 1..<count where fixed[i - 1] > fixed[i] { return false }
            } else {
                for i in 1..<count where fixed[i - 1] < fixed[i] { return false }
            }
            return true
        }
        let comparator = SortComparator(keys)
        for i in 1..<count where comparator.compare(normalized, i - 1, normalized, i) > 0 { return false }
        return true
    }
}

/// Packs each row's key codes and row number into one `UInt64` and radix sorts, or returns `nil` when the
/// keys need more than the bits left over by the row number.
private func packedSortPermutation(_ normalized: NormalizedKeys, _ keys: [SortKey]) -> [Int32]? {
    let n = normalized.columns[0].count
    let indexBits = max(1, Int.bitWidth - (n - 1).leadingZeroBitCount)
    var plans: [(low: UInt64, high: UInt64, slots: UInt64, bits: Int, hasNulls: Bool)] = []
    var totalBits = indexBits
    for column in normalized.columns {
        guard let fixed = column.fixed else { return nil }
        var low = UInt64.max
        var high = UInt64.min
        var sawValue = false
        if let validity = column.validity {
            for i in 0..<n where validity[i] {
                let v = fixed[i]
                low = min(low, v)
                high = max(high, v)
                sawValue = true
            }
        } else {
            for i in 0..<n {
                let v = fixed[i]
                low = min(low, v)
                high = max(high, v)
            }
            sawValue = true
        }
        if !sawValue {
            low = 0
            high = 0
        }
        let range = high - low
        let hasNulls = column.hasNulls
        if hasNulls && range == UInt64.max { return nil }
        let slots = range + (hasNulls ? 1 : 0)
        let bits = slots == 0 ? 0 : UInt64.bitWidth - slots.leadingZeroBitCount
        totalBits += bits
        if totalBits > 64 { return nil }
        plans.append((low, high, slots, bits, hasNulls))
    }
    if plans.count == 1 && plans[0].slots < UInt64(max(2 * n, 1 << 16)) {
        return countingSortPermutation(normalized.columns[0], plans[0], keys[0])
    }
    let packed = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
    let scratch = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
    defer {
        packed.deallocate()
        scratch.deallocate()
    }
    for i in 0..<n { (packed.baseAddress! + i).initialize(to: 0) }
    for (k, column) in normalized.columns.enumerated() {
        let plan = plans[k]
        let fixed = column.fixed!
        let shift = UInt64(plan.bits)
        let ascending = keys[k].ascending
        let nullsFirst = keys[k].nullsFirst
        let offset: UInt64 = plan.hasNulls && nullsFirst ? 1 : 0
        let nullCode: UInt64 = nullsFirst ? 0 : plan.slots
        for i in 0..<n {
            let code: UInt64
            if column.isNull(i) {
                code = nullCode
            } else {
                code = (ascending ? fixed[i] - plan.low : plan.high - fixed[i]) + offset
            }
            packed[i] = shift == 64 ? code : (packed[i] << shift) | code
        }
    }
    let indexShift = UInt64(indexBits)
    for i in 0..<n { packed[i] = (packed[i] << indexShift) | UInt64(i) }
    let bits = totalBits
    let sorted: UnsafeMutableBufferPointer<UInt64>
    if n >= 1 << 20 {
        // Two halves on both cores, then one merge.
        let half = n / 2
        nonisolated(unsafe) let p = packed
        nonisolated(unsafe) let s = scratch
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let range = part == 0 ? 0..<half : half..<n
            radixSort(
                UnsafeMutableBufferPointer(rebasing: p[range]),
                scratch: UnsafeMutableBufferPointer(rebasing: s[range]),
                bits: bits
            )
        }
        mergeSorted(
            UnsafeBufferPointer(rebasing: packed[0..<half]),
            UnsafeBufferPointer(rebasing: packed[half..<n]),
            into: scratch,
            by: <
        )
        sorted = scratch
    } else {
        radixSort(packed, scratch: scratch, bits: bits)
        sorted = packed
    }
    let mask = indexBits >= 64 ? UInt64.max : (UInt64(1) << indexShift) - 1
    return [Int32](unsafeUninitializedCapacity: n) { out, initialized in
        for i in 0..<n { out[i] = Int32(truncatingIfNeeded: sorted[i] & mask) }
        initialized = n
    }
}

/// A stable counting sort of the row numbers by one fixed-width key whose codes span at most a few times the
/// row count (dense keys such as the dates of a range): one pass counts, one places each row.
private func countingSortPermutation(
    _ column: NormalizedKeyColumn,
    _ plan: (low: UInt64, high: UInt64, slots: UInt64, bits: Int, hasNulls: Bool),
    _ key: SortKey
) -> [Int32] {
    let n = column.count
    let fixed = column.fixed!
    let offset: UInt64 = plan.hasNulls && key.nullsFirst ? 1 : 0
    let nullCode: UInt64 = key.nullsFirst ? 0 : plan.slots
    let ascending = key.ascending
    let codes = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
    defer { codes.deallocate() }
    var starts = [Int32](repeating: 0, count: Int(plan.slots) + 2)
    starts.withUnsafeMutableBufferPointer { starts in
        for i in 0..<n {
            let code =
                column.isNull(i) ? nullCode : (ascending ? fixed[i] &- plan.low : plan.high &- fixed[i]) &+ offset
            codes[i] = UInt32(truncatingIfNeeded: code)
            starts[Int(code) &+ 1] &+= 1
        }
        for c in 1..<starts.count { starts[c] &+= starts[c - 1] }
    }
    return [Int32](unsafeUninitializedCapacity: n) { out, initialized in
        starts.withUnsafeMutableBufferPointer { starts in
            for i in 0..<n {
                let c = Int(codes[i])
                let slot = Int(starts[c])
                starts[c] = Int32(truncatingIfNeeded: slot &+ 1)
                out[slot] = Int32(truncatingIfNeeded: i)
            }
        }
        initialized = n
    }
}

/// A stable comparison sort of the row numbers (ties broken by row number), in two halves on both cores for
/// large inputs.
private func comparisonSortPermutation(_ normalized: NormalizedKeys, _ keys: [SortKey]) -> [Int32] {
    let n = normalized.columns[0].count
    let comparator = SortComparator(keys)
    let less: (Int32, Int32) -> Bool = { a, b in
        let c = comparator.compare(normalized, Int(a), normalized, Int(b))
        return c < 0 || (c == 0 && a < b)
    }
    var permutation = (0..<Int32(n)).map { $0 }
    if n < 100_000 {
        permutation.sort(by: less)
        return permutation
    }
    let half = n / 2
    var merged = [Int32](repeating: 0, count: n)
    permutation.withUnsafeMutableBufferPointer { p in
        nonisolated(unsafe) let p = p
        withoutActuallyEscaping(less) { less in
            nonisolated(unsafe) let less = less
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                var slice = UnsafeMutableBufferPointer(rebasing: p[part == 0 ? 0..<half : half..<n])
                slice.sort(by: less)
            }
        }
        merged.withUnsafeMutableBufferPointer { out in
            mergeSorted(
                UnsafeBufferPointer(rebasing: p[0..<half]),
                UnsafeBufferPointer(rebasing: p[half..<n]),
                into: out,
                by: less
            )
        }
    }
    return merged
}
