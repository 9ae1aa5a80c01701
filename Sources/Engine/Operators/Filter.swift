import Columnar

/// A comparison of a column with literals, in the form `column op literal` or `column in (literals...)`.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    /// Equal to any literal of the list.
    case `in` = "in"
}

/// Keeps the rows whose column compares true with a literal (SQL semantics: a null never matches, not even
/// for `!=`).
///
/// Literals are typed to the column: integer columns take `.int`/`.uint` (or a `.string` of digits); float and
/// double columns take any number; `bool` takes `.boolean` or `"true"`/`"false"`; `date` takes `.date` or a
/// `"yyyy-MM-dd"` string; `timestamp` takes `.timestamp` (any unit) or `"yyyy-MM-dd[ T]HH:mm:ss[.fff…][Z]"`;
/// string and binary columns take `.string`/`.bytes` and compare bytes (UTF-8 order). A literal that does not
/// fit the column's type is an error naming both.
public struct Filter: Sendable, Hashable {
    /// The column compared.
    public var column: String
    /// The comparison.
    public var comparison: ComparisonOperator
    /// One literal, or the list for ``ComparisonOperator/in``.
    public var literals: [Value]

    /// `column comparison literal`.
    public init(_ column: String, _ comparison: ComparisonOperator, _ literal: Value) {
        self.column = column
        self.comparison = comparison
        self.literals = [literal]
    }

    /// `column in (literals...)`.
    public init(_ column: String, in literals: [Value]) {
        self.column = column
        self.comparison = .in
        self.literals = literals
    }

    /// The rows of `batch` that pass, in order.
    public func apply(_ batch: RecordBatch) throws(OperatorError) -> RecordBatch {
        let rows = try selection(batch)
        if rows.count == batch.count { return batch }
        return batch.take(rows)
    }

    /// The indices of the rows of `batch` that pass, ascending (a selection vector).
    public func selection(_ batch: RecordBatch) throws(OperatorError) -> [Int32] {
        let index = try batch.schema.requireIndex(of: column, for: "filter")
        let column = batch.columns[index]
        if comparison != .in && literals.count != 1 {
            throw OperatorError("filter", "\(self.column) \(comparison.rawValue) needs exactly one literal")
        }
        let typed = try literals.map { literal throws(OperatorError) in
            try TypedLiteral(literal, for: column.type, column: self.column)
        }
        let validity = column.validity
        switch (column.type, column.values) {
        case (.uint8, .int32(let v)), (.uint16, .int32(let v)), (.uint32, .int32(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.integer(self.column) }
            return select(v, validity, predicate(comparison, l) { Int64(UInt32(bitPattern: $0)) })
        case (_, .int32(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.integer(self.column) }
            return select(v, validity, predicate(comparison, l) { Int64($0) })
        case (.uint64, .int64(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.unsigned(self.column) }
            return select(v, validity, predicate(comparison, l) { UInt64(bitPattern: $0) })
        case (_, .int64(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.integer(self.column) }
            return select(v, validity, predicate(comparison, l) { (x: Int64) in x })
        case (_, .float(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.real(self.column) }
            return select(v, validity, predicate(comparison, l) { Double($0) })
        case (_, .double(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.real(self.column) }
            return select(v, validity, predicate(comparison, l) { (x: Double) in x })
        case (_, .boolean(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.integer(self.column) }
            return select(v, validity, predicate(comparison, l) { $0 ? 1 : 0 })
        case (_, .bytes(let v)):
            let l = try typed.map { t throws(OperatorError) in try t.byteString(self.column) }
            return selectBytes(v, validity, l)
        }
    }

    /// Rows of a byte column matching the byte-string literals.
    private func selectBytes(_ values: ByteArrays, _ validity: [Bool]?, _ literals: [[UInt8]]) -> [Int32] {
        switch comparison {
        case .equal, .in: return selectBytesEqual(values, validity, literals, keepEqual: true)
        case .notEqual: return selectBytesEqual(values, validity, literals, keepEqual: false)
        default: break
        }
        var result: [Int32] = []
        let comparison = self.comparison
        values.offsets.withUnsafeBufferPointer { offsets in
            values.data.withUnsafeBufferPointer { data in
                let base = data.baseAddress ?? UnsafePointer(bitPattern: 1)!
                func compare(_ i: Int, _ literal: UnsafeBufferPointer<UInt8>) -> Int {
                    let start = offsets[i]
                    let length = offsets[i + 1] - start
                    let common = min(length, literal.count)
                    if common > 0 {
                        let c = memcmpBytes(base + start, literal.baseAddress!, common)
                        if c != 0 { return c }
                    }
                    return length < literal.count ? -1 : length == literal.count ? 0 : 1
                }
                let literalBuffers = literals.map { bytes in
                    let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
                    _ = buffer.initialize(from: bytes)
                    return buffer
                }
                defer { for buffer in literalBuffers { buffer.deallocate() } }
                let literals = zip(literalBuffers, literals).map { UnsafeBufferPointer(rebasing: $0[0..<$1.count]) }
                for i in 0..<values.count {
                    if let validity, !validity[i] { continue }
                    let keep: Bool
                    switch comparison {
                    case .in:
                        keep = literals.contains { compare(i, $0) == 0 }
                    case .equal: keep = compare(i, literals[0]) == 0
                    case .notEqual: keep = compare(i, literals[0]) != 0
                    case .less: keep = compare(i, literals[0]) < 0
                    case .lessOrEqual: keep = compare(i, literals[0]) <= 0
                    case .greater: keep = compare(i, literals[0]) > 0
                    case .greaterOrEqual: keep = compare(i, literals[0]) >= 0
                    }
                    if keep { result.append(Int32(i)) }
                }
            }
        }
        return result
    }
}

extension Filter {
    /// Rows of a byte column equal to one of `literals` (`keepEqual`), or equal to none of them: lengths are
    /// compared first, then the bytes in place, a word at a time.
    fileprivate func selectBytesEqual(
        _ values: ByteArrays,
        _ validity: [Bool]?,
        _ literals: [[UInt8]],
        keepEqual: Bool
    ) -> [Int32] {
        var result: [Int32] = []
        let count = values.count
        guard count > 0 else { return result }
        values.offsets.withUnsafeBufferPointer { offsets in
            values.data.withUnsafeBufferPointer { data in
                let base = UnsafeRawPointer(data.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                func matches(_ start: Int, _ length: Int) -> Bool {
                    for literal in literals where literal.count == length {
                        if length == 0 { return true }
                        let equal = literal.withUnsafeBytes { l in bytesEqual(base + start, l.baseAddress!, length) }
                        if equal { return true }
                    }
                    return false
                }
                if literals.count == 1 && (validity == nil || keepEqual) {
                    // One literal: without branches, lengths and (for a literal of at most 8 bytes) one masked word.
                    let dataCount = data.count
                    result = literals[0].withUnsafeBytes { literal in
                        let wanted = literal.count
                        let l = literal.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                        var word: UInt64 = 0
                        for (k, byte) in literal.prefix(8).enumerated() { word |= UInt64(byte) << (8 * UInt64(k)) }
                        let mask: UInt64 = wanted >= 8 ? ~0 : (1 << (8 * UInt64(wanted))) &- 1
                        let keep = keepEqual ? 1 : 0
                        return [Int32](unsafeUninitializedCapacity: count) { out, initialized in
                            var n = 0
                            var previous = offsets[0]
                            for i in 0..<count {
                                let end = offsets[i + 1]
                                let length = end - previous
                                var equal: Int
                                if wanted <= 8 && previous + 8 <= dataCount {
                                    let value = (base + previous).loadUnaligned(as: UInt64.self)
                                    equal = (length == wanted ? 1 : 0) & (value & mask == word ? 1 : 0)
                                } else {
                                    equal =
                                        length == wanted && (length == 0 || bytesEqual(base + previous, l, length))
                                        ? 1 : 0
                                }
                                previous = end
                                out[n] = Int32(truncatingIfNeeded: i)
                                n &+= equal ^ keep ^ 1
                            }
                            initialized = n
                        }
                    }
                    if let validity, keepEqual {
                        // A null never matches, whatever bytes it holds.
                        result.removeAll { !validity[Int($0)] }
                    }
                    return
                }
                for i in 0..<count {
                    if let validity, !validity[i] { continue }
                    let start = offsets[i]
                    if matches(start, offsets[i + 1] - start) == keepEqual {
                        result.append(Int32(truncatingIfNeeded: i))
                    }
                }
            }
        }
        return result
    }
}

/// Whether `length` (> 0) bytes at `a` and `b` are equal, compared with unaligned loads that stay inside both.
@inline(__always)
private func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
    if length >= 8 {
        var i = 0
        while i < length - 8 {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        return a.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            == b.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
    }
    if length >= 4 {
        return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
            && a.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
                == b.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
    }
    if length >= 2 {
        return a.loadUnaligned(as: UInt16.self) == b.loadUnaligned(as: UInt16.self)
            && a.load(fromByteOffset: length - 1, as: UInt8.self) == b.load(fromByteOffset: length - 1, as: UInt8.self)
    }
    return a.load(as: UInt8.self) == b.load(as: UInt8.self)
}

/// The test `value op literals` on a value converted by `convert`.
@inline(__always)
private func predicate<T, L: Comparable & Hashable>(
    _ comparison: ComparisonOperator,
    _ literals: [L],
    _ convert: @escaping (T) -> L
) -> (T) -> Bool {
    switch comparison {
    case .equal:
        let l = literals[0]
        return { convert($0) == l }
    case .notEqual:
        let l = literals[0]
        return { convert($0) != l }
    case .less:
        let l = literals[0]
        return { convert($0) < l }
    case .lessOrEqual:
        let l = literals[0]
        return { convert($0) <= l }
    case .greater:
        let l = literals[0]
        return { convert($0) > l }
    case .greaterOrEqual:
        let l = literals[0]
        return { convert($0) >= l }
    case .in:
        if literals.count <= 8 {
            return { v in
                let x = convert(v)
                for l in literals where l == x { return true }
                return false
            }
        }
        let set = Set(literals)
        return { set.contains(convert($0)) }
    }
}

/// The indices of the non-null values passing `test`.
private func select<T>(_ values: [T], _ validity: [Bool]?, _ test: (T) -> Bool) -> [Int32] {
    var result: [Int32] = []
    values.withUnsafeBufferPointer { v in
        if let validity {
            validity.withUnsafeBufferPointer { valid in
                for i in 0..<v.count where valid[i] && test(v[i]) { result.append(Int32(i)) }
            }
        } else {
            for i in 0..<v.count where test(v[i]) { result.append(Int32(i)) }
        }
    }
    return result
}
