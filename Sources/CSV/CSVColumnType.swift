import Columnar

/// How the text of one CSV column is converted into a typed value.
///
/// An empty field is null for every type but ``string(emptyIsNull:)``, where `emptyIsNull` decides between null and
/// the empty string. A quoted empty field (`""`) is always the empty string in a string column.
public enum CSVColumnType: Sendable, Hashable {
    /// A signed 64-bit integer: an optional `+` or `-` and decimal digits.
    case int64
    /// A 64-bit float: decimal notation with optional exponent, correctly rounded; also `nan`, `inf`, `infinity`.
    case double
    /// `true`/`false`, `t`/`f`, `yes`/`no`, `y`/`n` (any case), `1`/`0`.
    case boolean
    /// A calendar date in a pattern such as `M/d/yyyy`, `yyyy-MM-dd` or `MM/dd/yyyy` (tokens `yyyy`, `yy`, `M`, `MM`, `d`, `dd`; other characters match
    /// themselves, `'…'` quotes literal text).
    case date(format: String)
    /// A timestamp without time zone in a pattern such as `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd'T'HH:mm:ss` (date tokens
    /// plus `H`, `HH`, `m`, `mm`, `s`, `ss`, `S…`), stored as microseconds. A fraction of a second (`.` and 1–9 digits) may follow the seconds.
    case timestamp(format: String)
    /// UTF-8 text, validated.
    case string(emptyIsNull: Bool)

    /// The columnar type the column is read into.
    public var dataType: DataType {
        switch self {
        case .int64: .int64
        case .double: .double
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp(.microseconds, isAdjustedToUTC: false)
        case .string: .string
        }
    }
}

extension CSVColumnType: LosslessStringConvertible {
    /// The type in the notation job files and `sluice schema` use: `int64`, `double`, `boolean`,
    /// `date(M/d/yyyy)`, `timestamp(yyyy-MM-dd HH:mm:ss)`, `string`, `string(empty_is_null)`.
    public var description: String {
        switch self {
        case .int64: "int64"
        case .double: "double"
        case .boolean: "boolean"
        case .date(let format): "date(\(format))"
        case .timestamp(let format): "timestamp(\(format))"
        case .string(let emptyIsNull): emptyIsNull ? "string(empty_is_null)" : "string"
        }
    }

    /// Parses the notation of ``description``. Also accepts `bool`, `int`, `float64`, `date` (meaning
    /// `date(yyyy-MM-dd)`) and `timestamp` (meaning `timestamp(yyyy-MM-dd HH:mm:ss)`). Returns `nil` for anything else,
    /// including a date or timestamp pattern with an unknown token.
    public init?(_ description: String) {
        let text = description.trimmingSpaces()
        func argument(_ prefix: String) -> String? {
            guard text.hasPrefix(prefix + "("), text.hasSuffix(")") else { return nil }
            return String(text.dropFirst(prefix.count + 1).dropLast())
        }
        switch text.lowercased() {
        case "int64", "int", "integer", "bigint": self = .int64
        case "double", "float64", "float": self = .double
        case "boolean", "bool": self = .boolean
        case "date": self = .date(format: "yyyy-MM-dd")
        case "timestamp": self = .timestamp(format: "yyyy-MM-dd HH:mm:ss")
        case "string", "text", "varchar": self = .string(emptyIsNull: false)
        case "string(empty_is_null)", "string?": self = .string(emptyIsNull: true)
        default:
            if let format = argument("date"), (try? DateTimeFormat(format, allowsTime: false)) != nil {
                self = .date(format: format)
            } else if let format = argument("timestamp"), (try? DateTimeFormat(format, allowsTime: true)) != nil {
                self = .timestamp(format: format)
            } else {
                return nil
            }
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}
