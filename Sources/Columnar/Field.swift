/// A named, typed column slot in a ``Schema``.
public struct Field: Sendable, Hashable {
    /// The column name.
    public var name: String
    /// The logical type.
    public var type: DataType
    /// Whether the column may hold nulls.
    public var isNullable: Bool

    /// Creates a field.
    public init(_ name: String, _ type: DataType, isNullable: Bool = true) {
        self.name = name
        self.type = type
        self.isNullable = isNullable
    }
}
