import Columnar

/// Calendar arithmetic on the engine's dates (days since 1970-01-01) and timestamps (microseconds since
/// 1970-01-01T00:00:00), proleptic Gregorian, without time zones.
enum SQLDates {
    static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) { Value.civil(fromDays: days) }

    static func isLeap(_ year: Int64) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `YYYY-MM-DD` as days; `nil` unless it is a real date.
    static func parseDate(_ text: String) -> Int32? {
        let parts = text.trimmingSpaces.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, let year = Int64(parts[0]), let month = Int64(parts[1]),
            let day = Int64(parts[2]), (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        return Int32(days(year: year, month: month, day: day))
    }

    /// `YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]` (or with `T`) as microseconds; `nil` unless valid.
    static func parseTimestamp(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        let pieces = trimmed.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "T" }
        guard (1...2).contains(pieces.count), let date = parseDate(String(pieces[0])) else { return nil }
        var micros = Int64(date) * microsPerDay
        if pieces.count == 2 {
            let clock = pieces[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(clock.count), let hour = Int64(clock[0]), let minute = Int64(clock[1]),
                (0..<24).contains(hour), (0..<60).contains(minute)
            else { return nil }
            var seconds: Int64 = 0
            var fraction: Int64 = 0
            if clock.count == 3 {
                let secondParts = clock[2].split(separator: ".", omittingEmptySubsequences: false)
                guard let whole = Int64(secondParts[0]), (0..<60).contains(whole), secondParts.count <= 2 else {
                    return nil
                }
                seconds = whole
                if secondParts.count == 2 {
                    let digits = String(secondParts[1].prefix(6))
                    guard !digits.isEmpty, let value = Int64(digits) else { return nil }
                    fraction = value * Int64(pow10(6 - digits.count))
                }
            }
            micros += ((hour * 60 + minute) * 60 + seconds) * 1_000_000 + fraction
        }
        return micros
    }

    private static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { value, _ in value * 10 } }

    static func text(days: Int32) -> String { Value.dateText(days: Int64(days)) }

    static func text(micros: Int64) -> String {
        Value.timestampText(micros, unit: .microseconds).replacingFirstT()
    }

    /// `date + months`, the day clamped to the month's length (as Trino and DuckDB do).
    static func addMonths(days: Int64, months: Int64) -> Int64 {
        let (year, month, day) = civil(days: days)
        let total = year * 12 + (month - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        return Self.days(year: newYear, month: newMonth, day: min(day, daysInMonth(year: newYear, month: newMonth)))
    }

    /// Floors microseconds to whole days.
    static func floorDays(micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerDay : (micros - microsPerDay + 1) / microsPerDay
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }

    fileprivate func replacingFirstT() -> String {
        guard let index = firstIndex(of: "T") else { return self }
        var copy = self
        copy.replaceSubrange(index...index, with: " ")
        return copy
    }
}
