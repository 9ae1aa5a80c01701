extension Snappy {
    /// Input is compressed in independent fragments of this size, so match offsets fit in 16 bits.
    static let fragmentSize = 1 << 16
    /// The hash table has at most 2^15 entries, as in Snappy 1.1.10 and later (Arrow bundles such a version).
    static let maximumHashTableBits = 15
    /// The match finder stops this many bytes before the end of a fragment, so it can always load 8 bytes.
    static let inputMargin = 15

    /// Writes the Snappy block for `input` at `destination`, which must hold ``maxCompressedLength(_:)`` bytes.
    /// Returns the number of bytes written.
    static func compressBlock(_ input: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer) -> Int {
        var op = destination
        var length = UInt32(input.count)
        while length >= 0x80 {
            op.storeBytes(of: UInt8(truncatingIfNeeded: length) | 0x80, as: UInt8.self)
            op += 1
            length >>= 7
        }
        op.storeBytes(of: UInt8(length), as: UInt8.self)
        op += 1
        guard let base = input.baseAddress, input.count > 0 else { return op - destination }

        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 1 << maximumHashTableBits) { table in
            let table = table.baseAddress!
            var position = 0
            while position < input.count {
                let count = min(input.count - position, fragmentSize)
                var bits = 8
                while bits < maximumHashTableBits && (1 << bits) < count { bits += 1 }
                table.initialize(repeating: 0, count: 1 << bits)
                op = compressFragment(base + position, count: count, into: op, table: table, tableBits: bits)
                position += count
            }
        }
        return op - destination
    }

    @inline(__always)
    static func hash(_ bytes: UInt32, shift: UInt32) -> Int {
        Int(truncatingIfNeeded: (bytes &* 0x1E35_A7BD) &>> shift)
    }

    @inline(__always)
    static func load32(_ pointer: UnsafeRawPointer) -> UInt32 {
        UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self))
    }

    @inline(__always)
    static func load64(_ pointer: UnsafeRawPointer) -> UInt64 {
        UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
    }

    /// Compresses one fragment of at most ``fragmentSize`` bytes; offsets in `table` are relative to `input`.
    static func compressFragment(
        _ input: UnsafeRawPointer,
        count: Int,
        into output: UnsafeMutableRawPointer,
        table: UnsafeMutablePointer<UInt16>,
        tableBits: Int
    ) -> UnsafeMutableRawPointer {
        var op = output
        let shift = UInt32(32 - tableBits)
        let inputEnd = input + count
        var ip = input
        var nextEmit = input

        if count >= inputMargin {
            let ipLimit = input + (count - inputMargin)
            ip += 1
            var nextHash = hash(load32(ip), shift: shift)
            search: while true {
                // Look for a 4-byte match, stepping further apart the longer nothing matches (1 byte at a time
                // for the first 32 probes, then 2, ...), so incompressible data is skipped quickly.
                var skip: UInt32 = 32
                var nextIp = ip
                var candidate: UnsafeRawPointer
                repeat {
                    ip = nextIp
                    let currentHash = nextHash
                    let step = Int(skip >> 5)
                    skip &+= skip >> 5
                    nextIp = ip + step
                    if nextIp > ipLimit { break search }
                    nextHash = hash(load32(nextIp), shift: shift)
                    candidate = input + Int(table[currentHash])
                    table[currentHash] = UInt16(truncatingIfNeeded: ip - input)
                } while load32(ip) != load32(candidate)

                op = emitLiteral(op, from: nextEmit, count: ip - nextEmit, fast: true)

                // Emit copies for as long as the bytes right after a match start another match.
                var inputBytes: UInt64
                var candidateBytes: UInt32
                repeat {
                    let matchStart = ip
                    let matched = 4 + matchLength(candidate + 4, ip + 4, end: inputEnd)
                    ip += matched
                    op = emitCopy(op, offset: matchStart - candidate, length: matched)
                    nextEmit = ip
                    if ip >= ipLimit { break search }
                    inputBytes = load64(ip - 1)
                    let previousHash = hash(UInt32(truncatingIfNeeded: inputBytes), shift: shift)
                    table[previousHash] = UInt16(truncatingIfNeeded: ip - input - 1)
                    let currentHash = hash(UInt32(truncatingIfNeeded: inputBytes >> 8), shift: shift)
                    candidate = input + Int(table[currentHash])
                    candidateBytes = load32(candidate)
                    table[currentHash] = UInt16(truncatingIfNeeded: ip - input)
                } while UInt32(truncatingIfNeeded: inputBytes >> 8) == candidateBytes

                ip += 1
                nextHash = hash(load32(ip), shift: shift)
            }
        }
        if nextEmit < inputEnd {
            op = emitLiteral(op, from: nextEmit, count: inputEnd - nextEmit, fast: false)
        }
        return op
    }

    /// The number of equal bytes at `a` and `b`, reading no further than `end` (which bounds `b`; `a < b`).
    @inline(__always)
    static func matchLength(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, end: UnsafeRawPointer) -> Int {
        var matched = 0
        while b + matched + 8 <= end {
            let difference = load64(a + matched) ^ load64(b + matched)
            if difference != 0 {
                return matched + difference.trailingZeroBitCount >> 3
            }
            matched += 8
        }
        while b + matched < end
            && a.load(fromByteOffset: matched, as: UInt8.self)
                == b.load(fromByteOffset: matched, as: UInt8.self)
        {
            matched += 1
        }
        return matched
    }

    /// Writes a literal tag and `count` bytes from `source`. With `fast`, literals of at most 16 bytes are copied
    /// as two 8-byte words; the caller guarantees 16 readable bytes at `source` (the fragment's input margin).
    @inline(__always)
    static func emitLiteral(
        _ op: UnsafeMutableRawPointer,
        from source: UnsafeRawPointer,
        count: Int,
        fast: Bool
    ) -> UnsafeMutableRawPointer {
        var op = op
        let n = count - 1
        if n < 60 {
            op.storeBytes(of: UInt8(truncatingIfNeeded: n << 2), as: UInt8.self)
            op += 1
            if fast && count <= 16 {
                op.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                (op + 8).storeBytes(of: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
                return op + count
            }
        } else {
            var bytes = 1
            while bytes < 4 && n >> (8 * bytes) != 0 { bytes += 1 }
            op.storeBytes(of: UInt8(truncatingIfNeeded: (59 + bytes) << 2), as: UInt8.self)
            op += 1
            var value = n
            for _ in 0..<bytes {
                op.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
                op += 1
                value >>= 8
            }
        }
        op.copyMemory(from: source, byteCount: count)
        return op + count
    }

    /// Writes copy tags for a match of `length` bytes at distance `offset` (< 65536).
    @inline(__always)
    static func emitCopy(_ op: UnsafeMutableRawPointer, offset: Int, length: Int) -> UnsafeMutableRawPointer {
        var op = op
        var length = length
        if length < 12 {
            return emitShortCopy(op, offset: offset, length: length)
        }
        // Long matches: 64-byte copies, keeping the last piece at least 4 bytes long.
        while length >= 68 {
            op = emitCopyWithTwoByteOffset(op, offset: offset, length: 64)
            length -= 64
        }
        if length > 64 {
            op = emitCopyWithTwoByteOffset(op, offset: offset, length: 60)
            length -= 60
        }
        if length < 12 {
            return emitShortCopy(op, offset: offset, length: length)
        }
        return emitCopyWithTwoByteOffset(op, offset: offset, length: length)
    }

    /// A copy of 4...11 bytes: a 1-byte-offset tag when the offset is below 2048.
    @inline(__always)
    static func emitShortCopy(_ op: UnsafeMutableRawPointer, offset: Int, length: Int) -> UnsafeMutableRawPointer {
        if offset < 2048 {
            let tag = 1 | ((length - 4) << 2) | ((offset >> 3) & 0xE0)
            op.storeBytes(of: UInt16(truncatingIfNeeded: tag | (offset & 0xFF) << 8).littleEndian, as: UInt16.self)
            return op + 2
        }
        return emitCopyWithTwoByteOffset(op, offset: offset, length: length)
    }

    /// A copy of 1...64 bytes with a 16-bit offset.
    @inline(__always)
    static func emitCopyWithTwoByteOffset(
        _ op: UnsafeMutableRawPointer,
        offset: Int,
        length: Int
    ) -> UnsafeMutableRawPointer {
        op.storeBytes(of: UInt8(truncatingIfNeeded: 2 | ((length - 1) << 2)), as: UInt8.self)
        (op + 1).storeBytes(of: UInt16(truncatingIfNeeded: offset).littleEndian, as: UInt16.self)
        return op + 3
    }
}
