/// A key-value metadata entry.
public struct KeyValue: Sendable, Hashable {
    /// Field 1.
    public var key: String
    /// Field 2.
    public var value: String?

    public init(key: String = "", value: String? = nil) {
        self.key = key
        self.value = value
    }
}
