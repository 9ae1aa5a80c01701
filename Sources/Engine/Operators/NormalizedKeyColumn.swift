import Columnar

/// One key column in an order-preserving, pointer-addressable form, for sorting, merging and joining.
///
/// Fixed-width values become `UInt64`s whose unsigned order is the value order (signed integers with the sign
/// bit flipped, floating point with the usual bit trick, `-0.0` as `0.0` and every NaN as one NaN that sorts
/// above `+infinity`). Strings and binary values keep their bytes and compare as unsigned byte strings (UTF-8
/// byte order is code point order). The class owns copies of the data, so comparisons need no bounds checks.
final class NormalizedKeyColumn: @unchecked Sendable {
    /// The number of rows.
    let count: Int
    /// Normalized fixed-width values, or `nil` for byte keys.
    let fixed: UnsafeMutableBufferPointer<UInt64>?
    /// Offsets (count + 1) of byte keys.
    let offsets: UnsafeMutableBufferPointer<Int>?
    /// Bytes of byte keys.
    let bytes: UnsafeMutableBufferPointer<UInt8>?
    /// `validity[i]` is false where row `i` is null; `nil` when no row is null.
    let validity: UnsafeMutableBufferPointer<Bool>?

    /// Normalizes `column`; `name` and `operation` are for the error of an unsupported type.
    init(_ column: Column, name: String, operation: String) throws(OperatorError) {
        count = column.count
        if let v = column.validity, v.contains(false) {
            let buffer = UnsafeMutableBufferPointer<Bool>.allocate(capacity: v.count)
            _ = buffer.initialize(from: v)
            validity = buffer
        } else {
            validity = nil
        }
        var fixedResult: UnsafeMutableBufferPointer<UInt64>? = nil
        var offsetsResult: UnsafeMutableBufferPointer<Int>? = nil
        var bytesResult: UnsafeMutableBufferPointer<UInt8>? = nil
        switch (column.type, column.values) {
        case (.boolean, .boolean(let v)):
            fixedResult = Self.map(v) { $0 ? 1 : 0 }
        case (.uint8, .int32(let v)), (.uint16, .int32(let v)), (.uint32, .int32(let v)):
            fixedResult = Self.map(v) { UInt64(UInt32(bitPattern: $0)) }
        case (.int8, .int32(let v)), (.int16, .int32(let v)), (.int32, .int32(let v)), (.date, .int32(let v)),
            (.decimal, .int32(let v)):
            fixedResult = Self.map(v) { UInt64(bitPattern: Int64($0)) ^ (1 << 63) }
        case (.uint64, .int64(let v)):
            fixedResult = Self.map(v) { UInt64(bitPattern: $0) }
        case (.int64, .int64(let v)), (.timestamp, .int64(let v)), (.decimal, .int64(let v)):
            fixedResult = Self.map(v) { UInt64(bitPattern: $0) ^ (1 << 63) }
        case (.float, .float(let v)):
            fixedResult = Self.map(v) { normalizedDouble(Double($0)) }
        case (.double, .double(let v)):
            fixedResult = Self.map(v) { normalizedDouble($0) }
        case (.string, .bytes(let v)), (.binary, .bytes(let v)), (.fixedBinary, .bytes(let v)):
            let o = UnsafeMutableBufferPointer<Int>.allocate(capacity: v.offsets.count)
            _ = o.initialize(from: v.offsets)
            let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(v.data.count, 1))
            _ = b.initialize(from: v.data)
            offsetsResult = o
            bytesResult = b
        default:
            validity?.deallocate()
            throw OperatorError(operation, "column \"\(name)\" of type \(column.type) cannot be used as a key")
        }
        fixed = fixedResult
        offsets = offsetsResult
        bytes = bytesResult
    }

    deinit {
        fixed?.deallocate()
        offsets?.deallocate()
        bytes?.deallocate()
        validity?.deallocate()
    }

    private static func map<T>(_ values: [T], _ transform: (T) -> UInt64) -> UnsafeMutableBufferPointer<UInt64> {
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { source in
            for i in 0..<source.count { (buffer.baseAddress! + i).initialize(to: transform(source[i])) }
        }
        return buffer
    }

    /// Whether row `i` is null.
    @inline(__always) func isNull(_ i: Int) -> Bool {
        guard let validity else { return false }
        return !validity[i]
    }

    /// Whether any row is null.
    var hasNulls: Bool { validity != nil }

    /// Compares the (non-null) value of row `i` with row `j` of `other`, a column of the same kind:
    /// negative, zero or positive.
    @inline(__always) func compare(_ i: Int, _ other: NormalizedKeyColumn, _ j: Int) -> Int {
        if let fixed {
            let a = fixed[i]
            let b = other.fixed![j]
            return a < b ? -1 : a == b ? 0 : 1
        }
        let o = offsets!
        let p = other.offsets!
        let aStart = o[i]
        let aLength = o[i + 1] - aStart
        let bStart = p[j]
        let bLength = p[j + 1] - bStart
        let common = min(aLength, bLength)
        if common > 0 {
            let c = memcmpBytes(bytes!.baseAddress! + aStart, other.bytes!.baseAddress! + bStart, common)
            if c != 0 { return c }
        }
        return aLength < bLength ? -1 : aLength == bLength ? 0 : 1
    }
}

/// Lexicographic comparison of `count` unsigned bytes.
@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var k = 0
    // Eight bytes at a time while equal.
    while k + 8 <= count {
        let x = UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self)
        let y = UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self)
        if x != y {
            let bx = x.bigEndian
            let by = y.bigEndian
            return bx < by ? -1 : 1
        }
        k += 8
    }
    while k < count {
        let x = a[k]
        let y = b[k]
        if x != y { return x < y ? -1 : 1 }
        k += 1
    }
    return 0
}

/// The `UInt64` whose unsigned order is the order of `x` (`-0.0` as `0.0`, every NaN above `+infinity`).
@inline(__always)
func normalizedDouble(_ x: Double) -> UInt64 {
    let value = x.isNaN ? Double.nan : (x == 0 ? 0.0 : x)
    let bits = value.bitPattern
    return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
}

/// The key columns of a batch, normalized, with per-key direction for sorting.
struct NormalizedKeys: @unchecked Sendable {
    var columns: [NormalizedKeyColumn]

    init(_ batch: RecordBatch, names: [String], operation: String) throws(OperatorError) {
        var columns: [NormalizedKeyColumn] = []
        for name in names {
            let index = try batch.schema.requireIndex(of: name, for: operation)
            columns.append(try NormalizedKeyColumn(batch.columns[index], name: name, operation: operation))
        }
        self.columns = columns
    }

    /// Whether row `i` has a null in any key column.
    @inline(__always) func anyNull(_ i: Int) -> Bool {
        for column in columns where column.isNull(i) { return true }
        return false
    }

    /// Compares the keys of row `i` with row `j` of `other` (ascending, no nulls expected).
    @inline(__always) func compare(_ i: Int, _ other: NormalizedKeys, _ j: Int) -> Int {
        for k in 0..<columns.count {
            let c = columns[k].compare(i, other.columns[k], j)
            if c != 0 { return c }
        }
        return 0
    }
}
