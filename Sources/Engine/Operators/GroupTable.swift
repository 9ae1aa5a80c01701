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
    /// `newGroupRows` receives, for each group created, the row where it first appeared. With `insert` false
    /// (a hash join's probe), nothing is created and a key not in the table gets -1.
    mutating func groupIndices(
        _ keys: NormalizedKeys,
        rows: Int,
        newGroupRows: inout [Int32],
        insert: Bool = true
    ) -> [Int32] {
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
                    if nullGroup < 0, !insert {
                        result[i] = -1
                        continue
                    }
                    if nullGroup < 0 {
                        nullGroup = Int32(groupCount)
                        groupCount += 1
                        fixedKeys.append(0)
                        newGroupRows.append(Int32(i))
                    }
                    result[i] = nullGroup
                } else {
                    result[i] = findOrInsertFixed(fixed[i], row: i, newGroupRows: &newGroupRows, insert: insert)
                }
            }
            return result
        }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(64)
        for i in 0..<rows {
            scratch.removeAll(keepingCapacity: true)
            for column in keys.columns {
                if column.isNull(i) {
                    scratch.append(0)
                    continue
                }
                scratch.append(1)
                if let fixed = column.fixed {
                    withUnsafeBytes(of: fixed[i]) { scratch.append(contentsOf: $0) }
                } else {
                    let start = column.offsets![i]
                    let length = column.offsets![i + 1] - start
                    withUnsafeBytes(of: UInt32(length)) { scratch.append(contentsOf: $0) }
                    scratch.append(
                        contentsOf: UnsafeBufferPointer(start: column.bytes!.baseAddress! + start, count: length)
                    )
                }
            }
            result[i] = scratch.withUnsafeBufferPointer {
                findOrInsertBytes($0, row: i, newGroupRows: &newGroupRows, insert: insert)
            }
        }
        return result
    }

    /// Creates the one group of a group-by without keys.
    mutating func createSingleGroup() {
        if groupCount == 0 { groupCount = 1 }
    }

    @inline(__always)
    private mutating func findOrInsertFixed(
        _ key: UInt64,
        row: Int,
        newGroupRows: inout [Int32],
        insert: Bool
    ) -> Int32 {
        let hash = mix(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let group = slots[slot]
            if group < 0 { break }
            if fixedKeys[Int(group)] == key { return group }
            slot = (slot + 1) & mask
        }
        guard insert else { return -1 }
        let group = Int32(groupCount)
        groupCount += 1
        fixedKeys.append(key)
        newGroupRows.append(Int32(row))
        slots[slot] = group
        slotHashes[slot] = hash
        if groupCount * 2 > slots.count { grow() }
        return group
    }

    private mutating func findOrInsertBytes(
        _ key: UnsafeBufferPointer<UInt8>,
        row: Int,
        newGroupRows: inout [Int32],
        insert: Bool
    ) -> Int32 {
        let hash = hashBytes(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let group = slots[slot]
            if group < 0 { break }
            if slotHashes[slot] == hash {
                let start = keyOffsets[Int(group)]
                let length = keyOffsets[Int(group) + 1] - start
                if length == key.count {
                    let equal = keyBytes.withUnsafeBufferPointer { stored in
                        length == 0 || memcmpBytes(stored.baseAddress! + start, key.baseAddress!, length) == 0
                    }
                    if equal { return group }
                }
            }
            slot = (slot + 1) & mask
        }
        guard insert else { return -1 }
        let group = Int32(groupCount)
        groupCount += 1
        keyBytes.append(contentsOf: key)
        keyOffsets.append(keyBytes.count)
        newGroupRows.append(Int32(row))
        slots[slot] = group
        slotHashes[slot] = hash
        if groupCount * 2 > slots.count { grow() }
        return group
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

/// A hash of a byte string, eight bytes at a time.
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
    var shift: UInt64 = 0
    while k < bytes.count {
        tail |= UInt64(bytes[k]) << shift
        shift += 8
        k += 1
    }
    return mix(h ^ tail)
}
