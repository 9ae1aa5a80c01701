/// The physical storage of a ``Column``: one contiguous array per column.
///
/// See ``DataType`` for which storage each logical type uses. The slot of a null holds an
/// unspecified value (zero, `false`, or an empty byte array by convention).
public enum ColumnValues: Sendable, Hashable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    case float([Float])
    case double([Double])
    case bytes(ByteArrays)

    /// The number of slots.
    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .bytes(let v): v.count
        }
    }

    /// Empty storage of the layout that `type` uses.
    public static func empty(for type: DataType) -> ColumnValues {
        switch type {
        case .boolean: .boolean([])
        case .int8, .int16, .int32, .uint8, .uint16, .uint32, .date: .int32([])
        case .int64, .uint64, .timestamp: .int64([])
        case .float: .float([])
        case .double: .double([])
        case .decimal(let precision, _):
            precision <= 9 ? .int32([]) : precision <= 18 ? .int64([]) : .bytes(ByteArrays())
        case .string, .binary, .fixedBinary: .bytes(ByteArrays())
        }
    }
}
