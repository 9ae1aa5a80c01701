/// The logical type of a column.
///
/// Every logical type has one storage layout in ``ColumnValues``:
///
/// | type | storage |
/// |---|---|
/// | `boolean` | `.boolean` |
/// | `int8`, `int16`, `int32`, `uint8`, `uint16`, `uint32`, `date` | `.int32` (unsigned values as bit patterns) |
/// | `int64`, `uint64`, `timestamp` | `.int64` (unsigned values as bit patterns) |
/// | `float` | `.float` |
/// | `double` | `.double` |
/// | `decimal` | `.int32` (precision ≤ 9), `.int64` (≤ 18), or `.bytes` (big-endian two's complement) |
/// | `string`, `binary`, `fixedBinary` | `.bytes` |
public enum DataType: Sendable, Hashable {
    case boolean
    case int8
    case int16
    case int32
    case int64
    case uint8
    case uint16
    case uint32
    case uint64
    case float
    case double
    /// Days since 1970-01-01.
    case date
    /// A count of `unit`s since 1970-01-01T00:00:00.
    case timestamp(TimeUnit, isAdjustedToUTC: Bool)
    /// An unscaled integer with a `scale` of decimal digits after the point.
    case decimal(precision: Int, scale: Int)
    /// UTF-8 text.
    case string
    /// Arbitrary bytes.
    case binary
    /// Bytes of a fixed length.
    case fixedBinary(Int)
}

/// The unit of a ``DataType/timestamp(_:isAdjustedToUTC:)`` value.
public enum TimeUnit: String, Sendable, Hashable, CaseIterable {
    case milliseconds
    case microseconds
    case nanoseconds

    /// How many units make one second.
    public var perSecond: Int64 {
        switch self {
        case .milliseconds: 1_000
        case .microseconds: 1_000_000
        case .nanoseconds: 1_000_000_000
        }
    }
}

extension DataType: CustomStringConvertible {
    public var description: String {
        switch self {
        case .boolean: "bool"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float: "float"
        case .double: "double"
        case .date: "date"
        case .timestamp(let unit, let utc):
            "timestamp[\(unit == .milliseconds ? "ms" : unit == .microseconds ? "us" : "ns")\(utc ? ", UTC" : "")]"
        case .decimal(let precision, let scale): "decimal(\(precision), \(scale))"
        case .string: "string"
        case .binary: "binary"
        case .fixedBinary(let width): "fixed_binary(\(width))"
        }
    }
}
