/// The order of a column's `min_value`/`max_value` statistics (a union).
public enum ColumnOrder: Sendable, Hashable {
    /// The order defined by the logical type, else the physical type (field 1).
    case typeDefinedOrder
    /// IEEE 754 total order for floating point (field 2).
    case ieee754TotalOrder
    /// Chronological order of INT96 timestamps (field 3).
    case int96TimestampOrder
    /// A union member this implementation does not know.
    case other(fieldID: Int16)

    /// The field id of the case in the Thrift union.
    public var fieldID: Int16 {
        switch self {
        case .typeDefinedOrder: 1
        case .ieee754TotalOrder: 2
        case .int96TimestampOrder: 3
        case .other(let id): id
        }
    }
}
