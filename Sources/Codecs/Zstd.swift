import CZstd

/// Zstandard compression through the system libzstd. Decompression accepts several concatenated frames, skippable
/// frames, and frames that do not record their content size (as streaming writers produce).
public enum Zstd {
    /// libzstd's default level (3).
    public static let defaultLevel = 3

    /// Compresses `input` into a single frame that records its content size.
    /// - Parameter level: a zstd level; values outside libzstd's range are clamped.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int = defaultLevel) -> [UInt8] {
        let level = Int32(max(Int(ZSTD_minCLevel()), min(Int(ZSTD_maxCLevel()), level)))
        let bound = ZSTD_compressBound(input.count)
        precondition(ZSTD_isError(bound) == 0, "input too large for zstd")
        let context = ZSTD_createCCtx()
        precondition(context != nil, "ZSTD_createCCtx failed")
        defer { ZSTD_freeCCtx(context) }
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            let result = ZSTD_compressCCtx(context, buffer.baseAddress, bound, input.baseAddress, input.count, level)
            precondition(ZSTD_isError(result) == 0, "zstd compression failed: \(errorName(result))")
            count = result
        }
    }

    /// Compresses `input` into a single frame.
    public static func compress(_ input: [UInt8], level: Int = defaultLevel) -> [UInt8] {
        input.withUnsafeBytes { compress($0, level: level) }
    }

    /// Decompresses one or more concatenated zstd frames.
    ///
    /// - Parameters:
    ///   - expectedLength: the total decompressed length, when known; any other length is a
    ///     ``CodecError/Kind/lengthMismatch`` error. Frames that record their sizes are checked before any
    ///     allocation; otherwise the output grows as data is produced, never beyond `expectedLength`.
    ///   - maximumLength: when `expectedLength` is nil, the output may grow to at most this many bytes.
    /// - Throws: ``CodecError`` when the input is not valid zstd, is truncated, or has the wrong length.
    public static func decompress(
        _ input: UnsafeRawBufferPointer,
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        if let expectedLength, expectedLength < 0 {
            throw CodecError(codec: .zstd, kind: .lengthMismatch, message: "negative expected length")
        }
        guard input.count > 0 else {
            throw CodecError(codec: .zstd, kind: .truncated, message: "empty input (no zstd frame)", offset: 0)
        }
        // A block yields at most 128 KiB and takes at least 4 bytes (an RLE block), so no valid input expands
        // more than 32768:1; a larger claim must not drive the allocation.
        if let expectedLength, expectedLength > input.count * 32_768 + (1 << 17) {
            throw CodecError(
                codec: .zstd,
                kind: .truncated,
                message: "\(input.count) compressed bytes cannot hold the expected \(expectedLength) bytes",
                offset: 0
            )
        }
        // When every frame records its content size, the total is known up front.
        if let declared = declaredLength(input) {
            if let expectedLength, declared != UInt64(expectedLength) {
                throw CodecError(
                    codec: .zstd,
                    kind: .lengthMismatch,
                    message: "frames declare \(declared) decompressed bytes, expected \(expectedLength)",
                    offset: 0
                )
            }
            if expectedLength == nil && declared > UInt64(maximumLength) {
                throw CodecError(
                    codec: .zstd,
                    kind: .limitExceeded,
                    message: "frames declare \(declared) decompressed bytes, more than the limit of \(maximumLength)",
                    offset: 0
                )
            }
            return try decompressOneShot(input, length: Int(declared))
        }
        return try decompressStreaming(input, expectedLength: expectedLength, maximumLength: maximumLength)
    }

    /// Decompresses one or more concatenated zstd frames.
    public static func decompress(
        _ input: [UInt8],
        expectedLength: Int?,
        maximumLength: Int = Codec.defaultMaximumLength
    ) throws(CodecError) -> [UInt8] {
        try input.withCodecBytes { (buffer) throws(CodecError) in
            try decompress(buffer, expectedLength: expectedLength, maximumLength: maximumLength)
        }
    }

    /// The total content size the frames of `input` declare, or nil when a frame does not record it or the frames
    /// cannot be delimited (then streaming decompression finds and reports the problem).
    static func declaredLength(_ input: UnsafeRawBufferPointer) -> UInt64? {
        guard let base = input.baseAddress else { return nil }
        var position = 0
        var total: UInt64 = 0
        while position < input.count {
            let size = ZSTD_findFrameCompressedSize(base + position, input.count - position)
            guard ZSTD_isError(size) == 0 else { return nil }
            let content = ZSTD_getFrameContentSize(base + position, input.count - position)
            if content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR {
                // Skippable frames have no content; anything else of unknown size ends the shortcut.
                guard isSkippable(base + position, input.count - position) else { return nil }
            } else {
                let (sum, overflow) = total.addingReportingOverflow(content)
                guard !overflow else { return nil }
                total = sum
            }
            position += size
        }
        return total
    }

    /// Whether a frame starts with a skippable-frame magic number (0x184D2A50 ... 0x184D2A5F).
    private static func isSkippable(_ pointer: UnsafeRawPointer, _ count: Int) -> Bool {
        count >= 4 && UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self)) & 0xFFFF_FFF0 == 0x184D_2A50
    }

    /// Decodes frames whose total size is known (and already checked) in one call.
    private static func decompressOneShot(_ input: UnsafeRawBufferPointer, length: Int) throws(CodecError) -> [UInt8] {
        let context = ZSTD_createDCtx()
        guard context != nil else {
            throw CodecError(codec: .zstd, kind: .library, message: "ZSTD_createDCtx failed")
        }
        defer { ZSTD_freeDCtx(context) }
        var result = 0
        let output = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            result = ZSTD_decompressDCtx(context, buffer.baseAddress, length, input.baseAddress, input.count)
            count = ZSTD_isError(result) == 0 ? result : 0
        }
        if ZSTD_isError(result) != 0 {
            throw failure(result)
        }
        guard result == length else {
            throw CodecError(
                codec: .zstd,
                kind: .lengthMismatch,
                message: "frames decompress to \(result) bytes, but declare \(length)",
                offset: 0
            )
        }
        return output
    }

    /// Decodes frames of unknown size with the streaming API, growing the output up to its limit.
    private static func decompressStreaming(
        _ input: UnsafeRawBufferPointer,
        expectedLength: Int?,
        maximumLength: Int
    ) throws(CodecError) -> [UInt8] {
        let context = ZSTD_createDStream()
        guard context != nil else {
            throw CodecError(codec: .zstd, kind: .library, message: "ZSTD_createDStream failed")
        }
        defer { ZSTD_freeDStream(context) }
        let limit = expectedLength ?? maximumLength
        var output = [UInt8](repeating: 0, count: min(limit, max(input.count * 4, 1 << 16)))
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var written = 0
        var lastResult = 0
        var scratch: UInt8 = 0
        while true {
            if written == output.count && output.count < limit {
                output.append(contentsOf: repeatElement(0, count: min(limit - output.count, output.count)))
            }
            let before = (inBuffer.pos, written)
            if written < output.count {
                lastResult = output.withUnsafeMutableBytes { buffer in
                    var outBuffer = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: written)
                    let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    written = outBuffer.pos
                    return result
                }
            } else {
                // The output is full: any further byte is one too many.
                lastResult = withUnsafeMutablePointer(to: &scratch) { pointer in
                    var outBuffer = ZSTD_outBuffer(dst: pointer, size: 1, pos: 0)
                    let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    return outBuffer.pos == 0 ? result : -1
                }
                if lastResult == -1 {
                    if let expectedLength {
                        throw CodecError(
                            codec: .zstd,
                            kind: .lengthMismatch,
                            message: "frames decompress to more than the expected \(expectedLength) bytes",
                            offset: inBuffer.pos
                        )
                    }
                    throw CodecError(
                        codec: .zstd,
                        kind: .limitExceeded,
                        message: "frames decompress to more than the limit of \(maximumLength) bytes",
                        offset: inBuffer.pos
                    )
                }
            }
            if ZSTD_isError(lastResult) != 0 {
                var error = failure(lastResult)
                error.offset = inBuffer.pos
                throw error
            }
            if inBuffer.pos == inBuffer.size && lastResult == 0 {
                break
            }
            if (inBuffer.pos, written) == before {
                // No progress (with room for at least one more byte): the input ended inside a frame.
                throw CodecError(
                    codec: .zstd,
                    kind: .truncated,
                    message: "input ends inside a zstd frame",
                    offset: inBuffer.pos
                )
            }
        }
        if let expectedLength, written != expectedLength {
            throw CodecError(
                codec: .zstd,
                kind: .lengthMismatch,
                message: "frames decompress to \(written) bytes, expected \(expectedLength)",
                offset: input.count
            )
        }
        output.removeLast(output.count - written)
        return output
    }

    private static func failure(_ code: Int) -> CodecError {
        let kind: CodecError.Kind
        switch ZSTD_getErrorCode(code) {
        case ZSTD_error_dstSize_tooSmall: kind = .lengthMismatch
        case ZSTD_error_srcSize_wrong: kind = .truncated
        case ZSTD_error_memory_allocation: kind = .library
        default: kind = .malformed
        }
        return CodecError(codec: .zstd, kind: kind, message: "invalid zstd data: \(errorName(code))")
    }

    private static func errorName(_ code: Int) -> String {
        String(cString: ZSTD_getErrorName(code))
    }
}
