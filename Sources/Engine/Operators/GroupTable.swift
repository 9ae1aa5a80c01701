import Columnar

/// Maps group keys to dense group indices 0, 1, 2… in order of first appearance.
///
/// One fixed-width key column uses a table of normalized `UInt64` keys; any other key list is encoded per row
/// into a reused byte buffer (a null flag per column, then 8 bytes for fixed-width values or a length and the
/// bytes for strings) and looked up in an open-addressing table over those bytes. Nulls are a group like any
/// value. No allocation happens per row.
struct GroupTable {
    /// The number of groups so far.
    private(set) var groupCount = 0

    // Open addressing: slot -> group index, -1 when empty. Capacity is a power of two, at most half full.
    private var slots: [Int32] = [Int32](repeating: -1, count: 1024)
    private var slotHashes: [UInt64] = [UInt64](repeating: 0, count: 1024)

    // Single fixed-width key: the normalized key of each group, and the group of the null key.
    private var fixedKeys: [UInt64] = []
    private var nullGroup: Int32 = -1

    // Encoded keys: group g is keyBytes[keyOffsets[g] ..< keyOffsets[g + 1]].
    private var keyBytes: [UInt8] = []
    private var keyOffsets: [Int] = [0]

    /// The group of every row of `keys` (the normalized key columns of one batch), creating groups as needed.
    /// `newGroupRows` receives, for each group created, the row where it first appeared.
    mutating func groupIndices(_ keys: NormalizedKeys, rows: Int, newGroupRows: inout [Int32]) -> [Int32] {
        var result = [Int32](repeating: 0, count: rows)
        if keys.columns.isEmpty {
            if groupCount == 0 {
                groupCount = 1
                newGroupRows.append(0)
            }
            return result
        }
        if keys.columns.count == 1, let fixed = keys.columns[0].fixed {
            let column = keys.columns[0]
            for i in 0..<rows {
                if column.isNull(i) {
                    if nullGroup < 0 {
                        nullGroup = Int32(groupCount)
                        groupCount += 1
                        fixedKeys.append(0)
                        newGroupRows.append(Int32(i))
                    }
                    result[i] = nullGroup
                    continue
                }
                let key = fixed[i]
                let (group, slot, hash) = find(fixed: key)
                if group >= 0 {
                    result[i] = group
                    continue
                }
                result[i] = Int32(groupCount)
                fixedKeys.append(key)
                created(slot: slot, hash: hash, row: i, newGroupRows: &newGroupRows)
            }
            return result
        }
        Self.encode(keys, rows: rows) { i, key in
            let (group, slot, hash) = find(bytes: key)
            if group >= 0 {
                result[i] = group
                return
            }
            result[i] = Int32(groupCount)
            keyBytes.append(contentsOf: key)
            keyOffsets.append(keyBytes.count)
            created(slot: slot, hash: hash, row: i, newGroupRows: &newGroupRows)
        }
        return result
    }

    /// The group of every row of `keys`, -1 for a key not in the table (a hash join's probe). Creates nothing, so
    /// any number of threads may look up at once.
    func lookup(_ keys: NormalizedKeys, rows: Int) -> [Int32] {
        if keys.columns.isEmpty { return [Int32](repeating: groupCount > 0 ? 0 : -1, count: rows) }
        var result = [Int32](repeating: -1, count: rows)
        if keys.columns.count == 1, let fixed = keys.columns[0].fixed {
            let column = keys.columns[0]
            for i in 0..<rows {
                result[i] = column.isNull(i) ? nullGroup : find(fixed: fixed[i]).group
            }
            return result
        }
        Self.encode(keys, rows: rows) { i, key in result[i] = find(bytes: key).group }
        return result
    }

    /// Creates the one group of a group-by without keys.
    mutating func createSingleGroup() {
        if groupCount == 0 { groupCount = 1 }
    }

    /// Calls `body` with each row's key encoded as bytes: per column a null flag, then 8 bytes for a fixed-width
    /// value or a 4-byte length and the bytes for a string.
    private static func encode(
        _ keys: NormalizedKeys,
        rows: Int,
        _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void
    ) {
        // The columns' buffers, read through pointers (the classes stay alive in `keys`), and room for the longest
        // encoded key of the batch.
        let columns = keys.columns.map(RawKeyColumn.init)
        var longest = 0
        for column in columns {
            longest += 1
            if column.fixed != nil {
                longest += 8
            } else if let offsets = column.offsets {
                var widest = 0
                for i in 0..<rows { widest = max(widest, offsets[i + 1] - offsets[i]) }
                longest += 4 + widest
            }
        }
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: max(longest, 1))
        defer { scratch.deallocate() }
        withExtendedLifetime(keys) {
            for i in 0..<rows {
                var length = 0
                for column in columns {
                    if let validity = column.validity, !validity[i] {
                        scratch[length] = 0
                        length += 1
                        continue
                    }
                    scratch[length] = 1
                    length += 1
                    if let fixed = column.fixed {
                        UnsafeMutableRawPointer(scratch + length).storeBytes(of: fixed[i], as: UInt64.self)
                        length += 8
                    } else {
                        let start = column.offsets![i]
                        let count = column.offsets![i + 1] - start
                        UnsafeMutableRawPointer(scratch + length).storeBytes(of: UInt32(count), as: UInt32.self)
                        length += 4
                        (scratch + length).update(from: column.bytes! + start, count: count)
                        length += count
                    }
                }
                body(i, UnsafeBufferPointer(start: scratch, count: length))
            }
        }
    }

    /// The group of a single fixed-width key (-1 when absent), and the empty slot where it would go.
    @inline(__always)
    private func find(fixed key: UInt64) -> (group: Int32, slot: Int, hash: UInt64) {
        let hash = mix(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let group = slots[slot]
            if group < 0 { return (-1, slot, hash) }
            if fixedKeys[Int(group)] == key { return (group, slot, hash) }
            slot = (slot + 1) & mask
        }
    }

    /// The group of an encoded key (-1 when absent), and the empty slot where it would go.
    @inline(__always)
    private func find(bytes key: UnsafeBufferPointer<UInt8>) -> (group: Int32, slot: Int, hash: UInt64) {
        let hash = hashBytes(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let group = slots[slot]
            if group < 0 { return (-1, slot, hash) }
            if slotHashes[slot] == hash {
                let start = keyOffsets[Int(group)]
                let length = keyOffsets[Int(group) + 1] - start
                if length == key.count {
                    let equal = keyBytes.withUnsafeBufferPointer { stored in
                        length == 0 || bytesEqual(stored.baseAddress! + start, key.baseAddress!, length)
                    }
                    if equal { return (group, slot, hash) }
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Takes the next group number for a key just stored, in the empty `slot` that ``find(fixed:)`` or
    /// ``find(bytes:)`` returned.
    @inline(__always)
    private mutating func created(slot: Int, hash: UInt64, row: Int, newGroupRows: inout [Int32]) {
        let group = Int32(groupCount)
        groupCount += 1
        newGroupRows.append(Int32(row))
        slots[slot] = group
        slotHashes[slot] = hash
        if groupCount * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        let mask = capacity - 1
        var newSlots = [Int32](repeating: -1, count: capacity)
        var newHashes = [UInt64](repeating: 0, count: capacity)
        for s in 0..<slots.count where slots[s] >= 0 {
            var slot = Int(truncatingIfNeeded: slotHashes[s]) & mask
            while newSlots[slot] >= 0 { slot = (slot + 1) & mask }
            newSlots[slot] = slots[s]
            newHashes[slot] = slotHashes[s]
        }
        slots = newSlots
        slotHashes = newHashes
    }
}

/// The buffers of a ``NormalizedKeyColumn`` as plain pointers, for loops that must not retain the column per row.
private struct RawKeyColumn {
    let fixed: UnsafeMutablePointer<UInt64>?
    let offsets: UnsafeMutablePointer<Int>?
    let bytes: UnsafeMutablePointer<UInt8>?
    let validity: UnsafeMutablePointer<Bool>?

    init(_ column: NormalizedKeyColumn) {
        fixed = column.fixed?.baseAddress
        offsets = column.offsets?.baseAddress
        bytes = column.bytes?.baseAddress
        validity = column.validity?.baseAddress
    }
}

/// A 64-bit mix (the finalizer of MurmurHash3), spreading every input bit over the low bits.
@inline(__always)
func mix(_ x: UInt64) -> UInt64 {
    var h = x
    h ^= h >> 33
    h &*= 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h &*= 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return h
}

/// Whether `count` bytes at `a` and `b` are equal, eight at a time (a tail as the last eight bytes).
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    guard count >= 8 else {
        for k in 0..<count where a[k] != b[k] { return false }
        return true
    }
    let x = UnsafeRawPointer(a)
    let y = UnsafeRawPointer(b)
    var k = 0
    while k + 8 <= count {
        if x.loadUnaligned(fromByteOffset: k, as: UInt64.self) != y.loadUnaligned(fromByteOffset: k, as: UInt64.self) {
            return false
        }
        k += 8
    }
    return k == count
        || x.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            == y.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
}

/// A hash of a byte string, eight bytes at a time (a tail shorter than eight as the string's last eight bytes).
@inline(__always)
func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
    var k = 0
    let base = UnsafeRawPointer(bytes.baseAddress!)
    while k + 8 <= bytes.count {
        h = (h ^ base.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0x1000_0000_01b3
        h = (h << 29) | (h >> 35)
        k += 8
    }
    var tail: UInt64 = 0
    if k < bytes.count, bytes.count >= 8 {
        // The last eight bytes, overlapping the ones already hashed.
        tail = base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
    } else {
        var shift: UInt64 = 0
        while k < bytes.count {
            tail |= UInt64(bytes[k]) << shift
            shift += 8
            k += 1
        }
    }
    return mix(h ^ tail)
}
