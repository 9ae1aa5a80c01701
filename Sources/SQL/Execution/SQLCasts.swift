import Columnar

/// `CAST` and the implicit conversions the binder inserts (bigint to double, date to timestamp, a bare `NULL` to
/// anything). A text that does not convert is an error naming the value and the type, as in Trino and DuckDB.
enum SQLCasts {
    static func cast(_ column: Column, from source: SQLType, to target: SQLType) throws(SQLError) -> Column {
        if source == target { return column }
        let n = column.count
        if source == .unknown { return SQLColumns.constant(.null, target, count: n) }
        let validity = column.validity
        switch (source, target) {
        case (.bigint, .double):
            return SQLColumns.make(.double, .double(SQLColumns.int64s(column).map(Double.init)), validity)
        case (.double, .bigint):
            let values = SQLColumns.doubles(column)
            var result = [Int64](repeating: 0, count: n)
            for i in 0..<n where !column.isNull(i) {
                let rounded = values[i].rounded(.toNearestOrAwayFromZero)
                guard rounded.isFinite, rounded >= -9.223_372_036_854_775_808e18, rounded < 9.223_372_036_854_775_808e18
                else { throw SQLError("cannot cast DOUBLE \(values[i]) to BIGINT: out of range") }
                result[i] = Int64(rounded)
            }
            return SQLColumns.make(.bigint, .int64(result), validity)
        case (.boolean, .bigint):
            return SQLColumns.make(.bigint, .int64(SQLColumns.booleans(column).map { $0 ? 1 : 0 }), validity)
        case (.bigint, .boolean):
            return SQLColumns.make(.boolean, .boolean(SQLColumns.int64s(column).map { $0 != 0 }), validity)
        case (.date, .timestamp):
            let days = SQLColumns.int32s(column)
            return SQLColumns.make(.timestamp, .int64(days.map { Int64($0) * SQLDates.microsPerDay }), validity)
        case (.timestamp, .date):
            let micros = SQLColumns.int64s(column)
            return SQLColumns.make(.date, .int32(micros.map { Int32(SQLDates.floorDays(micros: $0)) }), validity)
        case (_, .varchar):
            var bytes = ByteArrays(capacity: n)
            for i in 0..<n {
                if column.isNull(i) {
                    bytes.appendEmpty()
                } else {
                    bytes.append(text(SQLColumns.value(column, source, at: i)))
                }
            }
            return SQLColumns.make(.varchar, .bytes(bytes), validity)
        case (.varchar, _):
            let bytes = SQLColumns.bytes(column)
            var values: [SQLValue] = []
            values.reserveCapacity(n)
            for i in 0..<n {
                guard !column.isNull(i) else {
                    values.append(.null)
                    continue
                }
                let string = bytes.string(at: i)
                guard let value = parse(string, as: target) else {
                    throw SQLError("cannot cast '\(string)' to \(target)")
                }
                values.append(value)
            }
            return build(values, target)
        default:
            throw SQLError("cannot cast \(source) to \(target)")
        }
    }

    /// A text as a value of `type`, or `nil`.
    static func parse(_ text: String, as type: SQLType) -> SQLValue? {
        let trimmed = text.trimmingCharacters(in: " ")
        switch type {
        case .bigint: return Int64(trimmed).map(SQLValue.bigint)
        case .double: return Double(trimmed).map(SQLValue.double)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "t", "1": return .boolean(true)
            case "false", "f", "0": return .boolean(false)
            default: return nil
            }
        case .date: return SQLDates.parseDate(trimmed).map(SQLValue.date)
        case .timestamp: return SQLDates.parseTimestamp(trimmed).map(SQLValue.timestamp)
        case .varchar, .unknown: return .varchar(text)
        }
    }

    /// A constant's text, as `CAST(x AS VARCHAR)` prints it.
    static func text(_ value: SQLValue) -> String {
        switch value {
        case .null: ""
        case .boolean(let v): v ? "true" : "false"
        case .bigint(let v): String(v)
        case .double(let v): Value.double(v).text ?? ""
        case .varchar(let v): v
        case .date(let days): SQLDates.text(days: days)
        case .timestamp(let micros): SQLDates.text(micros: micros)
        }
    }

    /// A column of `type` from constants of that type (or null).
    static func build(_ values: [SQLValue], _ type: SQLType) -> Column {
        let n = values.count
        let validity = values.map { $0 != .null }
        switch type {
        case .bigint, .timestamp:
            let ints = values.map { value -> Int64 in
                if case .bigint(let v) = value { return v }
                if case .timestamp(let v) = value { return v }
                return 0
            }
            return SQLColumns.make(type, .int64(ints), validity)
        case .double:
            return SQLColumns.make(
                type,
                .double(values.map { if case .double(let v) = $0 { v } else { 0 } }),
                validity
            )
        case .boolean:
            return SQLColumns.make(
                type,
                .boolean(values.map { if case .boolean(let v) = $0 { v } else { false } }),
                validity
            )
        case .date:
            return SQLColumns.make(type, .int32(values.map { if case .date(let v) = $0 { v } else { 0 } }), validity)
        case .varchar, .unknown:
            var bytes = ByteArrays(capacity: n)
            for value in values {
                if case .varchar(let text) = value { bytes.append(text) } else { bytes.appendEmpty() }
            }
            return SQLColumns.make(type, .bytes(bytes), validity)
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return String(slice)
    }
}
