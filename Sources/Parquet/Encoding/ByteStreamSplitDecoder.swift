import Columnar

/// Decodes BYTE_STREAM_SPLIT: `width` streams, stream `b` holding byte `b` of every value.
enum ByteStreamSplitDecoder {
    /// Checks that `buffer` holds a whole number of values of `width` bytes, at least `count` of them.
    static func validate(_ buffer: UnsafeRawBufferPointer, count: Int, width: Int) throws {
        guard width > 0, buffer.count % width == 0 else {
            throw DecoderError("BYTE_STREAM_SPLIT data of \(buffer.count) bytes is not a multiple of \(width)")
        }
        guard buffer.count / width >= count else {
            throw DecoderError("BYTE_STREAM_SPLIT data holds \(buffer.count / width) values, the page needs \(count)")
        }
    }

    /// Reassembles `count` values of `width` bytes into `destination` (which holds `count * width` bytes).
    /// The buffer must hold a whole number of values, at least `count`.
    static func decode(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        width: Int,
        into destination: UnsafeMutableRawBufferPointer
    ) throws {
        try validate(buffer, count: count, width: width)
        let stride = buffer.count / width
        precondition(destination.count >= count * width)
        for b in 0..<width {
            let stream = b * stride
            for i in 0..<count { destination[i * width + b] = buffer[stream + i] }
        }
    }

    /// Appends `count` values of a fixed-width numeric type.
    static func decode<T: BitwiseCopyable>(_ buffer: UnsafeRawBufferPointer, count: Int, into out: inout [T]) throws {
        guard count > 0 else { return }
        try validate(buffer, count: count, width: MemoryLayout<T>.size)
        let values = try [T](unsafeUninitializedCapacity: count) { destination, initialized in
            try decode(
                buffer,
                count: count,
                width: MemoryLayout<T>.size,
                into: UnsafeMutableRawBufferPointer(destination)
            )
            initialized = count
        }
        if out.isEmpty { out = values } else { out.append(contentsOf: values) }
    }

    /// Appends `count` FIXED_LEN_BYTE_ARRAY values of `width` bytes.
    static func decodeFixedLengthByteArrays(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        width: Int,
        into out: inout ByteArrays
    ) throws {
        guard count > 0 else { return }
        try validate(buffer, count: count, width: width)
        let bytes = try [UInt8](unsafeUninitializedCapacity: count * width) { destination, initialized in
            try decode(buffer, count: count, width: width, into: UnsafeMutableRawBufferPointer(destination))
            initialized = count * width
        }
        out.data.append(contentsOf: bytes)
        var offset = out.offsets[out.offsets.count - 1]
        out.offsets.reserveAdditional(count)
        for _ in 0..<count {
            offset += width
            out.offsets.append(offset)
        }
    }
}
