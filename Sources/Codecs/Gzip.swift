import CZlib

/// gzip (RFC 1952) compression through zlib. Parquet's GZIP codec is this format (with the gzip header), not a
/// bare zlib stream. Decompression accepts any number of concatenated gzip members, as RFC 1952 allows.
public enum Gzip {
    /// zlib's default level (6).
    public static let defaultLevel = 6

    /// Compresses `input` into a single gzip member.
    /// - Parameter level: 0 (store) ... 9 (smallest); out-of-range values are clamped.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int = defaultLevel) -> [UInt8] {
        // zlib keeps a pointer back to its z_stream, so the stream needs a stable address.
        let streamPointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        streamPointer.initialize(to: z_stream())
        defer { streamPointer.deallocate() }
        let level = Int32(max(0, min(9, level)))
        let status = deflateInit2_(
            streamPointer,
            level,
            Z_DEFLATED,
            15 + 16,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        precondition(status == Z_OK, "deflateInit2 failed with status \(status)")
        defer { deflateEnd(streamPointer) }

        // deflateBound covers a single call; inputs over 4 GiB are fed in pieces and the output grows.
        let chunk = Int(UInt32.max / 2)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(streamPointer, UInt(min(input.count, chunk)))) + 64)
        var written = 0
        var consumed = 0
        while true {
            let piece = min(input.count - consumed, chunk)
            let last = consumed + piece == input.count
            streamPointer.pointee.next_in = UnsafeMutablePointer(
                mutating: input.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: Bytef.self)
            )
            streamPointer.pointee.avail_in = uInt(piece)
            var result: Int32
            repeat {
                if written == output.count {
                    output.append(contentsOf: repeatElement(0, count: max(output.count, 1 << 16)))
                }
                let room = min(output.count - written, chunk)
                result = output.withUnsafeMutableBytes { buffer in
                    streamPointer.pointee.next_out = buffer.baseAddress!.advanced(by: written).assumingMemoryBound(
                        to: Bytef.self
                    )
                    streamPointer.pointee.avail_out = uInt(room)
                    let result = deflate(streamPointer, last ? Z_FINISH : Z_NO_FLUSH)
                    written += room - Int(streamPointer.pointee.avail_out)
                    return result
                }
                precondition(result != Z_STREAM_ERROR, "deflate failed")
            } while last ? result != Z_STREAM_END : streamPointer.pointee.avail_in > 0
            consumed += piece
            if last { break }
        }
        output.removeLast(output.count - written)
        return output
    }

    /// Compresses `input` into a single gzip member.
    public static func compress(_ input: [UInt8], level: Int = defaultLevel) -> [UInt8] {
        input.withUnsafeBytes { compress($0, level: level) }
    }

    /// Decompresses one or more concatenated gzip members.
    ///
    /// - Parameters:
    ///   - expectedLength: the total decompressed length, when known; any other length is a
    ///     ``CodecError/Kind/lengthMismatch`` error, and at most this many bytes are allocated.
    ///   - maximumLength: when `expectedLength` is nil, the output may grow to at most this many bytes.
    /// - Throws: ``CodecError`` with the compressed byte offset reached when the stream failed.
    public static func decompress(
        _ input: UnsafeRawBufferPointer,
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        if let expectedLength {
            guard expectedLength >= 0 else {
                throw CodecError(codec: .gzip, kind: .lengthMismatch, message: "negative expected length")
            }
            // Deflate expands at most 1032:1; a larger claim is corrupt and must not drive the allocation.
            guard expectedLength <= input.count * 1032 else {
                throw CodecError(
                    codec: .gzip,
                    kind: .truncated,
                    message: "\(input.count) compressed bytes cannot hold the expected \(expectedLength) bytes",
                    offset: 0
                )
            }
        }
        let inflater = try Inflater()
        defer { inflater.end() }
        return try inflater.run(input, expectedLength: expectedLength, maximumLength: maximumLength)
    }

    /// Decompresses one or more concatenated gzip members.
    public static func decompress(
        _ input: [UInt8],
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        try input.withCodecBytes { (buffer) throws(CodecError) in
            try decompress(buffer, expectedLength: expectedLength, maximumLength: maximumLength)
        }
    }
}

/// A zlib inflate stream set up for gzip members.
private struct Inflater {
    /// zlib keeps a pointer back to its z_stream, so the stream lives at a stable heap address.
    let pointer: UnsafeMutablePointer<z_stream>

    var stream: z_stream {
        get { pointer.pointee }
        nonmutating set { pointer.pointee = newValue }
    }

    init() throws(CodecError) {
        pointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let status = inflateInit2_(pointer, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            pointer.deallocate()
            throw CodecError(codec: .gzip, kind: .library, message: "inflateInit2 failed with status \(status)")
        }
    }

    func end() {
        inflateEnd(pointer)
        pointer.deallocate()
    }

    func run(
        _ input: UnsafeRawBufferPointer,
        expectedLength: Int?,
        maximumLength: Int
    ) throws(CodecError) -> [UInt8] {
        let chunk = Int(UInt32.max / 2)
        let limit = expectedLength ?? maximumLength
        var output = [UInt8](repeating: 0, count: expectedLength ?? min(maximumLength, max(input.count * 4, 1024)))
        var written = 0
        var consumed = 0
        var memberStart = 0
        var scratch: UInt8 = 0

        guard input.count > 0 else {
            throw CodecError(codec: .gzip, kind: .truncated, message: "empty input (no gzip member)", offset: 0)
        }
        let base = input.baseAddress!
        while true {
            let piece = min(input.count - consumed, chunk)
            stream.next_in = UnsafeMutablePointer(mutating: (base + consumed).assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(piece)
            if written == output.count && output.count < limit {
                output.append(contentsOf: repeatElement(0, count: min(limit - output.count, max(output.count, 1024))))
            }
            let room = min(output.count - written, chunk)
            var status: Int32
            if room > 0 {
                status = output.withUnsafeMutableBytes { buffer in
                    stream.next_out = (buffer.baseAddress! + written).assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(room)
                    return inflate(pointer, Z_NO_FLUSH)
                }
                written += room - Int(stream.avail_out)
            } else {
                // The output is full: any further byte is one too many.
                status = withUnsafeMutablePointer(to: &scratch) { scratchPointer in
                    stream.next_out = scratchPointer
                    stream.avail_out = 1
                    return inflate(pointer, Z_NO_FLUSH)
                }
                if stream.avail_out == 0 {
                    if let expectedLength {
                        throw CodecError(
                            codec: .gzip,
                            kind: .lengthMismatch,
                            message: "data decompresses to more than the expected \(expectedLength) bytes",
                            offset: consumed + piece - Int(stream.avail_in)
                        )
                    }
                    throw CodecError(
                        codec: .gzip,
                        kind: .limitExceeded,
                        message: "data decompresses to more than the limit of \(maximumLength) bytes",
                        offset: consumed + piece - Int(stream.avail_in)
                    )
                }
            }
            consumed += piece - Int(stream.avail_in)

            switch status {
            case Z_STREAM_END:
                if consumed == input.count {
                    if let expectedLength, written != expectedLength {
                        throw CodecError(
                            codec: .gzip,
                            kind: .lengthMismatch,
                            message: "data decompresses to \(written) bytes, expected \(expectedLength)",
                            offset: consumed
                        )
                    }
                    output.removeLast(output.count - written)
                    return output
                }
                // Another member follows.
                memberStart = consumed
                inflateReset(pointer)
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either the input is exhausted mid-member, or the output is full (handled
                // above by the scratch byte on the next round).
                if consumed == input.count {
                    throw CodecError(
                        codec: .gzip,
                        kind: .truncated,
                        message: "input ends inside the gzip member that starts at byte \(memberStart)",
                        offset: consumed
                    )
                }
            case Z_MEM_ERROR:
                throw CodecError(codec: .gzip, kind: .library, message: "zlib ran out of memory", offset: consumed)
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw CodecError(
                    codec: .gzip,
                    kind: .malformed,
                    message: "invalid gzip member starting at byte \(memberStart): \(reason)",
                    offset: consumed
                )
            }
        }
    }
}
