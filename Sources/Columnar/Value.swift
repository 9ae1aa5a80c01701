/// One cell, boxed: for tests, printing and other row-at-a-time work. Never use it in hot loops.
public enum Value: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int(Int64)
    case uint(UInt64)
    case float(Float)
    case double(Double)
    /// Days since 1970-01-01.
    case date(Int32)
    case timestamp(Int64, TimeUnit, isAdjustedToUTC: Bool)
    /// An unscaled value (as a decimal string of digits, possibly with a sign) and a scale.
    case decimal(unscaled: String, scale: Int)
    case string(String)
    case bytes([UInt8])
}
