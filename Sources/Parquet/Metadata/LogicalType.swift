/// The logical annotation of a schema element (the `LogicalType` union of parquet.thrift).
///
/// The comment on each case names its union field id (see ``fieldID``).
public enum LogicalType: Sendable, Hashable {
    /// The unit of TIME and TIMESTAMP (the `TimeUnit` union).
    public enum TimeUnit: Int16, Sendable, Hashable, CaseIterable {
        case millis = 1
        case micros = 2
        case nanos = 3
    }

    case string  // 1
    case map  // 2
    case list  // 3
    case `enum`  // 4
    case decimal(scale: Int32, precision: Int32)  // 5
    case date  // 6
    case time(isAdjustedToUTC: Bool, unit: TimeUnit)  // 7
    case timestamp(isAdjustedToUTC: Bool, unit: TimeUnit)  // 8
    case integer(bitWidth: Int8, isSigned: Bool)  // 10
    /// Always null (`NullType`, named UNKNOWN in the union).
    case unknown  // 11
    case json  // 12
    case bson  // 13
    case uuid  // 14
    case float16  // 15
    case variant(specificationVersion: Int8?)  // 16
    case geometry(crs: String?)  // 17
    case geography(crs: String?, algorithm: EdgeInterpolationAlgorithm?)  // 18
    case vector  // 19
    /// A union member this implementation does not know, by field id.
    case other(fieldID: Int16)

    /// The field id of the case in the Thrift union.
    public var fieldID: Int16 {
        switch self {
        case .string: 1
        case .map: 2
        case .list: 3
        case .enum: 4
        case .decimal: 5
        case .date: 6
        case .time: 7
        case .timestamp: 8
        case .integer: 10
        case .unknown: 11
        case .json: 12
        case .bson: 13
        case .uuid: 14
        case .float16: 15
        case .variant: 16
        case .geometry: 17
        case .geography: 18
        case .vector: 19
        case .other(let id): id
        }
    }
}
