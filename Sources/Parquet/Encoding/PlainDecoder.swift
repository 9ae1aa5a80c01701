import Columnar

#if _endian(big)
#error("the Parquet decoders assume a little-endian host")
#endif

/// Decodes PLAIN-encoded values of every physical type. Each function appends `count` values to its output and
/// returns the number of bytes it consumed; it throws when `buffer` is too short.
enum PlainDecoder {
    /// Appends `count` bit-packed booleans (least significant bit first).
    static func decodeBooleans(_ buffer: UnsafeRawBufferPointer, count: Int, into out: inout [Bool]) throws -> Int {
        let bytes = (count + 7) / 8
        guard bytes <= buffer.count else {
            throw DecoderError("PLAIN booleans need \(bytes) bytes, the page has \(buffer.count)")
        }
        out.reserveAdditional(count)
        for i in 0..<count { out.append(buffer[i >> 3] >> UInt8(i & 7) & 1 == 1) }
        return bytes
    }

    /// Appends `count` little-endian fixed-width numbers (INT32, INT64, FLOAT, DOUBLE).
    static func decodeFixed<T: BitwiseCopyable>(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        into out: inout [T]
    ) throws -> Int {
        let bytes = count * MemoryLayout<T>.size
        guard bytes <= buffer.count else {
            throw DecoderError(
                "PLAIN values need \(bytes) bytes for \(count) values, the page has \(buffer.count)"
            )
        }
        appendCopy(of: UnsafeRawBufferPointer(rebasing: buffer[0..<bytes]), count: count, to: &out)
        return bytes
    }

    /// Appends `count` values of `T` copied from raw little-endian memory of any alignment.
    static func appendCopy<T: BitwiseCopyable>(of bytes: UnsafeRawBufferPointer, count: Int, to out: inout [T]) {
        guard count > 0 else { return }
        if Int(bitPattern: bytes.baseAddress) % MemoryLayout<T>.alignment == 0 {
            // Aligned (a decompressed page, a required column): append straight from the page.
            out.reserveAdditional(count)
            bytes.withMemoryRebound(to: T.self) { out.append(contentsOf: $0.prefix(count)) }
            return
        }
        let values = [T](unsafeUninitializedCapacity: count) { destination, initialized in
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: bytes)
            initialized = count
        }
        if out.isEmpty { out = values } else { out.append(contentsOf: values) }
    }

    /// The Julian day of 1970-01-01.
    static let julianDayOfEpoch: Int64 = 2_440_588

    /// Converts an INT96 timestamp (nanoseconds of the day, then the Julian day) to nanoseconds since the epoch.
    @inline(__always)
    static func int96ToMicroseconds(nanosOfDay: Int64, julianDay: Int32) -> Int64 {
        (Int64(julianDay) &- julianDayOfEpoch) &* 86_400_000_000 &+ nanosOfDay / 1000
    }

    /// Appends `count` INT96 timestamps as microseconds since 1970-01-01, as Spark reads them: nanoseconds would
    /// overflow Int64 outside 1677...2262, and INT96 values (Spark's, Impala's, Hive's) span years 1...9999.
    static func decodeInt96(_ buffer: UnsafeRawBufferPointer, count: Int, into out: inout [Int64]) throws -> Int {
        let bytes = count * 12
        guard bytes <= buffer.count else {
            throw DecoderError("PLAIN INT96 values need \(bytes) bytes, the page has \(buffer.count)")
        }
        out.reserveAdditional(count)
        for i in 0..<count {
            let nanos = Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: i * 12, as: Int64.self))
            let day = Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: i * 12 + 8, as: Int32.self))
            out.append(int96ToMicroseconds(nanosOfDay: nanos, julianDay: day))
        }
        return bytes
    }

    /// Appends `count` BYTE_ARRAY values, each a 4-byte little-endian length and its bytes.
    static func decodeByteArrays(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        into out: inout ByteArrays
    ) throws -> Int {
        // Every value takes at least its 4-byte length, which bounds what may be reserved.
        guard count <= buffer.count / 4 else {
            throw DecoderError("PLAIN byte arrays: \(count) values cannot fit in \(buffer.count) bytes")
        }
        var position = 0
        // First pass: validate lengths and total size, so that the data is appended in one reservation.
        var total = 0
        for _ in 0..<count {
            guard position + 4 <= buffer.count else {
                throw DecoderError("PLAIN byte array length truncated", at: position)
            }
            let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
            position += 4
            guard length <= buffer.count - position else {
                throw DecoderError(
                    "PLAIN byte array of \(length) bytes overruns the page (\(buffer.count - position) remain)",
                    at: position - 4
                )
            }
            position += length
            total += length
        }
        let base = out.data.count
        var data: [UInt8] = []
        out.offsets.append(count: count) { offsets in
            data = [UInt8](unsafeUninitializedCapacity: total) { destination, initialized in
                var read = 0
                var write = 0
                for i in 0..<count {
                    let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: read, as: UInt32.self)))
                    read += 4
                    // Values are mostly short: a plain loop beats a memmove call per value.
                    if length <= 16 {
                        for k in 0..<length { destination[write + k] = buffer[read + k] }
                    } else {
                        UnsafeMutableRawPointer(destination.baseAddress! + write).copyMemory(
                            from: buffer.baseAddress! + read,
                            byteCount: length
                        )
                    }
                    read += length
                    write += length
                    offsets[i] = base + write
                }
                initialized = total
            }
        }
        if out.data.isEmpty { out.data = data } else { out.data.append(contentsOf: data) }
        return position
    }

    /// Appends `count` FIXED_LEN_BYTE_ARRAY values of `width` bytes.
    static func decodeFixedLengthByteArrays(
        _ buffer: UnsafeRawBufferPointer,
        count: Int,
        width: Int,
        into out: inout ByteArrays
    ) throws -> Int {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, bytes <= buffer.count else {
            throw DecoderError(
                "PLAIN fixed-length values need \(count) × \(width) bytes, the page has \(buffer.count)"
            )
        }
        out.offsets.reserveAdditional(count)
        if bytes > 0 { out.data.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<bytes])) }
        var offset = out.offsets[out.offsets.count - 1]
        for _ in 0..<count {
            offset += width
            out.offsets.append(offset)
        }
        return bytes
    }
}
