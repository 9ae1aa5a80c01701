/// Decodes the RLE/bit-packed hybrid encoding: definition levels, RLE booleans and dictionary indices.
///
/// The decoder reads a borrowed buffer and must be used within the scope that lent it. It never reads past the
/// buffer, and a run may claim more values than the caller asks for (only those asked for are produced).
struct RLEHybridDecoder {
    private let buffer: UnsafeRawBufferPointer
    private let bitWidth: Int
    private let valueBytes: Int
    /// The next unread byte (the next run header, when no run is open).
    private(set) var position: Int = 0
    /// Values left in the open run.
    private var runLeft = 0
    /// Whether the open run repeats ``runValue`` (else it is bit-packed).
    private var runIsRepeated = false
    private var runValue: UInt32 = 0
    /// For a bit-packed run, the bit position of its next value and the byte where the run ends.
    private var packedBit = 0
    private var packedEnd = 0

    /// Creates a decoder of values of `bitWidth` bits, which must be 0...32.
    init(_ buffer: UnsafeRawBufferPointer, bitWidth: Int) throws {
        guard (0...32).contains(bitWidth) else { throw DecoderError("bit width \(bitWidth) is not within 0...32") }
        self.buffer = buffer
        self.bitWidth = bitWidth
        self.valueBytes = (bitWidth + 7) / 8
    }

    /// Reads a ULEB128 run header of at most five bytes.
    private mutating func readHeader() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < buffer.count else { throw DecoderError("run header truncated", at: position) }
            let byte = buffer[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift >= 35 { throw DecoderError("run header longer than five bytes", at: position) }
        }
    }

    /// Opens the next run.
    private mutating func nextRun(produced: Int, wanted: Int) throws {
        guard position < buffer.count else {
            throw DecoderError("RLE/bit-packed data ends after \(produced) of \(wanted) values", at: position)
        }
        let header = try readHeader()
        if header & 1 == 0 {
            let count = header >> 1
            guard count > 0 else { throw DecoderError("empty RLE run", at: position) }
            guard position + valueBytes <= buffer.count else {
                throw DecoderError("RLE run value truncated", at: position)
            }
            var value: UInt32 = 0
            for i in 0..<valueBytes { value |= UInt32(buffer[position + i]) << UInt32(8 * i) }
            position += valueBytes
            if bitWidth < 32, value >> UInt32(bitWidth) != 0 {
                throw DecoderError("RLE run value \(value) does not fit \(bitWidth) bits", at: position - valueBytes)
            }
            runIsRepeated = true
            runValue = value
            runLeft = Int(min(count, UInt64(Int32.max)))
        } else {
            let groups = Int(header >> 1)
            guard groups > 0 else { throw DecoderError("empty bit-packed run", at: position) }
            runIsRepeated = false
            packedBit = position * 8
            let runBytes = groups * bitWidth
            packedEnd = min(buffer.count, position + runBytes)
            // Only the values whose bits are present can be read; a truncated final run is tolerated.
            let available = bitWidth == 0 ? groups * 8 : min(groups * 8, (packedEnd - position) * 8 / bitWidth)
            guard available > 0 else { throw DecoderError("bit-packed run truncated", at: position) }
            runLeft = available
            position = packedEnd
        }
    }

    /// Fills `out` with the next `out.count` values, or throws when the data runs out.
    mutating func decode(into out: UnsafeMutableBufferPointer<UInt32>) throws {
        guard let base = out.baseAddress else { return }
        var produced = 0
        let wanted = out.count
        while produced < wanted {
            if runLeft == 0 { try nextRun(produced: produced, wanted: wanted) }
            let n = min(runLeft, wanted - produced)
            if runIsRepeated {
                (base + produced).update(repeating: runValue, count: n)
            } else {
                BitPackedDecoder.unpack32(
                    buffer,
                    bitOffset: packedBit,
                    width: bitWidth,
                    count: n,
                    into: base + produced
                )
                packedBit += n * bitWidth
            }
            runLeft -= n
            produced += n
        }
    }

    /// Decodes `count` values into a new array.
    mutating func decode(count: Int) throws -> [UInt32] {
        try [UInt32](unsafeUninitializedCapacity: count) { out, initialized in
            out.initialize(repeating: 0)
            initialized = count
            try decode(into: out)
        }
    }
}
