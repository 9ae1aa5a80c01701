/// Appends values in the PLAIN encoding: little-endian fixed-width numbers, bit-packed booleans,
/// length-prefixed byte arrays and bare fixed-length byte arrays.
enum PlainEncoder {
    /// Appends the little-endian bytes of a fixed-width value.
    @inline(__always)
    static func append<T: FixedWidthInteger>(_ value: T, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
    }

    /// Appends a BYTE_ARRAY value: a 4-byte little-endian length, then the bytes.
    @inline(__always)
    static func appendByteArray(_ bytes: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        append(UInt32(truncatingIfNeeded: bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }

    /// Appends booleans bit-packed, least significant bit first, the last byte padded with zeros.
    static func appendBooleans(_ values: [Bool], to output: inout [UInt8]) {
        output.reserveCapacity(output.count + (values.count + 7) / 8)
        var byte: UInt8 = 0
        var bit: UInt8 = 0
        for value in values {
            if value { byte |= 1 << bit }
            bit &+= 1
            if bit == 8 {
                output.append(byte)
                byte = 0
                bit = 0
            }
        }
        if bit != 0 { output.append(byte) }
    }
}
