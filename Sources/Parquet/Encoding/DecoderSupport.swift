extension Array {
    /// Makes room for `additional` more elements, growing geometrically so that appending page after page
    /// stays linear (a plain `reserveCapacity(count + n)` would reallocate on every page).
    @inline(__always)
    mutating func reserveAdditional(_ additional: Int) {
        let needed = count + additional
        if needed > capacity { reserveCapacity(Swift.max(needed, capacity * 2)) }
    }
}

extension Array where Element == Int {
    /// Appends `count` elements that `body` writes (the buffer is zeroed first), without a per-element append.
    @inline(__always)
    mutating func append(count: Int, writing body: (UnsafeMutableBufferPointer<Int>) throws -> Void) rethrows {
        let start = self.count
        reserveAdditional(count)
        append(contentsOf: repeatElement(0, count: count))
        try withUnsafeMutableBufferPointer { all in
            try body(UnsafeMutableBufferPointer(rebasing: all[start...]))
        }
    }
}
