import Columnar

/// Decodes DELTA_LENGTH_BYTE_ARRAY (delta-packed lengths, then the concatenated bytes) and DELTA_BYTE_ARRAY
/// (delta-packed prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY).
enum DeltaByteArrayDecoder {
    /// The default for the most bytes one page may decode to; DELTA_BYTE_ARRAY prefixes (and dictionary
    /// indices) could otherwise expand a few bytes into an unbounded amount of memory.
    static let maximumDecodedBytes = 1 << 30

    /// Checks that `lengths` are non-negative and sum to at most `limit`; returns the sum.
    private static func validatedTotal(_ lengths: [Int64], limit: Int, what: String) throws -> Int {
        var total = 0
        for (i, length) in lengths.enumerated() {
            guard length >= 0, length <= Int64(limit - total) else {
                throw DecoderError("\(what) \(i) has length \(length), past the \(limit - total) bytes that remain")
            }
            total += Int(length)
        }
        return total
    }

    /// Appends `count` DELTA_LENGTH_BYTE_ARRAY values; returns the bytes consumed.
    static func decodeLengthPrefixed(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        into out: inout ByteArrays
    ) throws -> Int {
        let (lengths, position) = try DeltaBinaryPackedDecoder.decode(
            buffer,
            count: count,
            maximumBitWidth: 32,
            exactCount: true
        )
        let total = try validatedTotal(lengths, limit: buffer.count - position, what: "DELTA_LENGTH_BYTE_ARRAY value")
        out.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position..<position + total]))
        out.offsets.reserveAdditional(count)
        var offset = out.offsets[out.offsets.count - 1]
        for length in lengths {
            offset += Int(length)
            out.offsets.append(offset)
        }
        return position + total
    }

    /// Appends `count` DELTA_BYTE_ARRAY values (each page starts afresh: its first prefix is empty).
    /// Returns the bytes consumed.
    static func decodeIncremental(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        limit: Int = maximumDecodedBytes,
        into out: inout ByteArrays
    ) throws -> Int {
        let (prefixes, prefixBytes) = try DeltaBinaryPackedDecoder.decode(
            buffer,
            count: count,
            maximumBitWidth: 32,
            exactCount: true
        )
        let rest = UnsafeRawBufferPointer(rebasing: buffer[prefixBytes...])
        let (suffixLengths, lengthBytes) = try DeltaBinaryPackedDecoder.decode(
            rest,
            count: count,
            maximumBitWidth: 32,
            exactCount: true
        )
        _ = try validatedTotal(
            suffixLengths,
            limit: rest.count - lengthBytes,
            what: "DELTA_BYTE_ARRAY suffix"
        )
        // Check the prefixes and the decoded size before allocating anything.
        var decodedTotal = 0
        var previousLength = 0
        for i in 0..<count {
            let prefix = prefixes[i]
            guard prefix >= 0, prefix <= Int64(previousLength) else {
                throw DecoderError(
                    "DELTA_BYTE_ARRAY value \(i) has prefix length \(prefix), the previous value has \(previousLength) bytes"
                )
            }
            previousLength = Int(prefix) + Int(suffixLengths[i])
            decodedTotal += previousLength
            guard decodedTotal <= limit else {
                throw DecoderError("DELTA_BYTE_ARRAY page decodes to more than \(limit) bytes")
            }
        }
        var suffixAt = prefixBytes + lengthBytes
        let decoded = [UInt8](unsafeUninitializedCapacity: decodedTotal) { destination, initialized in
            let destination = UnsafeMutableRawBufferPointer(destination)
            var write = 0
            var previousStart = 0
            for i in 0..<count {
                let start = write
                let prefix = Int(prefixes[i])
                if prefix > 0 {
                    // The prefix comes from the previous value, which precedes it in `destination`.
                    UnsafeMutableRawBufferPointer(rebasing: destination[write..<write + prefix]).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: destination[previousStart..<previousStart + prefix])
                    )
                    write += prefix
                }
                let length = Int(suffixLengths[i])
                UnsafeMutableRawBufferPointer(rebasing: destination[write..<write + length]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: buffer[suffixAt..<suffixAt + length])
                )
                write += length
                suffixAt += length
                previousStart = start
            }
            initialized = write
        }
        out.offsets.reserveAdditional(count)
        var offset = out.offsets[out.offsets.count - 1]
        for i in 0..<count {
            offset += Int(prefixes[i]) + Int(suffixLengths[i])
            out.offsets.append(offset)
        }
        if out.data.isEmpty { out.data = decoded } else { out.data.append(contentsOf: decoded) }
        return suffixAt
    }
}
