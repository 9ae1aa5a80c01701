/// The ordered list of fields of a table or a ``RecordBatch``.
public struct Schema: Sendable, Hashable {
    /// The fields, in column order.
    public var fields: [Field]

    /// Creates a schema from fields.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// The column names, in order.
    public var names: [String] { fields.map(\.name) }

    /// The index of the first field named `name`, or `nil`.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
