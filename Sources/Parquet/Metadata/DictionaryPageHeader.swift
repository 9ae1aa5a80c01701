/// The header of a dictionary page.
public struct DictionaryPageHeader: Sendable, Hashable {
    /// Entries in the dictionary (field 1).
    public var numValues: Int32
    /// Their encoding, PLAIN or PLAIN_DICTIONARY (field 2).
    public var encoding: Encoding
    /// Whether the entries are sorted (field 3).
    public var isSorted: Bool?

    public init(numValues: Int32 = 0, encoding: Encoding = .plain, isSorted: Bool? = nil) {
        self.numValues = numValues
        self.encoding = encoding
        self.isSorted = isSorted
    }
}

/// The (empty) header of an index page; no writer uses index pages.
public struct IndexPageHeader: Sendable, Hashable {
    public init() {}
}
