import Columnar
import Foundation

/// The scalar functions. The common text functions (`lower`, `upper`, `length`, `||`) work on the bytes of a
/// column; the others go a row at a time through ``SQLValue``.
enum SQLFunctions {
    static func apply(
        _ function: SQLScalarFunction,
        _ columns: [Column],
        _ types: [SQLType],
        _ type: SQLType,
        count n: Int
    ) throws(SQLError) -> Column {
        switch function {
        case .lower, .upper:
            let column = columns[0]
            var bytes = SQLColumns.bytes(column)
            let ascii = !bytes.data.contains { $0 >= 0x80 }
            if ascii {
                let (from, to): (UInt8, UInt8) = function == .lower ? (65, 90) : (97, 122)
                for j in bytes.data.indices where bytes.data[j] >= from && bytes.data[j] <= to { bytes.data[j] ^= 0x20 }
                return SQLColumns.make(.varchar, .bytes(bytes), column.validity)
            }
            return rowByRow(columns, types, type, n) { values in
                guard case .varchar(let text) = values[0] else { return .null }
                return .varchar(function == .lower ? text.lowercased() : text.uppercased())
            }
        case .length:
            let column = columns[0]
            let bytes = SQLColumns.bytes(column)
            var result = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                var characters: Int64 = 0
                for j in bytes.range(at: i) where bytes.data[j] & 0xC0 != 0x80 { characters += 1 }
                result[i] = characters
            }
            return SQLColumns.make(.bigint, .int64(result), column.validity)
        case .concat:
            var result = ByteArrays(capacity: n)
            let sources = columns.map(SQLColumns.bytes)
            var validity: [Bool]? = nil
            for column in columns { validity = SQLColumns.both(validity, column.validity) }
            for i in 0..<n {
                for source in sources { result.data.append(contentsOf: source.data[source.range(at: i)]) }
                result.offsets.append(result.data.count)
            }
            return SQLColumns.make(.varchar, .bytes(result), validity)
        case .coalesce:
            return rowByRow(columns, types, type, n, nullIn: false) { values in
                values.first { $0 != .null } ?? .null
            }
        case .nullif:
            return rowByRow(columns, types, type, n, nullIn: false) { values in
                values[1] != .null && values[0] == values[1] ? .null : values[0]
            }
        default:
            var failure: SQLError?
            let result = rowByRow(columns, types, type, n) { values in
                do throws(SQLError) {
                    return try scalar(function, values)
                } catch {
                    failure = failure ?? error
                    return .null
                }
            }
            if let failure { throw failure }
            return result
        }
    }

    /// Applies `body` to each row's arguments; with `nullIn`, a row with a null argument is null without a call.
    private static func rowByRow(
        _ columns: [Column],
        _ types: [SQLType],
        _ type: SQLType,
        _ n: Int,
        nullIn: Bool = true,
        _ body: ([SQLValue]) -> SQLValue
    ) -> Column {
        var results: [SQLValue] = []
        results.reserveCapacity(n)
        var arguments = [SQLValue](repeating: .null, count: columns.count)
        for i in 0..<n {
            var anyNull = false
            for (c, column) in columns.enumerated() {
                arguments[c] = SQLColumns.value(column, types[c], at: i)
                if arguments[c] == .null { anyNull = true }
            }
            results.append(nullIn && anyNull ? .null : body(arguments))
        }
        return SQLCasts.build(results, type)
    }

    private static func scalar(_ function: SQLScalarFunction, _ values: [SQLValue]) throws(SQLError) -> SQLValue {
        switch (function, values.first ?? .null) {
        case (.trim, .varchar(let text)): return .varchar(trimmed(text, leading: true, trailing: true))
        case (.ltrim, .varchar(let text)): return .varchar(trimmed(text, leading: true, trailing: false))
        case (.rtrim, .varchar(let text)): return .varchar(trimmed(text, leading: false, trailing: true))
        case (.substr, .varchar(let text)):
            guard case .bigint(let start) = values[1] else { return .null }
            var length: Int64? = nil
            if values.count > 2 {
                guard case .bigint(let given) = values[2] else { return .null }
                length = given
            }
            return .varchar(substring(text, start: start, length: length))
        case (.replace, .varchar(let text)):
            guard case .varchar(let from) = values[1] else { return .null }
            var to = ""
            if values.count > 2 {
                guard case .varchar(let given) = values[2] else { return .null }
                to = given
            }
            return .varchar(from.isEmpty ? text : text.replacingAll(from, with: to))
        case (.abs, .bigint(let v)):
            guard v != .min else { throw SQLError("BIGINT overflow: abs(\(v))") }
            return .bigint(Swift.abs(v))
        case (.abs, .double(let v)): return .double(Swift.abs(v))
        case (.round, .double(let v)):
            let digits: Int64
            if values.count > 1, case .bigint(let d) = values[1] { digits = d } else { digits = 0 }
            let scale = (0..<Swift.abs(digits)).reduce(1.0) { value, _ in value * 10 }
            let scaled = digits >= 0 ? v * scale : v / scale
            let rounded = scaled.rounded(.toNearestOrAwayFromZero)
            return .double(digits >= 0 ? rounded / scale : rounded * scale)
        case (.round, .bigint(let v)), (.floor, .bigint(let v)), (.ceil, .bigint(let v)): return .bigint(v)
        case (.floor, .double(let v)): return .double(v.rounded(.down))
        case (.ceil, .double(let v)): return .double(v.rounded(.up))
        case (.year, _), (.quarter, _), (.month, _), (.day, _), (.dayOfWeek, _), (.dayOfYear, _), (.week, _),
            (.hour, _), (.minute, _), (.second, _):
            return datePart(function, values[0])
        case (.dateTrunc, .varchar(let unit)):
            return try truncate(unit.lowercased(), values[1])
        case (.addDays, .date(let days)):
            guard case .bigint(let amount) = values[1] else { return .null }
            return .date(Int32(clamping: Int64(days) + amount))
        case (.addDays, .timestamp(let micros)):
            guard case .bigint(let amount) = values[1] else { return .null }
            return .timestamp(micros + amount * SQLDates.microsPerDay)
        case (.addMonths, .date(let days)):
            guard case .bigint(let amount) = values[1] else { return .null }
            return .date(Int32(clamping: SQLDates.addMonths(days: Int64(days), months: amount)))
        case (.addMonths, .timestamp(let micros)):
            guard case .bigint(let amount) = values[1] else { return .null }
            let days = SQLDates.floorDays(micros: micros)
            let rest = micros - days * SQLDates.microsPerDay
            return .timestamp(SQLDates.addMonths(days: days, months: amount) * SQLDates.microsPerDay + rest)
        case (.addMicroseconds, .timestamp(let micros)):
            guard case .bigint(let amount) = values[1] else { return .null }
            return .timestamp(micros + amount)
        case (.addMicroseconds, .date(let days)):
            guard case .bigint(let amount) = values[1] else { return .null }
            return .timestamp(Int64(days) * SQLDates.microsPerDay + amount)
        default:
            return .null
        }
    }

    private static func datePart(_ function: SQLScalarFunction, _ value: SQLValue) -> SQLValue {
        let days: Int64
        var micros: Int64 = 0
        switch value {
        case .date(let d): days = Int64(d)
        case .timestamp(let t):
            days = SQLDates.floorDays(micros: t)
            micros = t - days * SQLDates.microsPerDay
        default: return .null
        }
        let (year, month, day) = SQLDates.civil(days: days)
        switch function {
        case .year: return .bigint(year)
        case .quarter: return .bigint((month - 1) / 3 + 1)
        case .month: return .bigint(month)
        case .day: return .bigint(day)
        case .dayOfWeek:
            // ISO: Monday 1 … Sunday 7; 1970-01-01 was a Thursday.
            let weekday = ((days % 7) + 7 + 3) % 7 + 1
            return .bigint(weekday)
        case .dayOfYear: return .bigint(days - SQLDates.days(year: year, month: 1, day: 1) + 1)
        case .week:
            // ISO week of the Thursday of this date's week.
            let weekday = ((days % 7) + 7 + 3) % 7 + 1
            let thursday = days - weekday + 4
            let thursdayYear = SQLDates.civil(days: thursday).year
            return .bigint((thursday - SQLDates.days(year: thursdayYear, month: 1, day: 1)) / 7 + 1)
        case .hour: return .bigint(micros / 3_600_000_000)
        case .minute: return .bigint(micros / 60_000_000 % 60)
        case .second: return .bigint(micros / 1_000_000 % 60)
        default: return .null
        }
    }

    private static func truncate(_ unit: String, _ value: SQLValue) throws(SQLError) -> SQLValue {
        let isDate: Bool
        let micros: Int64
        switch value {
        case .date(let d):
            isDate = true
            micros = Int64(d) * SQLDates.microsPerDay
        case .timestamp(let t):
            isDate = false
            micros = t
        default: return .null
        }
        let days = SQLDates.floorDays(micros: micros)
        let (year, month, _) = SQLDates.civil(days: days)
        var result: Int64
        switch unit {
        case "year": result = SQLDates.days(year: year, month: 1, day: 1) * SQLDates.microsPerDay
        case "quarter":
            result = SQLDates.days(year: year, month: (month - 1) / 3 * 3 + 1, day: 1) * SQLDates.microsPerDay
        case "month": result = SQLDates.days(year: year, month: month, day: 1) * SQLDates.microsPerDay
        case "week":
            let weekday = ((days % 7) + 7 + 3) % 7
            result = (days - weekday) * SQLDates.microsPerDay
        case "day": result = days * SQLDates.microsPerDay
        case "hour": result = micros - ((micros % 3_600_000_000) + 3_600_000_000) % 3_600_000_000
        case "minute": result = micros - ((micros % 60_000_000) + 60_000_000) % 60_000_000
        case "second": result = micros - ((micros % 1_000_000) + 1_000_000) % 1_000_000
        default:
            throw SQLError(
                "date_trunc: unknown unit '\(unit)' (expected year, quarter, month, week, day, hour, minute, second)"
            )
        }
        if isDate { return .date(Int32(result / SQLDates.microsPerDay)) }
        return .timestamp(result)
    }

    private static func trimmed(_ text: String, leading: Bool, trailing: Bool) -> String {
        var slice = Substring(text)
        if leading { while slice.first == " " { slice.removeFirst() } }
        if trailing { while slice.last == " " { slice.removeLast() } }
        return String(slice)
    }

    /// `substr(text, start[, length])`: 1-based characters; a start of 0 or beyond the end gives '' (Trino).
    private static func substring(_ text: String, start: Int64, length: Int64?) -> String {
        let characters = Array(text.unicodeScalars)
        let count = Int64(characters.count)
        guard start != 0, Swift.abs(start) <= count else { return "" }
        let from = start > 0 ? start - 1 : count + start
        let to = length.map { min(count, from + Swift.max($0, 0)) } ?? count
        guard from < to else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: characters[Int(from)..<Int(to)])
        return String(result)
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[rest.startIndex..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
