import Columnar

/// The type of a SQL value as the binder sees it: the engine's types, one storage each.
///
/// Columns of other engine types are widened when a table is read: the integer types to `bigint`, `float` and
/// `decimal` to `double`, `binary` to `varchar`, timestamps of any unit to microseconds.
public enum SQLType: Sendable, Hashable, CustomStringConvertible {
    case bigint
    case double
    case varchar
    case boolean
    case date
    case timestamp
    /// The type of a bare `NULL`: it takes the type of whatever it meets.
    case unknown

    /// The engine type a column of this type is stored as.
    public var dataType: DataType {
        switch self {
        case .bigint: .int64
        case .double: .double
        case .varchar, .unknown: .string
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp(.microseconds, isAdjustedToUTC: false)
        }
    }

    /// The SQL type a column of engine type `type` is read as.
    public init(_ type: DataType) {
        switch type {
        case .boolean: self = .boolean
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: self = .bigint
        case .float, .double, .decimal: self = .double
        case .date: self = .date
        case .timestamp: self = .timestamp
        case .string, .binary, .fixedBinary: self = .varchar
        }
    }

    /// Whether values of the type are numbers.
    public var isNumeric: Bool { self == .bigint || self == .double }

    public var description: String {
        switch self {
        case .bigint: "BIGINT"
        case .double: "DOUBLE"
        case .varchar: "VARCHAR"
        case .boolean: "BOOLEAN"
        case .date: "DATE"
        case .timestamp: "TIMESTAMP"
        case .unknown: "NULL"
        }
    }

    /// The type both `self` and `other` convert to without loss, for comparisons, `CASE` branches and `UNION`;
    /// `nil` when there is none.
    func common(with other: SQLType) -> SQLType? {
        if self == other { return self }
        switch (self, other) {
        case (.unknown, _): return other
        case (_, .unknown): return self
        case (.bigint, .double), (.double, .bigint): return .double
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default: return nil
        }
    }
}
