/// Encodes DELTA_BINARY_PACKED integers, the inverse of ``DeltaBinaryPackedDecoder``: a header (block size 128,
/// 4 miniblocks per block, value count, zigzag first value), then per block the zigzag minimum delta, one bit width
/// per miniblock and the miniblocks of `delta - minimum` bit-packed least significant bit first.
///
/// The writer uses it for the pages of an INT32 or INT64 column whose dictionary was abandoned, when it is smaller
/// than PLAIN (sorted keys, timestamps, counters: a run of consecutive dates takes 0 bits a value). Deltas wrap in
/// the column's own width, as parquet-mr and arrow do, so an INT32 miniblock never needs more than 32 bits.
enum DeltaBinaryPackedEncoder {
    /// Values per block.
    static let blockSize = 128
    /// Miniblocks per block.
    static let miniblockCount = 4
    /// Values per miniblock.
    static let miniblockSize = blockSize / miniblockCount

    /// Appends the encoding of the `count` little-endian values of `T` at `raw` (PLAIN bytes) to `output`.
    static func encode<T: FixedWidthInteger & SignedInteger>(
        plain raw: UnsafeRawBufferPointer,
        as _: T.Type,
        into output: inout [UInt8]
    ) {
        let width = MemoryLayout<T>.size
        let count = raw.count / width
        @inline(__always) func value(_ i: Int) -> T {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: i &* width, as: T.self))
        }
        writeVarint(UInt64(blockSize), into: &output)
        writeVarint(UInt64(miniblockCount), into: &output)
        writeVarint(UInt64(count), into: &output)
        writeZigzag(count > 0 ? Int64(value(0)) : 0, into: &output)
        guard count > 1 else { return }

        var deltas = [T](repeating: 0, count: blockSize)
        var previous = value(0)
        var next = 1
        while next < count {
            let n = min(blockSize, count - next)
            var minimum = T.max
            for k in 0..<n {
                let current = value(next &+ k)
                let delta = current &- previous
                deltas[k] = delta
                minimum = Swift.min(minimum, delta)
                previous = current
            }
            writeZigzag(Int64(minimum), into: &output)
            // Bit widths of the four miniblocks (0 for those past the last value), then their bodies.
            let widthsAt = output.count
            output.append(contentsOf: repeatElement(0, count: miniblockCount))
            for m in 0..<miniblockCount {
                let start = m * miniblockSize
                guard start < n else { break }
                let end = Swift.min(n, start + miniblockSize)
                var union: UInt64 = 0
                for k in start..<end {
                    union |= UInt64(truncatingIfNeeded: T.Magnitude(truncatingIfNeeded: deltas[k] &- minimum))
                }
                let bits = union == 0 ? 0 : 64 - union.leadingZeroBitCount
                output[widthsAt + m] = UInt8(bits)
                guard bits > 0 else { continue }
                // A miniblock always takes `miniblockSize × bits` bits: the last one is padded with zeros.
                let base = output.count
                output.append(contentsOf: repeatElement(0, count: miniblockSize * bits / 8))
                output.withUnsafeMutableBytes { out in
                    // Little-endian bit order: the values fill a 64-bit accumulator, stored 8 bytes at a time.
                    var at = base
                    var accumulator: UInt64 = 0
                    var filled = 0
                    for k in start..<end {
                        let packed = UInt64(truncatingIfNeeded: T.Magnitude(truncatingIfNeeded: deltas[k] &- minimum))
                        accumulator |= packed &<< UInt64(filled)
                        filled &+= bits
                        if filled >= 64 {
                            out.storeBytes(of: accumulator.littleEndian, toByteOffset: at, as: UInt64.self)
                            at &+= 8
                            filled &-= 64
                            // The bits of `packed` that did not fit (none when it ended exactly at 64).
                            accumulator = filled == 0 ? 0 : packed &>> UInt64(bits &- filled)
                        }
                    }
                    var rest = accumulator
                    for _ in 0..<((filled &+ 7) >> 3) {
                        out[at] = UInt8(truncatingIfNeeded: rest)
                        rest &>>= 8
                        at &+= 1
                    }
                }
            }
            next &+= n
        }
    }

    private static func writeVarint(_ value: UInt64, into output: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        output.append(UInt8(value))
    }

    private static func writeZigzag(_ value: Int64, into output: inout [UInt8]) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), into: &output)
    }
}

extension DeltaBinaryPackedEncoder {
    /// The bits a value of the first `sample` deltas of `raw` would take in a miniblock: a cheap look at whether
    /// encoding the whole page can pay.
    static func sampledBitWidth<T: FixedWidthInteger & SignedInteger>(
        plain raw: UnsafeRawBufferPointer,
        as _: T.Type,
        sample: Int = 512
    ) -> Int {
        let width = MemoryLayout<T>.size
        let count = Swift.min(raw.count / width, sample + 1)
        guard count > 1 else { return 0 }
        var previous = T(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: T.self))
        var low = T.max
        var high = T.min
        for i in 1..<count {
            let current = T(littleEndian: raw.loadUnaligned(fromByteOffset: i &* width, as: T.self))
            let delta = current &- previous
            low = Swift.min(low, delta)
            high = Swift.max(high, delta)
            previous = current
        }
        let span = UInt64(truncatingIfNeeded: T.Magnitude(truncatingIfNeeded: high &- low))
        return span == 0 ? 0 : 64 - span.leadingZeroBitCount
    }
}
