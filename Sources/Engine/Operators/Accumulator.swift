import Columnar

/// The running state of one aggregate over all groups, updated a batch at a time by group indices.
protocol Accumulator: AnyObject {
    /// Adds the rows of `column` (nil for `count(*)`) to their groups; `groupCount` is the number of groups
    /// after this batch.
    func update(_ column: Column?, groups: UnsafeBufferPointer<Int32>, groupCount: Int) throws(OperatorError)
    /// The result column, one row per group.
    func finish(groupCount: Int) -> Column
    /// Adds the state of `other` (an accumulator of the same kind): its group `g` is group `mapping[g]` here.
    func merge(_ other: any Accumulator, mapping: [Int32], groupCount: Int) throws(OperatorError)
}

extension Array {
    /// Grows the array with `value` up to `count` elements.
    mutating func grow(to count: Int, with value: Element) {
        if self.count < count { append(contentsOf: repeatElement(value, count: count - self.count)) }
    }
}

/// `count(*)` and `count(column)`.
final class CountAccumulator: Accumulator {
    private var counts: [Int64] = []

    func update(_ column: Column?, groups: UnsafeBufferPointer<Int32>, groupCount: Int) {
        if counts.count < groupCount { counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count)) }
        counts.withUnsafeMutableBufferPointer { counts in
            if let validity = column?.validity {
                validity.withUnsafeBufferPointer { valid in
                    for i in 0..<groups.count where valid[i] { counts[Int(groups[i])] += 1 }
                }
            } else {
                for i in 0..<groups.count { counts[Int(groups[i])] += 1 }
            }
        }
    }

    func finish(groupCount: Int) -> Column {
        if counts.count < groupCount { counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count)) }
        return Column(type: .int64, values: .int64(counts))
    }

    func merge(_ other: any Accumulator, mapping: [Int32], groupCount: Int) {
        let other = other as! CountAccumulator
        counts.grow(to: groupCount, with: 0)
        for (g, count) in other.counts.enumerated() { counts[Int(mapping[g])] += count }
    }
}

/// `sum` of integer columns into `int64`, with overflow detection; also `avg` of integers (as a double of
/// the exact integer sum when it fits).
final class IntegerSumAccumulator: Accumulator {
    private var sums: [Int64] = []
    private var counts: [Int64] = []
    private let name: String
    private let average: Bool

    init(name: String, average: Bool) {
        self.name = name
        self.average = average
    }

    func update(_ column: Column?, groups: UnsafeBufferPointer<Int32>, groupCount: Int) throws(OperatorError) {
        guard let column else { return }
        if sums.count < groupCount {
            sums.append(contentsOf: repeatElement(0, count: groupCount - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count))
        }
        var overflow = false
        switch (column.type, column.values) {
        case (.uint8, .int32(let v)), (.uint16, .int32(let v)), (.uint32, .int32(let v)):
            overflow = accumulate(v, column.validity, groups) { Int64(UInt32(bitPattern: $0)) }
        case (_, .int32(let v)):
            overflow = accumulate(v, column.validity, groups) { Int64($0) }
        case (.uint64, .int64(let v)):
            if v.contains(where: { $0 < 0 }) {
                overflow = true
            } else {
                overflow = accumulate(v, column.validity, groups) { $0 }
            }
        case (_, .int64(let v)):
            overflow = accumulate(v, column.validity, groups) { $0 }
        default:
            preconditionFailure("integer sum over \(column.type)")
        }
        if overflow {
            throw OperatorError("group-by", "sum of column \"\(name)\" overflows int64")
        }
    }

    private func accumulate<T>(
        _ values: [T],
        _ validity: [Bool]?,
        _ groups: UnsafeBufferPointer<Int32>,
        _ convert: (T) -> Int64
    ) -> Bool {
        var overflow = false
        values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { sums in
                counts.withUnsafeMutableBufferPointer { counts in
                    for i in 0..<v.count {
                        if let validity, !validity[i] { continue }
                        let g = Int(groups[i])
                        let (s, o) = sums[g].addingReportingOverflow(convert(v[i]))
                        sums[g] = s
                        overflow = overflow || o
                        counts[g] += 1
                    }
                }
            }
        }
        return overflow
    }

    func merge(_ other: any Accumulator, mapping: [Int32], groupCount: Int) throws(OperatorError) {
        let other = other as! IntegerSumAccumulator
        sums.grow(to: groupCount, with: 0)
        counts.grow(to: groupCount, with: 0)
        for g in 0..<other.sums.count where other.counts[g] > 0 {
            let target = Int(mapping[g])
            let (sum, overflow) = sums[target].addingReportingOverflow(other.sums[g])
            if overflow { throw OperatorError("group-by", "sum of column \"\(name)\" overflows int64") }
            sums[target] = sum
            counts[target] += other.counts[g]
        }
    }

    func finish(groupCount: Int) -> Column {
        if sums.count < groupCount {
            sums.append(contentsOf: repeatElement(0, count: groupCount - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count))
        }
        let validity: [Bool]? = counts.contains(0) ? counts.map { $0 > 0 } : nil
        if average {
            let averages = (0..<groupCount).map { counts[$0] > 0 ? Double(sums[$0]) / Double(counts[$0]) : 0 }
            return Column(type: .double, values: .double(averages), validity: validity)
        }
        return Column(
            type: .int64,
            values: .int64((0..<groupCount).map { counts[$0] > 0 ? sums[$0] : 0 }),
            validity: validity
        )
    }
}

/// `sum` and `avg` of float and double columns, as `double`.
final class RealSumAccumulator: Accumulator {
    private var sums: [Double] = []
    private var counts: [Int64] = []
    private let average: Bool

    init(average: Bool) {
        self.average = average
    }

    func update(_ column: Column?, groups: UnsafeBufferPointer<Int32>, groupCount: Int) {
        guard let column else { return }
        if sums.count < groupCount {
            sums.append(contentsOf: repeatElement(0, count: groupCount - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count))
        }
        switch column.values {
        case .float(let v): accumulate(v, column.validity, groups) { Double($0) }
        case .double(let v): accumulate(v, column.validity, groups) { $0 }
        default: preconditionFailure("real sum over \(column.type)")
        }
    }

    private func accumulate<T>(
        _ values: [T],
        _ validity: [Bool]?,
        _ groups: UnsafeBufferPointer<Int32>,
        _ convert: (T) -> Double
    ) {
        values.withUnsafeBufferPointer { v in
            sums.withUnsafeMutableBufferPointer { sums in
                counts.withUnsafeMutableBufferPointer { counts in
                    guard let validity else {
                        for i in 0..<v.count {
                            let g = Int(groups[i])
                            sums[g] += convert(v[i])
                            counts[g] += 1
                        }
                        return
                    }
                    for i in 0..<v.count where validity[i] {
                        let g = Int(groups[i])
                        sums[g] += convert(v[i])
                        counts[g] += 1
                    }
                }
            }
        }
    }

    func merge(_ other: any Accumulator, mapping: [Int32], groupCount: Int) {
        let other = other as! RealSumAccumulator
        sums.grow(to: groupCount, with: 0)
        counts.grow(to: groupCount, with: 0)
        for g in 0..<other.sums.count where other.counts[g] > 0 {
            let target = Int(mapping[g])
            sums[target] += other.sums[g]
            counts[target] += other.counts[g]
        }
    }

    func finish(groupCount: Int) -> Column {
        if sums.count < groupCount {
            sums.append(contentsOf: repeatElement(0, count: groupCount - sums.count))
            counts.append(contentsOf: repeatElement(0, count: groupCount - counts.count))
        }
        let validity: [Bool]? = counts.contains(0) ? counts.map { $0 > 0 } : nil
        let values = (0..<groupCount).map {
            counts[$0] == 0 ? 0 : average ? sums[$0] / Double(counts[$0]) : sums[$0]
        }
        return Column(type: .double, values: .double(values), validity: validity)
    }
}

/// `min` and `max` of any orderable column, kept as normalized keys (fixed width) or bytes, and turned back
/// into the input type at the end.
final class MinMaxAccumulator: Accumulator {
    private let isMax: Bool
    private let type: DataType
    private let name: String
    private var best: [UInt64] = []
    private var bestBytes: [[UInt8]] = []
    private var seen: [Bool] = []

    init(isMax: Bool, type: DataType, name: String) {
        self.isMax = isMax
        self.type = type
        self.name = name
    }

    func update(_ column: Column?, groups: UnsafeBufferPointer<Int32>, groupCount: Int) throws(OperatorError) {
        guard let column else { return }
        let keys = try NormalizedKeyColumn(column, name: name, operation: "group-by")
        if seen.count < groupCount {
            seen.append(contentsOf: repeatElement(false, count: groupCount - seen.count))
            if keys.fixed != nil {
                best.append(contentsOf: repeatElement(0, count: groupCount - best.count))
            } else {
                bestBytes.append(contentsOf: repeatElement([], count: groupCount - bestBytes.count))
            }
        }
        withExtendedLifetime(keys) { update(keys, groups: groups) }
    }

    private func update(_ keys: NormalizedKeyColumn, groups: UnsafeBufferPointer<Int32>) {
        let isMax = self.isMax
        if let fixed = keys.fixed {
            best.withUnsafeMutableBufferPointer { best in
                seen.withUnsafeMutableBufferPointer { seen in
                    for i in 0..<groups.count where !keys.isNull(i) {
                        let g = Int(groups[i])
                        let v = fixed[i]
                        if !seen[g] || (isMax ? v > best[g] : v < best[g]) {
                            best[g] = v
                            seen[g] = true
                        }
                    }
                }
            }
        } else {
            let offsets = keys.offsets!
            let bytes = keys.bytes!
            for i in 0..<groups.count where !keys.isNull(i) {
                let g = Int(groups[i])
                let value = UnsafeBufferPointer(rebasing: bytes[offsets[i]..<offsets[i + 1]])
                if !seen[g] {
                    bestBytes[g] = Array(value)
                    seen[g] = true
                    continue
                }
                let c = bestBytes[g].withUnsafeBufferPointer { current in
                    compareBytes(value, current)
                }
                if isMax ? c > 0 : c < 0 { bestBytes[g] = Array(value) }
            }
        }
    }

    func merge(_ other: any Accumulator, mapping: [Int32], groupCount: Int) {
        let other = other as! MinMaxAccumulator
        let isBytes = if case .bytes = ColumnValues.empty(for: type) { true } else { false }
        seen.grow(to: groupCount, with: false)
        if isBytes {
            bestBytes.grow(to: groupCount, with: [])
        } else {
            best.grow(to: groupCount, with: 0)
        }
        for g in 0..<other.seen.count where other.seen[g] {
            let target = Int(mapping[g])
            if isBytes {
                let candidate = other.bestBytes[g]
                let better =
                    !seen[target]
                    || candidate.withUnsafeBufferPointer { c in
                        bestBytes[target].withUnsafeBufferPointer { b in
                            let order = compareBytes(c, b)
                            return isMax ? order > 0 : order < 0
                        }
                    }
                if better { bestBytes[target] = candidate }
            } else {
                let candidate = other.best[g]
                if !seen[target] || (isMax ? candidate > best[target] : candidate < best[target]) {
                    best[target] = candidate
                }
            }
            seen[target] = true
        }
    }

    func finish(groupCount: Int) -> Column {
        if seen.count < groupCount { seen.append(contentsOf: repeatElement(false, count: groupCount - seen.count)) }
        let validity: [Bool]? = seen.contains(false) ? seen : nil
        func decoded<T>(_ transform: (UInt64) -> T, _ zero: T) -> [T] {
            (0..<groupCount).map { g in seen[g] && g < best.count ? transform(best[g]) : zero }
        }
        let values: ColumnValues
        switch ColumnValues.empty(for: type) {
        case .boolean: values = .boolean(decoded({ $0 != 0 }, false))
        case .int32:
            switch type {
            case .uint8, .uint16, .uint32:
                values = .int32(decoded({ Int32(bitPattern: UInt32(truncatingIfNeeded: $0)) }, 0))
            default: values = .int32(decoded({ Int32(truncatingIfNeeded: Int64(bitPattern: $0 ^ (1 << 63))) }, 0))
            }
        case .int64:
            if type == .uint64 {
                values = .int64(decoded({ Int64(bitPattern: $0) }, 0))
            } else {
                values = .int64(decoded({ Int64(bitPattern: $0 ^ (1 << 63)) }, 0))
            }
        case .float: values = .float(decoded({ Float(denormalizedDouble($0)) }, 0))
        case .double: values = .double(decoded(denormalizedDouble, 0))
        case .bytes:
            var arrays = ByteArrays()
            for g in 0..<groupCount {
                if seen[g] && g < bestBytes.count { arrays.append(bestBytes[g]) } else { arrays.appendEmpty() }
            }
            values = .bytes(arrays)
        }
        return Column(type: type, values: values, validity: validity)
    }
}

/// The inverse of ``normalizedDouble(_:)``.
@inline(__always)
func denormalizedDouble(_ bits: UInt64) -> Double {
    Double(bitPattern: bits >> 63 == 1 ? bits & ~(1 << 63) : ~bits)
}

/// Unsigned lexicographic comparison of two byte strings.
@inline(__always)
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
        let c = memcmpBytes(a.baseAddress!, b.baseAddress!, common)
        if c != 0 { return c }
    }
    return a.count < b.count ? -1 : a.count == b.count ? 0 : 1
}
