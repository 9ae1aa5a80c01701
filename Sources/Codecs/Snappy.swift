/// Snappy block compression in native Swift: the raw block format (a varint length preamble followed by literal
/// and copy tags), as Parquet, Arrow and Hadoop use it. The framing format (`sNaPpY` stream chunks) is not
/// supported.
///
/// The compressor is the reference algorithm: 64 KiB fragments, a hash table of up to 32K entries keyed by a
/// hash of four bytes, and a lookup skip that accelerates through incompressible data. The decompressor checks
/// every tag against the input and output bounds.
public enum Snappy {
    /// The largest length a Snappy block can declare (its preamble is a 32-bit varint).
    public static let maximumBlockLength = Int(UInt32.max)

    /// The most bytes compressing `length` input bytes can produce.
    public static func maxCompressedLength(_ length: Int) -> Int {
        32 + length + length / 6
    }

    /// Appends a valid Snappy block for `input` that stores it as literals without looking for matches: a copy at
    /// memory speed, for data known to compress poorly (any Snappy decoder reads it).
    /// - Precondition: `input.count <= Snappy.maximumBlockLength`.
    public static func store(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        precondition(input.count <= maximumBlockLength, "Snappy blocks hold at most 4 GiB - 1")
        output.reserveCapacity(output.count + maxCompressedLength(input.count))
        var length = UInt32(input.count)
        while length >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        var position = 0
        while position < input.count {
            // Literals of at most 64 KiB: a tag with the length - 1 in the tag (< 60) or in 1 or 2 bytes after.
            let count = min(input.count - position, fragmentSize)
            let n = count - 1
            if n < 60 {
                output.append(UInt8(n << 2))
            } else if n < 256 {
                output.append(contentsOf: [60 << 2, UInt8(n)])
            } else {
                output.append(contentsOf: [61 << 2, UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8)])
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[position..<(position + count)]))
            position += count
        }
    }

    /// Compresses `input`, appending the block to `output`.
    /// - Precondition: `input.count <= Snappy.maximumBlockLength`.
    public static func compress(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        precondition(input.count <= maximumBlockLength, "Snappy blocks hold at most 4 GiB - 1")
        let start = output.count
        let bound = maxCompressedLength(input.count)
        output.append(contentsOf: repeatElement(0, count: bound))
        let written = output.withUnsafeMutableBytes { buffer in
            compressBlock(input, into: buffer.baseAddress! + start)
        }
        output.removeLast(bound - written)
    }

    /// Compresses `input` into a new array.
    public static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        precondition(input.count <= maximumBlockLength, "Snappy blocks hold at most 4 GiB - 1")
        return [UInt8](unsafeUninitializedCapacity: maxCompressedLength(input.count)) { buffer, count in
            count = compressBlock(input, into: UnsafeMutableRawPointer(buffer.baseAddress!))
        }
    }

    /// Compresses `input` into a new array.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }

    /// The uncompressed length a block declares in its preamble. The value is not trusted: decompression checks
    /// it against the data.
    /// - Throws: ``CodecError`` if the preamble is truncated or longer than 32 bits.
    public static func uncompressedLength(_ input: UnsafeRawBufferPointer) throws(CodecError) -> Int {
        try readPreamble(input).length
    }

    /// Decompresses a raw Snappy block.
    ///
    /// - Parameters:
    ///   - expectedLength: the decompressed length, when known. A block whose preamble or contents disagree is a
    ///     ``CodecError/Kind/lengthMismatch`` error.
    ///   - maximumLength: when `expectedLength` is nil, blocks declaring more than this are rejected before any
    ///     allocation.
    /// - Throws: ``CodecError`` naming the compressed byte offset of the first bad tag.
    public static func decompress(
        _ input: UnsafeRawBufferPointer,
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        let (length, preambleSize) = try readPreamble(input)
        if let expectedLength, length != expectedLength {
            throw CodecError(
                codec: .snappy,
                kind: .lengthMismatch,
                message: "block declares \(length) uncompressed bytes, expected \(expectedLength)",
                offset: 0
            )
        }
        if expectedLength == nil, length > maximumLength {
            throw CodecError(
                codec: .snappy,
                kind: .limitExceeded,
                message: "block declares \(length) uncompressed bytes, more than the limit of \(maximumLength)",
                offset: 0
            )
        }
        // Each tag of n input bytes yields at most 64 output bytes for 3 bytes (a 2-byte-offset copy), so a
        // block declaring more than that is corrupt; reject it before allocating.
        let body = input.count - preambleSize
        if length > body * 22 {
            throw CodecError(
                codec: .snappy,
                kind: .truncated,
                message: "block declares \(length) uncompressed bytes, more than \(body) compressed bytes can hold",
                offset: 0
            )
        }
        var failure: CodecError?
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            do throws(CodecError) {
                try decompressBody(input, from: preambleSize, into: UnsafeMutableRawBufferPointer(buffer))
                count = length
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Decompresses a raw Snappy block.
    public static func decompress(
        _ input: [UInt8],
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        try input.withCodecBytes { (buffer) throws(CodecError) in
            try decompress(buffer, expectedLength: expectedLength, maximumLength: maximumLength)
        }
    }

    /// Decompresses a raw Snappy block into `output`, whose size must be the block's declared length
    /// (see ``uncompressedLength(_:)``).
    /// - Throws: ``CodecError`` if the block is malformed or its length is not `output.count`.
    public static func decompress(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CodecError) {
        let (length, preambleSize) = try readPreamble(input)
        guard length == output.count else {
            throw CodecError(
                codec: .snappy,
                kind: .lengthMismatch,
                message: "block declares \(length) uncompressed bytes, the output holds \(output.count)",
                offset: 0
            )
        }
        try decompressBody(input, from: preambleSize, into: output)
    }

    /// Reads the varint preamble: the declared length and the number of bytes it takes.
    static func readPreamble(_ input: UnsafeRawBufferPointer) throws(CodecError) -> (length: Int, size: Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for index in 0..<min(input.count, 5) {
            let byte = input[index]
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                guard result <= UInt64(UInt32.max) else { break }
                return (Int(result), index + 1)
            }
            shift += 7
        }
        if input.count < 5 {
            throw CodecError(
                codec: .snappy,
                kind: .truncated,
                message: "input ends inside the length preamble (\(input.count) bytes)",
                offset: input.count
            )
        }
        throw CodecError(
            codec: .snappy,
            kind: .malformed,
            message: "length preamble is not a varint of at most 32 bits",
            offset: 0
        )
    }
}
