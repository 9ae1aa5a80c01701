#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds the dictionary of a fixed-width column (INT32, INT64, FLOAT, DOUBLE) and maps values to indices.
///
/// Values are keyed by their bit pattern widened to 64 bits (integers sign-extended), so distinct NaN payloads
/// and the two zeros stay distinct and every value round-trips exactly.
///
/// Two lookup structures, both one memory access per value:
/// - while the keys span a range of at most ``maximumDenseSlots`` (as counters, dates and small codes do), a
///   direct table indexed by `key - base`, of 16-bit slots while there are fewer than 65,535 entries (half
///   the cache footprint), 32-bit after;
/// - beyond that, an open-addressing hash table whose slots hold the key next to its index.
final class FixedWidthDictionaryEncoder {
    /// The largest direct table, in slots.
    static let maximumDenseSlots = 1 << 19

    /// The PLAIN width of one entry: 4 or 8.
    let byteWidth: Int
    /// The entries, in index order, as widened bit patterns.
    @exclusivity(unchecked) private(set) var entries: [UInt64] = []

    /// Direct table: slot `key - denseBase` holds 0 (absent) or the entry index + 1, as UInt16 (`denseIsWide`
    /// false) or UInt32. `denseLimit` is its slot count, 0 in hash mode (so no key falls inside).
    @exclusivity(unchecked) private var dense: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private var denseIsWide = false
    @exclusivity(unchecked) private var denseLimit: UInt64 = 0
    @exclusivity(unchecked) private var denseBase: UInt64 = 0
    /// The signed range of the keys so far (valid when `entries` is not empty).
    private var lowest: Int64 = 0
    private var highest: Int64 = 0

    /// Hash table: pairs (key, entry index + 1), a zero index meaning empty. Nil in dense mode.
    @exclusivity(unchecked) private var table: UnsafeMutablePointer<UInt64>?
    @exclusivity(unchecked) private var tableSlots = 0
    @exclusivity(unchecked) private var shift: UInt64 = 0

    init(byteWidth: Int) {
        self.byteWidth = byteWidth
        allocateDense(count: 1024, base: 0, wide: false)
    }

    deinit {
        dense?.deallocate()
        table?.deallocate()
    }

    /// The number of entries.
    var count: Int { entries.count }

    /// The size of the PLAIN-encoded dictionary page body.
    var plainByteSize: Int { entries.count * byteWidth }

    /// The index of `key`, adding it to the dictionary when new.
    @inline(__always)
    func index(of key: UInt64) -> UInt32 {
        let offset = key &- denseBase
        if offset < denseLimit {
            let slot: UInt32
            if denseIsWide {
                slot = dense.unsafelyUnwrapped.load(fromByteOffset: Int(offset) &* 4, as: UInt32.self)
            } else {
                slot = UInt32(dense.unsafelyUnwrapped.load(fromByteOffset: Int(offset) &* 2, as: UInt16.self))
            }
            if slot != 0 { return slot &- 1 }
            return insertDense(key, at: Int(truncatingIfNeeded: offset))
        }
        if table != nil { return hashIndex(of: key) }
        return insertOutsideDense(key)
    }

    @inline(__always)
    private func hashIndex(of key: UInt64) -> UInt32 {
        let table = table.unsafelyUnwrapped
        let mask = tableSlots &- 1
        var position = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let stored = table[position &* 2 &+ 1]
            if stored == 0 { return insertHashed(key, at: position) }
            if table[position &* 2] == key { return UInt32(truncatingIfNeeded: stored &- 1) }
            position = (position &+ 1) & mask
        }
    }

    private func append(_ key: UInt64) -> UInt32 {
        let signed = Int64(bitPattern: key)
        if entries.isEmpty {
            lowest = signed
            highest = signed
        } else {
            lowest = min(lowest, signed)
            highest = max(highest, signed)
        }
        let index = entries.count
        entries.append(key)
        return UInt32(truncatingIfNeeded: index)
    }

    /// Replaces the direct table by an empty one of `count` slots from `base`, and fills it with the entries.
    private func allocateDense(count: Int, base: UInt64, wide: Bool) {
        dense?.deallocate()
        let width = wide ? 4 : 2
        let slots = UnsafeMutableRawPointer.allocate(byteCount: count * width, alignment: 4)
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: count * width)
        dense = slots
        denseIsWide = wide
        denseLimit = UInt64(count)
        denseBase = base
        for (index, key) in entries.enumerated() { storeDense(UInt32(index), at: Int(truncatingIfNeeded: key &- base)) }
    }

    @inline(__always)
    private func storeDense(_ index: UInt32, at offset: Int) {
        if denseIsWide {
            dense!.storeBytes(of: index &+ 1, toByteOffset: offset * 4, as: UInt32.self)
        } else {
            dense!.storeBytes(of: UInt16(truncatingIfNeeded: index &+ 1), toByteOffset: offset * 2, as: UInt16.self)
        }
    }

    private func insertDense(_ key: UInt64, at offset: Int) -> UInt32 {
        let index = append(key)
        if !denseIsWide && index >= UInt32(UInt16.max) - 1 {
            // Index + 1 no longer fits 16 bits: widen the slots (the table keeps its range).
            allocateDense(count: Int(denseLimit), base: denseBase, wide: true)
        } else {
            storeDense(index, at: offset)
        }
        return index
    }

    /// Widens the direct table to cover `key`, or switches to hashing when the range grows too wide.
    private func insertOutsideDense(_ key: UInt64) -> UInt32 {
        let signed = Int64(bitPattern: key)
        let low = entries.isEmpty ? signed : min(lowest, signed)
        let high = entries.isEmpty ? signed : max(highest, signed)
        let span = UInt64(bitPattern: high &- low)  // high >= low, so the true span fits
        if span >= UInt64(Self.maximumDenseSlots) {
            switchToHashing()
            return hashIndex(of: key)
        }
        let needed = Int(span) + 1
        let current = Int(denseLimit)
        let count = min(Self.maximumDenseSlots, max(needed + needed / 4 + 64, current + current / 2))
        // Leave room on both sides: counters and dates tend to keep growing either way.
        let base = UInt64(bitPattern: low) &- UInt64((count - needed) / 2)
        let index = append(key)
        allocateDense(count: count, base: base, wide: denseIsWide || index >= UInt32(UInt16.max) - 1)
        return index
    }

    private func switchToHashing() {
        dense!.deallocate()
        dense = nil
        denseLimit = 0
        denseBase = 0
        var slots = 1024
        var bits: UInt64 = 10
        while slots < entries.count * 4 {
            slots *= 2
            bits += 1
        }
        rebuildTable(slots: slots, bits: bits)
    }

    private func insertHashed(_ key: UInt64, at position: Int) -> UInt32 {
        let index = append(key)
        table![position &* 2] = key
        table![position &* 2 &+ 1] = UInt64(index) &+ 1
        if entries.count * 2 > tableSlots { rebuildTable(slots: tableSlots * 2, bits: 64 - shift + 1) }
        return index
    }

    private func rebuildTable(slots: Int, bits: UInt64) {
        table?.deallocate()
        let pairs = UnsafeMutablePointer<UInt64>.allocate(capacity: slots * 2)
        pairs.initialize(repeating: 0, count: slots * 2)
        table = pairs
        tableSlots = slots
        shift = 64 - bits
        let mask = slots - 1
        for (index, key) in entries.enumerated() {
            var position = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while pairs[position * 2 + 1] != 0 { position = (position + 1) & mask }
            pairs[position * 2] = key
            pairs[position * 2 + 1] = UInt64(index) + 1
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
    /// Per entry, the last page (``markSeen(_:page:)``) it was seen in.
    private var pageMarks: [UInt32] = []
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
        let rest = count - i
        if rest > 0 {
            if count >= 8 {
                // The last eight bytes, shifted so only the `rest` not yet mixed in remain.
                tail = bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> UInt64(64 - 8 * rest)
            } else {
                var shift: UInt64 = 0
                while i < count {
                    tail |= UInt64(bytes[i]) << shift
                    shift += 8
                    i += 1
                }
            }
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
                pageMarks.append(0)
                slots[position] = Int32(index + 1)
                if count * 2 > slots.count { grow() }
                return UInt32(index)
            }
            let index = Int(entry) - 1
            if hashes[index] == h && equals(index, bytes) { return UInt32(index) }
            position = (position + 1) & mask
        }
    }

    /// Records that entry `index` occurs in `page` (a nonzero page number); returns whether that is new.
    @inline(__always)
    mutating func markSeen(_ index: UInt32, page: UInt32) -> Bool {
        let i = Int(index)
        if pageMarks[i] == page { return false }
        pageMarks[i] = page
        return true
    }

    @inline(__always)
    private func equals(_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[index]
        let length = offsets[index + 1] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return data.withUnsafeBytes { data in
            let entry = data.baseAddress! + start
            let value = bytes.baseAddress!
            // Short values (the common case for dictionary columns) compare word by word, without a call.
            if length <= 32 {
                var i = 0
                while i + 8 <= length {
                    if entry.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        != value.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    {
                        return false
                    }
                    i += 8
                }
                while i < length {
                    if entry.load(fromByteOffset: i, as: UInt8.self) != value.load(fromByteOffset: i, as: UInt8.self) {
                        return false
                    }
                    i += 1
                }
                return true
            }
            return memcmp(entry, value, length) == 0
        }
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
