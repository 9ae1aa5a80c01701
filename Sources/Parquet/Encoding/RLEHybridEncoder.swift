/// Encodes unsigned integers with the RLE/bit-packed hybrid: definition levels, RLE booleans and dictionary
/// indices.
///
/// Runs of eight or more equal values become RLE runs; everything else is bit-packed in groups of eight
/// (the last group padded with zeros). The output has no length prefix and no bit-width byte; callers add
/// those where the format wants them.
enum RLEHybridEncoder {
    /// Bit-packed runs are cut at this many groups of eight so that their header fits in one byte, as the
    /// reference writers do.
    private static let maxGroupsPerRun = 63

    /// The number of bits needed to represent `value` (0 for 0).
    static func bitWidth(of value: UInt64) -> Int {
        value == 0 ? 0 : 64 - value.leadingZeroBitCount
    }

    /// Appends the encoding of `values` (each below `1 << bitWidth`) to `output`.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>,
        bitWidth: Int,
        into output: inout [UInt8]
    ) {
        precondition((0...32).contains(bitWidth), "bit width \(bitWidth) out of range")
        let count = values.count
        output.reserveCapacity(output.count + count * bitWidth / 8 + 16)
        var i = 0
        var literalStart = 0
        while i < count {
            // No two adjacent equal values among the next nine: no run of eight starts in the next eight
            // positions, which the scalar loop below would step over one by one.
            if bitWidth == 1 && T.self == UInt8.self && i &+ 17 <= count {
                // Levels (bytes 0 or 1), where equal neighbours are common: bit k of `equal` says whether
                // values i+k and i+k+1 are equal; a run of eight starting at i+p needs bits p...p+6 set.
                let bytes = UnsafeRawPointer(values.baseAddress! + i)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let gather: UInt64 = 0x0102_0408_1020_4080
                let low =
                    ~(bytes.loadUnaligned(as: UInt64.self) ^ bytes.loadUnaligned(fromByteOffset: 1, as: UInt64.self))
                let high =
                    ~(bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    ^ bytes.loadUnaligned(fromByteOffset: 9, as: UInt64.self))
                let equal = ((low & ones) &* gather) >> 56 | (((high & ones) &* gather) >> 56) << 8
                let runs = equal & equal >> 1 & equal >> 2 & equal >> 3 & equal >> 4 & equal >> 5 & equal >> 6
                if runs & 0xFF == 0 {
                    i &+= 8
                    continue
                }
            } else if i &+ 9 <= count {
                var equal = 0
                for k in 0..<8 { equal |= values[i &+ k] == values[i &+ k &+ 1] ? 1 : 0 }
                if equal == 0 {
                    i &+= 8
                    continue
                }
            }
            let value = values[i]
            var j = i &+ 1
            while j < count && values[j] == value { j &+= 1 }
            let run = j - i
            if run >= 8 {
                var runStart = i
                let pending = i - literalStart
                let remainder = pending % 8
                if remainder != 0 {
                    // Bit-packed runs hold whole groups of eight: lend the literal the head of this run.
                    let borrow = 8 - remainder
                    if run - borrow < 8 {
                        i = j
                        continue
                    }
                    runStart += borrow
                }
                if runStart > literalStart {
                    bitPack(values, literalStart..<runStart, bitWidth: bitWidth, into: &output)
                }
                repeated(UInt32(truncatingIfNeeded: value), count: j - runStart, bitWidth: bitWidth, into: &output)
                literalStart = j
            }
            i = j
        }
        if literalStart < count {
            bitPack(values, literalStart..<count, bitWidth: bitWidth, into: &output)
        }
    }

    /// Appends the encoding of `values` to `output`.
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ values: [T],
        bitWidth: Int,
        into output: inout [UInt8]
    ) {
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &output) }
    }

    /// Appends one RLE run of `count` copies of `value` (below `1 << bitWidth`).
    static func encodeRun(_ value: UInt32, count: Int, bitWidth: Int, into output: inout [UInt8]) {
        precondition((0...32).contains(bitWidth), "bit width \(bitWidth) out of range")
        guard count >= 8 else {
            // As `encode` does: short sequences are bit-packed.
            encode([UInt32](repeating: value, count: count), bitWidth: bitWidth, into: &output)
            return
        }
        repeated(value, count: count, bitWidth: bitWidth, into: &output)
    }

    private static func writeVarint(_ value: Int, into output: inout [UInt8]) {
        var value = UInt64(value)
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    private static func repeated(_ value: UInt32, count: Int, bitWidth: Int, into output: inout [UInt8]) {
        writeVarint(count << 1, into: &output)
        var value = value
        for _ in 0..<(bitWidth + 7) / 8 {
            output.append(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
    }

    /// Bit-packs `range` of `values`, padding the last group of eight with zeros.
    private static func bitPack<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafeBufferPointer<T>,
        _ range: Range<Int>,
        bitWidth: Int,
        into output: inout [UInt8]
    ) {
        var start = range.lowerBound
        while start < range.upperBound {
            let groups = min((range.upperBound - start + 7) / 8, maxGroupsPerRun)
            writeVarint(groups << 1 | 1, into: &output)
            let end = start + groups * 8
            let byteCount = groups * bitWidth
            let base = output.count
            // Reserve the run's bytes, then fill them 32 bits at a time (8 values of `bitWidth` bits take a
            // whole number of bytes, so the run ends on a byte boundary).
            output.append(contentsOf: repeatElement(0, count: byteCount))
            output.withUnsafeMutableBytes { raw in
                let out = raw.baseAddress! + base
                let limit = range.upperBound
                // Whole groups of eight with a width known to the compiler; then the padded last group, if any.
                let fullGroups = min(groups, (limit - start) / 8)
                packGroups(values.baseAddress! + start, groups: fullGroups, bitWidth: bitWidth, into: out)
                var written = fullGroups * bitWidth
                var accumulator: UInt64 = 0
                var bits = 0
                var k = start + fullGroups * 8
                while k < end {
                    let value = k < limit ? UInt64(truncatingIfNeeded: values[k]) : 0
                    accumulator |= value << UInt64(truncatingIfNeeded: bits)
                    bits &+= bitWidth
                    if bits >= 32 {
                        out.storeBytes(
                            of: UInt32(truncatingIfNeeded: accumulator).littleEndian,
                            toByteOffset: written,
                            as: UInt32.self
                        )
                        written &+= 4
                        accumulator >>= 32
                        bits &-= 32
                    }
                    k &+= 1
                }
                while bits > 0 {
                    out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), toByteOffset: written, as: UInt8.self)
                    written &+= 1
                    accumulator >>= 8
                    bits &-= 8
                }
            }
            start = end
        }
    }
    /// Bit-packs `groups` whole groups of eight values at `values` into `out`, dispatching to a copy of the
    /// packing loop specialized for each width.
    private static func packGroups<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafePointer<T>,
        groups: Int,
        bitWidth: Int,
        into out: UnsafeMutableRawPointer
    ) {
        switch bitWidth {
        case 1: packGroups(values, groups, out, width: 1)
        case 2: packGroups(values, groups, out, width: 2)
        case 3: packGroups(values, groups, out, width: 3)
        case 4: packGroups(values, groups, out, width: 4)
        case 5: packGroups(values, groups, out, width: 5)
        case 6: packGroups(values, groups, out, width: 6)
        case 7: packGroups(values, groups, out, width: 7)
        case 8: packGroups(values, groups, out, width: 8)
        case 9: packGroups(values, groups, out, width: 9)
        case 10: packGroups(values, groups, out, width: 10)
        case 11: packGroups(values, groups, out, width: 11)
        case 12: packGroups(values, groups, out, width: 12)
        case 13: packGroups(values, groups, out, width: 13)
        case 14: packGroups(values, groups, out, width: 14)
        case 15: packGroups(values, groups, out, width: 15)
        case 16: packGroups(values, groups, out, width: 16)
        case 17: packGroups(values, groups, out, width: 17)
        case 18: packGroups(values, groups, out, width: 18)
        case 19: packGroups(values, groups, out, width: 19)
        case 20: packGroups(values, groups, out, width: 20)
        case 21: packGroups(values, groups, out, width: 21)
        case 22: packGroups(values, groups, out, width: 22)
        case 23: packGroups(values, groups, out, width: 23)
        case 24: packGroups(values, groups, out, width: 24)
        case 25: packGroups(values, groups, out, width: 25)
        case 26: packGroups(values, groups, out, width: 26)
        case 27: packGroups(values, groups, out, width: 27)
        case 28: packGroups(values, groups, out, width: 28)
        case 29: packGroups(values, groups, out, width: 29)
        case 30: packGroups(values, groups, out, width: 30)
        case 31: packGroups(values, groups, out, width: 31)
        case 32: packGroups(values, groups, out, width: 32)
        default: break  // width 0 takes no bytes
        }
    }

    /// The packing loop for one width: with `width` a constant, the eight shifts and stores of a group unroll.
    @inline(__always)
    private static func packGroups<T: FixedWidthInteger & UnsignedInteger>(
        _ values: UnsafePointer<T>,
        _ groups: Int,
        _ out: UnsafeMutableRawPointer,
        width: Int
    ) {
        var written = 0
        var group = values
        for _ in 0..<groups {
            var accumulator: UInt64 = 0
            var bits = 0
            for k in 0..<8 {
                accumulator |= UInt64(truncatingIfNeeded: group[k]) << UInt64(truncatingIfNeeded: bits)
                bits &+= width
                if bits >= 32 {
                    out.storeBytes(
                        of: UInt32(truncatingIfNeeded: accumulator).littleEndian,
                        toByteOffset: written,
                        as: UInt32.self
                    )
                    written &+= 4
                    accumulator >>= 32
                    bits &-= 32
                }
            }
            while bits > 0 {
                out.storeBytes(of: UInt8(truncatingIfNeeded: accumulator), toByteOffset: written, as: UInt8.self)
                written &+= 1
                accumulator >>= 8
                bits &-= 8
            }
            group += 8
        }
    }
}
