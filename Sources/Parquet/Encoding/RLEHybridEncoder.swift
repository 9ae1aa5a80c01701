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
            if i &+ 9 <= count {
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
                var written = 0
                var accumulator: UInt64 = 0
                var bits = 0
                var k = start
                let limit = range.upperBound
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
}
