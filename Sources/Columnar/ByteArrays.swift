/// Variable-length byte values stored back to back, as Arrow does.
///
/// Value `i` is `data[offsets[i] ..< offsets[i + 1]]`; `offsets` has `count + 1` entries and starts at 0.
public struct ByteArrays: Sendable, Hashable {
    /// `count + 1` offsets into `data`.
    public var offsets: [Int]
    /// The concatenated bytes of every value.
    public var data: [UInt8]

    /// Creates an empty collection with room for `capacity` values of `byteCapacity` bytes in all.
    public init(capacity: Int = 0, byteCapacity: Int = 0) {
        offsets = [0]
        offsets.reserveCapacity(capacity + 1)
        data = []
        data.reserveCapacity(byteCapacity)
    }

    /// Creates a collection from its parts. `offsets` must start at 0, ascend, and end at `data.count`.
    public init(offsets: [Int], data: [UInt8]) {
        precondition(offsets.first == 0 && offsets.last == data.count, "malformed ByteArrays offsets")
        self.offsets = offsets
        self.data = data
    }

    /// Creates a collection holding the UTF-8 bytes of each string.
    public init<S: Sequence>(strings: S) where S.Element == String {
        self.init()
        for string in strings { append(string) }
    }

    /// The number of values.
    @inlinable public var count: Int { offsets.count - 1 }

    /// The byte range of value `i` in `data`.
    @inlinable public func range(at i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    /// Value `i` as an array of bytes.
    public subscript(i: Int) -> ArraySlice<UInt8> { data[range(at: i)] }

    /// Value `i` decoded as UTF-8 (invalid sequences repaired).
    public func string(at i: Int) -> String { String(decoding: data[range(at: i)], as: UTF8.self) }

    /// Appends a value.
    @inlinable public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(data.count)
    }

    /// Appends the UTF-8 bytes of a string.
    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { data.append(contentsOf: $0) }
        offsets.append(data.count)
    }

    /// Appends a value from raw memory.
    @inlinable public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        data.append(contentsOf: bytes)
        offsets.append(data.count)
    }

    /// Appends an empty value (the slot of a null).
    @inlinable public mutating func appendEmpty() {
        offsets.append(data.count)
    }
}
