#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds the dictionary of a fixed-width column (INT32, INT64, FLOAT, DOUBLE) and maps values to indices.
///
/// Values are keyed by their bit pattern, so distinct NaN payloads and the two zeros stay distinct and
/// every value round-trips exactly.
struct FixedWidthDictionaryEncoder {
    /// The PLAIN width of one entry: 4 or 8.
    let byteWidth: Int
    /// The entries, in index order, as bit patterns widened to 64 bits.
    private(set) var entries: [UInt64] = []
    /// Open-addressing table: 0 is empty, else entry index + 1.
    private var slots: [Int32]
    private var shift: UInt64

    init(byteWidth: Int) {
        self.byteWidth = byteWidth
        slots = Array(repeating: 0, count: 1024)
        shift = 64 - 10
    }

    /// The number of entries.
    var count: Int { entries.count }

    /// The size of the PLAIN-encoded dictionary page body.
    var plainByteSize: Int { entries.count * byteWidth }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The index of `key`, adding it to the dictionary when new.
    @inline(__always)
    mutating func index(of key: UInt64) -> UInt32 {
        let mask = slots.count - 1
        var position = slot(for: key)
        while true {
            let entry = slots[position]
            if entry == 0 {
                let index = entries.count
                entries.append(key)
                slots[position] = Int32(index + 1)
                if entries.count * 2 > slots.count { grow() }
                return UInt32(index)
            }
            if entries[Int(entry) - 1] == key { return UInt32(entry - 1) }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        shift -= 1
        let mask = slots.count - 1
        for (index, key) in entries.enumerated() {
            var position = slot(for: key)
            while slots[position] != 0 { position = (position + 1) & mask }
            slots[position] = Int32(index + 1)
        }
    }

    /// Appends the PLAIN encoding of the entries (the dictionary page body).
    func encodePlain(into output: inout [UInt8]) {
        output.reserveCapacity(output.count + plainByteSize)
        if byteWidth == 4 {
            for key in entries { PlainEncoder.append(UInt32(truncatingIfNeeded: key), to: &output) }
        } else {
            for key in entries { PlainEncoder.append(key, to: &output) }
        }
    }
}

/// Builds the dictionary of a BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY column and maps values to indices.
///
/// Values are hashed and compared as byte slices; only new entries are copied.
struct ByteArrayDictionaryEncoder {
    /// Whether entries are FIXED_LEN_BYTE_ARRAY (PLAIN without length prefixes).
    let isFixedLength: Bool
    private(set) var offsets: [Int] = [0]
    private(set) var data: [UInt8] = []
    private var hashes: [UInt64] = []
    /// Open-addressing table: 0 is empty, else entry index + 1.
    private var slots: [Int32]

    init(isFixedLength: Bool) {
        self.isFixedLength = isFixedLength
        slots = Array(repeating: 0, count: 1024)
    }

    /// The number of entries.
    var count: Int { offsets.count - 1 }

    /// The size of the PLAIN-encoded dictionary page body.
    var plainByteSize: Int { data.count + (isFixedLength ? 0 : 4 * count) }

    /// A fast non-cryptographic hash of a byte slice.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        h = h &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h
    }

    /// The index of `bytes`, adding it to the dictionary when new.
    @inline(__always)
    mutating func index(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[position]
            if entry == 0 {
                let index = count
                data.append(contentsOf: bytes)
                offsets.append(data.count)
                hashes.append(h)
                slots[position] = Int32(index + 1)
                if count * 2 > slots.count { grow() }
                return UInt32(index)
            }
            let index = Int(entry) - 1
            if hashes[index] == h && equals(index, bytes) { return UInt32(index) }
            position = (position + 1) & mask
        }
    }

    @inline(__always)
    private func equals(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[index]
        let length = offsets[index + 1] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return data.withUnsafeBytes { memcmp($0.baseAddress! + start, bytes.baseAddress!, length) == 0 }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, h) in hashes.enumerated() {
            var position = Int(truncatingIfNeeded: h) & mask
            while slots[position] != 0 { position = (position + 1) & mask }
            slots[position] = Int32(index + 1)
        }
    }

    /// Appends the PLAIN encoding of the entries (the dictionary page body).
    func encodePlain(into output: inout [UInt8]) {
        output.reserveCapacity(output.count + plainByteSize)
        if isFixedLength {
            output.append(contentsOf: data)
            return
        }
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                PlainEncoder.appendByteArray(
                    UnsafeRawBufferPointer(rebasing: raw[offsets[i]..<offsets[i + 1]]),
                    to: &output
                )
            }
        }
    }
}
