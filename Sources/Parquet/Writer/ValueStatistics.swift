#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accumulates the statistics of a page or a column chunk: null and NaN counts and min/max in the column's
/// order.
struct ValueStatistics {
    /// Byte-array bounds longer than this are truncated (and flagged as inexact).
    static let maxBoundLength = 64

    let order: StatisticsOrder
    var nullCount = 0
    var nanCount = 0
    /// Whether any value (NaN excluded) has been seen, so min/max are set.
    private(set) var hasBounds = false
    private var minSigned: Int64 = 0
    private var maxSigned: Int64 = 0
    private var minUnsigned: UInt64 = 0
    private var maxUnsigned: UInt64 = 0
    private var minDouble: Double = 0
    private var maxDouble: Double = 0
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []

    init(order: StatisticsOrder) {
        self.order = order
    }

    /// The bounds of an integer column as signed values (unsigned orders widened), when any value was seen.
    var integerBounds: (min: Int64, max: Int64)? {
        guard hasBounds else { return nil }
        switch order {
        case .signedInt32, .signedInt64: return (minSigned, maxSigned)
        case .unsignedInt32: return (Int64(minUnsigned), Int64(maxUnsigned))
        default: return nil
        }
    }

    // MARK: Updating

    @inline(__always)
    mutating func update(signed value: Int64) {
        if hasBounds {
            if value < minSigned { minSigned = value }
            if value > maxSigned { maxSigned = value }
        } else {
            minSigned = value
            maxSigned = value
            hasBounds = true
        }
    }

    @inline(__always)
    mutating func update(unsigned value: UInt64) {
        if hasBounds {
            if value < minUnsigned { minUnsigned = value }
            if value > maxUnsigned { maxUnsigned = value }
        } else {
            minUnsigned = value
            maxUnsigned = value
            hasBounds = true
        }
    }

    /// NaNs are counted and left out of min/max.
    @inline(__always)
    mutating func update(floating value: Double) {
        if value.isNaN {
            nanCount &+= 1
            return
        }
        if hasBounds {
            if value < minDouble { minDouble = value }
            if value > maxDouble { maxDouble = value }
        } else {
            minDouble = value
            maxDouble = value
            hasBounds = true
        }
    }

    @inline(__always)
    mutating func update(bytes value: UnsafeRawBufferPointer) {
        if hasBounds {
            if compareBytes(value, minBytes) < 0 {
                minBytes.removeAll(keepingCapacity: true)
                minBytes.append(contentsOf: value)
            }
            if compareBytes(value, maxBytes) > 0 {
                maxBytes.removeAll(keepingCapacity: true)
                maxBytes.append(contentsOf: value)
            }
        } else {
            minBytes = [UInt8](value)
            maxBytes = minBytes
            hasBounds = true
        }
    }

    /// Folds the statistics of a page into those of its chunk.
    mutating func merge(_ other: ValueStatistics) {
        nullCount += other.nullCount
        nanCount += other.nanCount
        guard other.hasBounds else { return }
        switch order {
        case .boolean, .signedInt32, .signedInt64:
            update(signed: other.minSigned)
            update(signed: other.maxSigned)
        case .unsignedInt32, .unsignedInt64:
            update(unsigned: other.minUnsigned)
            update(unsigned: other.maxUnsigned)
        case .float, .double:
            update(floating: other.minDouble)
            update(floating: other.maxDouble)
        case .unsignedBytes, .signedFixedDecimal:
            other.minBytes.withUnsafeBytes { update(bytes: $0) }
            other.maxBytes.withUnsafeBytes { update(bytes: $0) }
        }
    }

    /// Orders two byte strings by the column order: unsigned lexicographic, or signed big-endian for decimals.
    @inline(__always)
    private func compareBytes(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        b.withUnsafeBytes { b in Self.compare(a, b, signedFirstByte: order == .signedFixedDecimal) }
    }

    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, signedFirstByte: Bool) -> Int {
        var start = 0
        if signedFirstByte, !a.isEmpty, !b.isEmpty {
            let x = a[0] ^ 0x80
            let y = b[0] ^ 0x80
            if x != y { return x < y ? -1 : 1 }
            start = 1
        }
        let common = min(a.count, b.count) - start
        if common > 0 {
            let result = memcmp(a.baseAddress! + start, b.baseAddress! + start, common)
            if result != 0 { return result < 0 ? -1 : 1 }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    // MARK: Encoding

    /// The PLAIN-encoded bounds, with whether each is exact; nil when no non-null, non-NaN value was seen.
    func encodedBounds() -> (min: [UInt8], max: [UInt8], isMinExact: Bool, isMaxExact: Bool)? {
        guard hasBounds else { return nil }
        func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            withUnsafeBytes(of: value.littleEndian) { [UInt8]($0) }
        }
        switch order {
        case .boolean:
            return ([UInt8(minSigned)], [UInt8(maxSigned)], true, true)
        case .signedInt32:
            return (le(Int32(truncatingIfNeeded: minSigned)), le(Int32(truncatingIfNeeded: maxSigned)), true, true)
        case .signedInt64:
            return (le(minSigned), le(maxSigned), true, true)
        case .unsignedInt32:
            return (
                le(UInt32(truncatingIfNeeded: minUnsigned)), le(UInt32(truncatingIfNeeded: maxUnsigned)), true, true
            )
        case .unsignedInt64:
            return (le(minUnsigned), le(maxUnsigned), true, true)
        case .float, .double:
            // A zero bound is written as -0.0 (min) and +0.0 (max), as the format asks, since both zeros
            // compare equal.
            let low = minDouble == 0 ? -0.0 : minDouble
            let high = maxDouble == 0 ? 0.0 : maxDouble
            if order == .float {
                return (le(Float(low).bitPattern), le(Float(high).bitPattern), true, true)
            }
            return (le(low.bitPattern), le(high.bitPattern), true, true)
        case .signedFixedDecimal:
            return (minBytes, maxBytes, true, true)
        case .unsignedBytes(let isUTF8):
            let low = Self.truncatedLowerBound(minBytes, isUTF8: isUTF8)
            let high = Self.truncatedUpperBound(maxBytes, isUTF8: isUTF8)
            return (low, high, low.count == minBytes.count, high == maxBytes)
        }
    }

    /// The Thrift statistics: null count, NaN count for floating point, and min/max when known.
    func thrift() -> Statistics {
        var statistics = Statistics(nullCount: Int64(nullCount))
        if order == .float || order == .double { statistics.nanCount = Int64(nanCount) }
        if let bounds = encodedBounds() {
            statistics.minValue = bounds.min
            statistics.maxValue = bounds.max
            statistics.isMinValueExact = bounds.isMinExact
            statistics.isMaxValueExact = bounds.isMaxExact
            switch order {
            case .signedInt32, .signedInt64, .float, .double:
                // The deprecated fields use signed order, which these columns share: write them for old readers.
                statistics.min = bounds.min
                statistics.max = bounds.max
            default:
                break
            }
        }
        return statistics
    }

    // MARK: Truncation

    /// A lower bound of at most ``maxBoundLength`` bytes: a prefix, cut on a character boundary for UTF-8.
    static func truncatedLowerBound(_ value: [UInt8], isUTF8: Bool) -> [UInt8] {
        guard value.count > maxBoundLength else { return value }
        var cut = maxBoundLength
        if isUTF8 {
            while cut > 0 && value[cut] & 0xC0 == 0x80 { cut -= 1 }
        }
        return Array(value[0..<cut])
    }

    /// An upper bound of at most ``maxBoundLength`` bytes: a prefix whose last byte (or, for UTF-8, last
    /// character) is incremented. The value itself when no shorter bound exists.
    static func truncatedUpperBound(_ value: [UInt8], isUTF8: Bool) -> [UInt8] {
        guard value.count > maxBoundLength else { return value }
        if isUTF8 {
            var cut = maxBoundLength
            while cut > 0 && value[cut] & 0xC0 == 0x80 { cut -= 1 }
            if let prefix = String(validating: value[0..<cut], as: UTF8.self) {
                var scalars = Array(prefix.unicodeScalars)
                while let last = scalars.popLast() {
                    var next = last.value + 1
                    if next == 0xD800 { next = 0xE000 }
                    if let scalar = Unicode.Scalar(next) {
                        var result = String(String.UnicodeScalarView(scalars))
                        result.unicodeScalars.append(scalar)
                        return Array(result.utf8)
                    }
                }
                return value
            }
        }
        var prefix = Array(value[0..<maxBoundLength])
        while let last = prefix.popLast() {
            if last < 0xFF {
                prefix.append(last + 1)
                return prefix
            }
        }
        return value
    }

    // MARK: Ordering encoded bounds

    /// Compares two PLAIN-encoded bounds in `order` (for the column index's boundary order).
    static func compareEncoded(_ a: [UInt8], _ b: [UInt8], order: StatisticsOrder) -> Int {
        func load<T: FixedWidthInteger>(_ bytes: [UInt8], _: T.Type) -> T {
            bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch order {
        case .boolean: return sign(a[0], b[0])
        case .signedInt32: return sign(load(a, Int32.self), load(b, Int32.self))
        case .unsignedInt32: return sign(load(a, UInt32.self), load(b, UInt32.self))
        case .signedInt64: return sign(load(a, Int64.self), load(b, Int64.self))
        case .unsignedInt64: return sign(load(a, UInt64.self), load(b, UInt64.self))
        case .float:
            return sign(Float(bitPattern: load(a, UInt32.self)), Float(bitPattern: load(b, UInt32.self)))
        case .double:
            return sign(Double(bitPattern: load(a, UInt64.self)), Double(bitPattern: load(b, UInt64.self)))
        case .unsignedBytes:
            return a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y, signedFirstByte: false) } }
        case .signedFixedDecimal:
            return a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y, signedFirstByte: true) } }
        }
    }
}
