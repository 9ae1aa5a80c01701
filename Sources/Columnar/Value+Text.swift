/// Text renderings of values shared by the CSV writer and `sluice cat`.
extension Value {
    /// The value as CSV/JSON text without quoting: dates as `YYYY-MM-DD`, timestamps as ISO 8601 (`Z` when
    /// adjusted to UTC), decimals with their scale applied, floats in shortest round-trip form; `nil` for null.
    /// Bytes are rendered as UTF-8 when valid, otherwise `nil` (callers choose an encoding such as base64).
    public var text: String? {
        switch self {
        case .null: return nil
        case .boolean(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .float(let v): return Self.floatText(Double(v), description: v.description)
        case .double(let v): return Self.floatText(v, description: v.description)
        case .date(let days): return Self.dateText(days: Int64(days))
        case .timestamp(let value, let unit, let utc):
            return Self.timestampText(value, unit: unit) + (utc ? "Z" : "")
        case .decimal(let unscaled, let scale): return Self.decimalText(unscaled: unscaled, scale: scale)
        case .string(let s): return s
        case .bytes(let b):
            var bytes = b
            return bytes.withUTF8Validated()
        }
    }

    static func floatText(_ value: Double, description: String) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return description
    }

    /// `YYYY-MM-DD` for a count of days since 1970-01-01 (proleptic Gregorian calendar).
    public static func dateText(days: Int64) -> String {
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]` for a count of `unit`s since the epoch.
    public static func timestampText(_ value: Int64, unit: TimeUnit) -> String {
        let perSecond = unit.perSecond
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 {
            fraction += perSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        var text = dateText(days: days)
        text += "T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if fraction != 0 {
            let width = unit == .milliseconds ? 3 : unit == .microseconds ? 6 : 9
            var digits = pad(fraction, width)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// An unscaled integer's digits with `scale` digits after the point: `("-12345", 2)` is `-123.45`.
    public static func decimalText(unscaled: String, scale: Int) -> String {
        guard scale > 0 else { return scale == 0 ? unscaled : unscaled + String(repeating: "0", count: -scale) }
        let negative = unscaled.hasPrefix("-")
        var digits = negative ? String(unscaled.dropFirst()) : unscaled
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }

    /// Year, month, day of a count of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let negative = value < 0
        let digits = String(negative ? -value : value)
        let padded = digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        return negative ? "-" + padded : padded
    }
}

extension Array where Element == UInt8 {
    /// The bytes as a `String` when they are valid UTF-8.
    fileprivate mutating func withUTF8Validated() -> String? {
        String(validating: self, as: UTF8.self)
    }
}
