extension Array {
    /// Makes room for `additional` more elements, growing geometrically so that appending page after page
    /// stays linear (a plain `reserveCapacity(count + n)` would reallocate on every page).
    @inline(__always)
    mutating func reserveAdditional(_ additional: Int) {
        let needed = count + additional
        if needed > capacity { reserveCapacity(Swift.max(needed, capacity * 2)) }
    }
}
