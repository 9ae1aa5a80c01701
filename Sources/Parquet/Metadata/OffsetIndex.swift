/// The locations of a column chunk's data pages (part of the page index).
public struct OffsetIndex: Sendable, Hashable {
    /// Field 1.
    public var pageLocations: [PageLocation]
    /// Per page, bytes of BYTE_ARRAY values without length prefixes (field 2).
    public var unencodedByteArrayDataBytes: [Int64]?

    public init(pageLocations: [PageLocation] = [], unencodedByteArrayDataBytes: [Int64]? = nil) {
        self.pageLocations = pageLocations
        self.unencodedByteArrayDataBytes = unencodedByteArrayDataBytes
    }
}
