/// Decodes DELTA_BINARY_PACKED integers: a header (block size, miniblocks per block, value count, first value),
/// then blocks of a zigzag minimum delta, one bit width per miniblock, and the bit-packed miniblocks.
enum DeltaBinaryPackedDecoder {
    /// Reads a ULEB128 varint of at most ten bytes at `position`.
    static func readVarint(_ buffer: UnsafeRawBufferPointer, _ position: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.count else { throw DecoderError("varint truncated", at: position) }
            let byte = buffer[position]
            position += 1
            if shift == 63 && byte > 1 { throw DecoderError("varint overflows 64 bits", at: position - 1) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw DecoderError("varint longer than ten bytes", at: position) }
        }
    }

    /// Reads a zigzag varint.
    static func readZigzag(_ buffer: UnsafeRawBufferPointer, _ position: inout Int) throws -> Int64 {
        let raw = try readVarint(buffer, &position)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Decodes `count` values; `maximumBitWidth` is 32 for INT32 columns and 64 for INT64 columns.
    ///
    /// Returns the values and the number of bytes consumed (through the end of the last miniblock read).
    /// The header's value count must be at least `count`; when `exactCount` is set it must equal it.
    static func decode(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        maximumBitWidth: Int = 64,
        exactCount: Bool = false
    ) throws -> (values: [Int64], consumed: Int) {
        var position = 0
        let blockSize = try readVarint(buffer, &position)
        let miniblockCount = try readVarint(buffer, &position)
        let totalCount = try readVarint(buffer, &position)
        let first = try readZigzag(buffer, &position)
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 24 else {
            throw DecoderError("DELTA_BINARY_PACKED block size \(blockSize) is not a positive multiple of 128")
        }
        guard miniblockCount > 0, blockSize % miniblockCount == 0, (blockSize / miniblockCount) % 32 == 0 else {
            throw DecoderError(
                "DELTA_BINARY_PACKED: \(miniblockCount) miniblocks do not divide a block of \(blockSize) "
                    + "into multiples of 32 values"
            )
        }
        guard totalCount >= UInt64(count), !exactCount || totalCount == UInt64(count) else {
            throw DecoderError("DELTA_BINARY_PACKED header holds \(totalCount) values, the page needs \(count)")
        }
        let miniblocks = Int(miniblockCount)
        let perMiniblock = Int(blockSize) / miniblocks
        guard count > 0 else { return ([], position) }

        var values = [Int64](repeating: 0, count: count)
        var deltas = [UInt64](repeating: 0, count: min(perMiniblock, count))
        values[0] = first
        var produced = 1
        var previous = first
        while produced < count {
            let minDelta = try readZigzag(buffer, &position)
            guard miniblocks <= buffer.count - position else {
                throw DecoderError("DELTA_BINARY_PACKED bit widths truncated", at: position)
            }
            let widthsAt = position
            position += miniblocks
            for m in 0..<miniblocks where produced < count {
                let width = Int(buffer[widthsAt + m])
                guard width <= maximumBitWidth else {
                    throw DecoderError(
                        "DELTA_BINARY_PACKED bit width \(width) exceeds \(maximumBitWidth)",
                        at: widthsAt + m
                    )
                }
                let n = min(perMiniblock, count - produced)
                let needed = BitPackedDecoder.byteCount(values: n, width: width)
                guard needed <= buffer.count - position else {
                    throw DecoderError("DELTA_BINARY_PACKED miniblock truncated", at: position)
                }
                deltas.withUnsafeMutableBufferPointer { out in
                    BitPackedDecoder.unpack64(
                        buffer,
                        bitOffset: position * 8,
                        width: width,
                        count: n,
                        into: out.baseAddress!
                    )
                }
                // The last miniblock is padded to full length; tolerate a writer that did not pad it.
                position = min(buffer.count, position + perMiniblock * width / 8)
                values.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n {
                        previous = previous &+ minDelta &+ Int64(bitPattern: deltas[i])
                        out[produced + i] = previous
                    }
                }
                produced += n
            }
        }
        return (values, position)
    }
}
