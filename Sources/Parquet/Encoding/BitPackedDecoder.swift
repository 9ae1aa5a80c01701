/// Unpacks little-endian bit-packed integers (the packing of the RLE hybrid and of DELTA_BINARY_PACKED).
enum BitPackedDecoder {
    /// The number of bytes that `count` values of `width` bits take, starting at a byte boundary.
    @inlinable static func byteCount(values count: Int, width: Int) -> Int {
        (count * width + 7) / 8
    }

    /// Loads up to eight bytes at `index` as a little-endian integer; bytes past the end read as zero.
    @inline(__always)
    static func load64(_ buffer: UnsafeRawBufferPointer, _ index: Int) -> UInt64 {
        if index + 8 <= buffer.count {
            return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        }
        var word: UInt64 = 0
        var i = index
        while i < buffer.count {
            word |= UInt64(buffer[i]) << UInt64(8 * (i - index))
            i += 1
        }
        return word
    }

    /// Unpacks `count` values of `width` (0...32) bits starting at bit `bitOffset` of `buffer` into `out`.
    ///
    /// The caller guarantees that `buffer` holds `byteCount(bitOffset + count * width)` bits.
    @inline(__always)
    static func unpack32(
        _ buffer: UnsafeRawBufferPointer,
        bitOffset: Int,
        width: Int,
        count: Int,
        into out: UnsafeMutablePointer<UInt32>
    ) {
        if width == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var bit = bitOffset
        for i in 0..<count {
            let word = load64(buffer, bit >> 3)
            out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += width
        }
    }

    /// Unpacks `count` values of `width` (0...64) bits starting at bit `bitOffset` of `buffer` into `out`.
    @inline(__always)
    static func unpack64(
        _ buffer: UnsafeRawBufferPointer,
        bitOffset: Int,
        width: Int,
        count: Int,
        into out: UnsafeMutablePointer<UInt64>
    ) {
        if width == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        var bit = bitOffset
        for i in 0..<count {
            let byte = bit >> 3
            let shift = UInt64(bit & 7)
            var word = load64(buffer, byte) >> shift
            if shift + UInt64(width) > 64, byte + 8 < buffer.count {
                word |= UInt64(buffer[byte + 8]) << (64 - shift)
            }
            out[i] = word & mask
            bit += width
        }
    }
}
