/// The physical storage type of a leaf column (`Type` in parquet.thrift).
public enum PhysicalType: Int32, Sendable, Hashable, CaseIterable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    /// Deprecated 12-byte timestamps (nanoseconds of day, then Julian day).
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}
