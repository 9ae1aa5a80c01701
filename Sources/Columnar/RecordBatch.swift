/// A set of equally long columns with a schema: the unit of work between operators.
public struct RecordBatch: Sendable, Hashable {
    /// The schema; `schema.fields[i]` describes `columns[i]`.
    public var schema: Schema
    /// The columns.
    public var columns: [Column]
    /// The number of rows.
    public private(set) var count: Int

    /// Creates a batch. Every column must have the same length and match its field's type.
    public init(schema: Schema, columns: [Column]) {
        precondition(schema.fields.count == columns.count, "schema and columns differ in number")
        let count = columns.first?.count ?? 0
        for (field, column) in zip(schema.fields, columns) {
            precondition(column.count == count, "column \(field.name) has \(column.count) rows, expected \(count)")
            precondition(column.type == field.type, "column \(field.name) is \(column.type), schema says \(field.type)")
        }
        self.schema = schema
        self.columns = columns
        self.count = count
    }

    /// An empty batch of the given schema.
    public static func empty(_ schema: Schema) -> RecordBatch {
        RecordBatch(
            schema: schema,
            columns: schema.fields.map { Column(type: $0.type, values: .empty(for: $0.type)) }
        )
    }

    /// The column named `name`, or `nil`.
    public func column(named name: String) -> Column? {
        schema.index(of: name).map { columns[$0] }
    }
}
