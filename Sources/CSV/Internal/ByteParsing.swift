#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions of field bytes into values, and the word-at-a-time scanning helpers, without allocation.
enum ByteParsing {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// A word with the high bit set in the lowest byte of `word` equal to the byte broadcast in `mask`; bits above
    /// the lowest match may be spurious.
    @inline(__always)
    static func firstMatch(_ word: UInt64, _ mask: UInt64) -> UInt64 {
        let x = word ^ mask
        return (x &- ones) & ~x & highs
    }

    /// A word with the high bit set in exactly the bytes of `word` equal to the byte broadcast in `mask`.
    @inline(__always)
    static func exactMatches(_ word: UInt64, _ mask: UInt64) -> UInt64 {
        let x = word ^ mask
        let t = (x & lows) &+ lows
        return ~(t | x | lows)
    }

    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* ones }

    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Copies `count` bytes word by word (fields are short, so this beats a call to `memmove`) and tells whether
    /// they are all ASCII.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, _ count: Int, to destination: UnsafeMutablePointer<UInt8>) -> Bool
    {
        if count > 64 {
            destination.update(from: source, count: count)
            return false
        }
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(destination)
        if count >= 8 {
            var high: UInt64 = 0
            var i = 0
            while i < count - 8 {
                let word = from.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                to.storeBytes(of: word, toByteOffset: i, as: UInt64.self)
                high |= word
                i += 8
            }
            let last = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: last, toByteOffset: count - 8, as: UInt64.self)
            return (high | last) & highs == 0
        }
        if count >= 4 {
            let a = from.loadUnaligned(as: UInt32.self)
            let b = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: a, as: UInt32.self)
            to.storeBytes(of: b, toByteOffset: count - 4, as: UInt32.self)
            return (a | b) & 0x8080_8080 == 0
        }
        if count > 0 {
            let a = source[0]
            let b = source[count >> 1]
            let c = source[count - 1]
            destination[0] = a
            destination[count >> 1] = b
            destination[count - 1] = c
            return (a | b | c) < 0x80
        }
        return true
    }

    /// The number of `byte`s in `[start, end)`.
    static func count(_ byte: UInt8, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int {
        let mask = broadcast(byte)
        var p = start
        var n = 0
        while end - p >= 8 {
            // One high bit per matching byte: a multiply sums them (without a population-count instruction in the
            // baseline x86-64 target, `nonzeroBitCount` is a longer sequence).
            n &+= Int(truncatingIfNeeded: ((exactMatches(load(p), mask) >> 7) &* ones) >> 56)
            p += 8
        }
        while p < end {
            if p.pointee == byte { n &+= 1 }
            p += 1
        }
        return n
    }

    /// The first `byte` in `[start, end)`, or `end`.
    @inline(__always)
    static func find(_ byte: UInt8, _ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>
    {
        let mask = broadcast(byte)
        var p = start
        while end - p >= 8 {
            let m = firstMatch(load(p), mask)
            if m != 0 { return p + (m.trailingZeroBitCount >> 3) }
            p += 8
        }
        while p < end && p.pointee != byte { p += 1 }
        return p
    }

    /// Parses an optionally signed decimal integer filling all of `[start, end)`.
    @inline(__always)
    static func int64(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int64? {
        var p = start
        guard p < end else { return nil }
        var negative = false
        if p.pointee == UInt8(ascii: "-") {
            negative = true
            p += 1
        } else if p.pointee == UInt8(ascii: "+") {
            p += 1
        }
        let digits = end - p
        guard digits > 0 else { return nil }
        var value: UInt64 = 0
        if digits <= 18 {
            while p < end {
                let d = UInt64(p.pointee &- 48)
                guard d < 10 else { return nil }
                value = value &* 10 &+ d
                p += 1
            }
            return negative ? -Int64(value) : Int64(value)
        }
        while p < end {
            let d = UInt64(p.pointee &- 48)
            guard d < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(d)
            guard !o1 && !o2 else { return nil }
            value = sum
            p += 1
        }
        if negative {
            guard value <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- value)
        }
        guard value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    /// Parses an optionally signed integer of at most 18 digits at `start`, stopping at the first non-digit (or
    /// `end`), which it stores in `stop`. Returns `nil` when there is no digit or too many.
    @inline(__always)
    static func int64Prefix(
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        stop: inout UnsafePointer<UInt8>
    ) -> Int64? {
        var p = start
        var negative = false
        if p < end && p.pointee == UInt8(ascii: "-") {
            negative = true
            p += 1
        }
        if end - p >= 8 {
            // Up to 7 digits followed by a non-digit, a word at a time.
            let word = load(p)
            let nonDigits =
                ((word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
                | (((word & 0x0F0F_0F0F_0F0F_0F0F) &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0)
            let marks = (((nonDigits & lows) &+ lows) | nonDigits) & highs
            let digits = marks.trailingZeroBitCount >> 3
            if digits > 0 && digits < 8 {
                var value = (word & 0x0F0F_0F0F_0F0F_0F0F) << UInt64(64 - 8 * digits)
                value = value &* 10 &+ (value >> 8)
                value =
                    ((value & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
                        &+ ((value >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001) >> 32
                stop = p + digits
                return negative ? -Int64(value) : Int64(value)
            }
        }
        let first = p
        var value: Int64 = 0
        while p < end {
            let d = p.pointee &- 48
            if d > 9 { break }
            value = value &* 10 &+ Int64(d)
            p += 1
        }
        let digits = p - first
        guard digits > 0 && digits <= 18 else { return nil }
        stop = p
        return negative ? -value : value
    }

    static let powersOf10: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// Parses an integer with `thousands` (if not 0) between groups of digits (`1,234,567`), by copying it without
    /// them into `scratch` (64 bytes) for ``int64(_:_:)``; longer text is not a number.
    static func int64(
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        thousands: UInt8,
        scratch: UnsafeMutablePointer<UInt8>
    ) -> Int64? {
        guard thousands != 0 else { return int64(start, end) }
        guard end - start <= 64 else { return nil }
        var out = scratch
        var p = start
        while p < end {
            if p.pointee != thousands {
                out.pointee = p.pointee
                out += 1
            }
            p += 1
        }
        return int64(UnsafePointer(scratch), UnsafePointer(out))
    }

    /// Parses a number written with `decimal` as the decimal separator and `thousands` (if not 0) between groups of
    /// digits, by rewriting it into `scratch` (64 bytes) for ``double(_:_:)``; longer text is not a number.
    static func double(
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        decimal: UInt8,
        thousands: UInt8,
        scratch: UnsafeMutablePointer<UInt8>
    ) -> Double? {
        guard end - start <= 64 else { return nil }
        var out = scratch
        var p = start
        while p < end {
            let c = p.pointee
            if c == thousands && thousands != 0 {
                p += 1
                continue
            }
            if c == UInt8(ascii: ".") && decimal != UInt8(ascii: ".") { return nil }
            out.pointee = c == decimal ? UInt8(ascii: ".") : c
            out += 1
            p += 1
        }
        return double(UnsafePointer(scratch), UnsafePointer(out))
    }

    /// Parses a decimal floating-point number filling all of `[start, end)`, correctly rounded: exact cases by
    /// Clinger's fast path, the rest by `strtod`. Accepts `nan`, `inf` and `infinity` in any case, with a sign.
    @inline(__always)
    static func double(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        var p = start
        guard p < end else { return nil }
        var negative = false
        if p.pointee == UInt8(ascii: "-") {
            negative = true
            p += 1
        } else if p.pointee == UInt8(ascii: "+") {
            p += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        while p < end {
            let d = UInt64(p.pointee &- 48)
            if d >= 10 { break }
            if significant < 19 {
                mantissa = mantissa &* 10 &+ d
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { truncated = true }
            }
            digits += 1
            p += 1
        }
        if p < end && p.pointee == UInt8(ascii: ".") {
            p += 1
            while p < end {
                let d = UInt64(p.pointee &- 48)
                if d >= 10 { break }
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                digits += 1
                p += 1
            }
        }
        if digits == 0 { return special(start, end) }
        if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
            p += 1
            var expNegative = false
            if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
                expNegative = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            var e = 0
            var expDigits = 0
            while p < end {
                let d = Int(p.pointee &- 48)
                if d < 0 || d >= 10 { break }
                if e < 100_000 { e = e * 10 + d }
                expDigits += 1
                p += 1
            }
            guard expDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard p == end else { return nil }
        if !truncated && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= powersOf10[-exponent] } else { value *= powersOf10[exponent] }
            return negative ? -value : value
        }
        return strtodFallback(start, end)
    }

    /// `nan`, `inf`, `infinity` with an optional sign, any case.
    static func special(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        var p = start
        var negative = false
        if p < end && (p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+")) {
            negative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        var word: [UInt8] = []
        while p < end && word.count < 9 {
            word.append(p.pointee | 0x20)
            p += 1
        }
        guard p == end else { return nil }
        switch String(decoding: word, as: UTF8.self) {
        case "nan": return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: return nil
        }
    }

    /// `strtod` on a NUL-terminated copy; the text has already been checked against the decimal grammar.
    static func strtodFallback(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Double? {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer -> Double? in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: start, byteCount: length)
            base[length] = 0
            var stop: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &stop)
            guard stop == base + length else { return nil }
            return value
        }
    }

    /// `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n` in any case, `1`/`0`.
    @inline(__always)
    static func boolean(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool? {
        let n = end - start
        @inline(__always) func lower(_ i: Int) -> UInt8 { start[i] | 0x20 }
        switch n {
        case 1:
            switch start.pointee {
            case UInt8(ascii: "1"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "y"), UInt8(ascii: "Y"):
                return true
            case UInt8(ascii: "0"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "n"), UInt8(ascii: "N"):
                return false
            default: return nil
            }
        case 2:
            return lower(0) == UInt8(ascii: "n") && lower(1) == UInt8(ascii: "o") ? false : nil
        case 3:
            return lower(0) == UInt8(ascii: "y") && lower(1) == UInt8(ascii: "e") && lower(2) == UInt8(ascii: "s")
                ? true : nil
        case 4:
            return lower(0) == UInt8(ascii: "t") && lower(1) == UInt8(ascii: "r") && lower(2) == UInt8(ascii: "u")
                && lower(3) == UInt8(ascii: "e") ? true : nil
        case 5:
            return lower(0) == UInt8(ascii: "f") && lower(1) == UInt8(ascii: "a") && lower(2) == UInt8(ascii: "l")
                && lower(3) == UInt8(ascii: "s") && lower(4) == UInt8(ascii: "e") ? false : nil
        default:
            return nil
        }
    }

    /// Whether `[start, end)` is well-formed UTF-8 (no overlong forms, surrogates or values above U+10FFFF).
    @inline(__always)
    static func isValidUTF8(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var p = start
        while end - p >= 8 {
            if load(p) & highs != 0 { return validateMultibyte(p, end) }
            p += 8
        }
        while p < end {
            if p.pointee >= 0x80 { return validateMultibyte(p, end) }
            p += 1
        }
        return true
    }

    static func validateMultibyte(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Bool {
        var p = start
        while p < end {
            let b0 = p.pointee
            if b0 < 0x80 {
                p += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return false
            }
            guard end - p >= length else { return false }
            guard p[1] >= lower && p[1] <= upper else { return false }
            for k in 2..<length where p[k] & 0xC0 != 0x80 { return false }
            p += length
        }
        return true
    }
}
