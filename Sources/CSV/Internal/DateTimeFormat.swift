/// A compiled date or timestamp pattern such as `M/d/yyyy` or `yyyy-MM-dd'T'HH:mm:ss`, parsed straight from bytes.
///
/// Tokens: `yyyy` (4 digits), `yy` (2 digits, 1970–2069), `M`/`d`/`H`/`m`/`s` (1 or 2 digits), `MM`/`dd`/`HH`/`mm`/`ss`
/// (exactly 2 digits), `S…` (exactly that many fraction digits). Other non-letters and `'quoted'` text match
/// themselves. When the pattern has no `S`, seconds may be followed by `.` and 1–9 fraction digits.
final class DateTimeFormat: @unchecked Sendable {
    enum Field: UInt8 {
        case literal
        case year
        case year2
        case month
        case day
        case hour
        case minute
        case second
        case fraction
        case optionalFraction
    }

    struct Op {
        var field: Field
        var minDigits: Int8
        var maxDigits: Int8
        var literal: UInt8
    }

    /// A pattern that cannot be compiled.
    struct InvalidPattern: Error, CustomStringConvertible {
        var pattern: String
        var message: String
        var description: String { "invalid date pattern \"\(pattern)\": \(message)" }
    }

    /// A date pattern of three numbers and two one-byte separators (`M/d/yyyy`, `yyyy-MM-dd`, …), parsed without
    /// the general interpreter.
    struct SimpleDate {
        struct Number {
            var field: Field
            var minDigits: Int
            var maxDigits: Int
        }

        var first: Number
        var second: Number
        var third: Number
        var separator1: UInt8
        var separator2: UInt8
        var order: Order
        var twoDigitYear: Bool

        enum Order {
            case monthDayYear
            case yearMonthDay
            case dayMonthYear
            case other
        }
    }

    let pattern: String
    let ops: UnsafeMutablePointer<Op>
    let count: Int
    /// The pattern in ``SimpleDate`` form, when it has that shape.
    let simple: UnsafeMutablePointer<SimpleDate>?

    init(_ pattern: String, allowsTime: Bool) throws {
        self.pattern = pattern
        var result: [Op] = []
        let bytes = Array(pattern.utf8)
        var i = 0
        var hasFraction = false
        var hasYear = false
        var hasMonth = false
        var hasDay = false
        func fail(_ message: String) -> InvalidPattern { InvalidPattern(pattern: pattern, message: message) }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "'") {
                i += 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "'") {
                    result.append(Op(field: .literal, minDigits: 0, maxDigits: 0, literal: bytes[i]))
                    i += 1
                }
                guard i < bytes.count else { throw fail("unterminated quote") }
                i += 1
                continue
            }
            let isLetter = (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
            guard isLetter else {
                result.append(Op(field: .literal, minDigits: 0, maxDigits: 0, literal: c))
                i += 1
                continue
            }
            var run = 1
            while i + run < bytes.count && bytes[i + run] == c { run += 1 }
            i += run
            let op: Op
            switch (c, run) {
            case (UInt8(ascii: "y"), 4): op = Op(field: .year, minDigits: 4, maxDigits: 4, literal: 0)
            case (UInt8(ascii: "y"), 2): op = Op(field: .year2, minDigits: 2, maxDigits: 2, literal: 0)
            case (UInt8(ascii: "M"), 1), (UInt8(ascii: "M"), 2):
                op = Op(field: .month, minDigits: Int8(run), maxDigits: 2, literal: 0)
            case (UInt8(ascii: "d"), 1), (UInt8(ascii: "d"), 2):
                op = Op(field: .day, minDigits: Int8(run), maxDigits: 2, literal: 0)
            case (UInt8(ascii: "H"), 1), (UInt8(ascii: "H"), 2):
                op = Op(field: .hour, minDigits: Int8(run), maxDigits: 2, literal: 0)
            case (UInt8(ascii: "m"), 1), (UInt8(ascii: "m"), 2):
                op = Op(field: .minute, minDigits: Int8(run), maxDigits: 2, literal: 0)
            case (UInt8(ascii: "s"), 1), (UInt8(ascii: "s"), 2):
                op = Op(field: .second, minDigits: Int8(run), maxDigits: 2, literal: 0)
            case (UInt8(ascii: "S"), 1...9):
                hasFraction = true
                op = Op(field: .fraction, minDigits: Int8(run), maxDigits: Int8(run), literal: 0)
            default:
                throw fail("unknown token \"\(String(repeating: Character(Unicode.Scalar(c)), count: run))\"")
            }
            switch op.field {
            case .year, .year2: hasYear = true
            case .month: hasMonth = true
            case .day: hasDay = true
            case .hour, .minute, .second, .fraction:
                if !allowsTime { throw fail("a date pattern has no time fields") }
            default: break
            }
            result.append(op)
            if op.field == .second && allowsTime && !hasFraction
                && !bytes[i...].contains(UInt8(ascii: "S"))
            {
                result.append(Op(field: .optionalFraction, minDigits: 1, maxDigits: 9, literal: 0))
            }
        }
        guard hasYear && hasMonth && hasDay else { throw fail("needs a year, a month and a day") }
        count = result.count
        ops = .allocate(capacity: max(count, 1))
        ops.initialize(from: result, count: count)
        func number(_ op: Op) -> SimpleDate.Number? {
            guard [.year, .year2, .month, .day].contains(op.field) else { return nil }
            return SimpleDate.Number(field: op.field, minDigits: Int(op.minDigits), maxDigits: Int(op.maxDigits))
        }
        if !allowsTime, result.count == 5, result[1].field == .literal, result[3].field == .literal,
            let first = number(result[0]), let second = number(result[2]), let third = number(result[4])
        {
            let fields = [first.field, second.field, third.field].map { $0 == .year2 ? Field.year : $0 }
            let order: SimpleDate.Order =
                switch fields {
                case [.month, .day, .year]: .monthDayYear
                case [.year, .month, .day]: .yearMonthDay
                case [.day, .month, .year]: .dayMonthYear
                default: .other
                }
            simple = .allocate(capacity: 1)
            simple!.initialize(
                to: SimpleDate(
                    first: first,
                    second: second,
                    third: third,
                    separator1: result[1].literal,
                    separator2: result[3].literal,
                    order: order,
                    twoDigitYear: [first, second, third].contains { $0.field == .year2 }
                )
            )
        } else {
            simple = nil
        }
    }

    deinit {
        ops.deallocate()
        simple?.deallocate()
    }

    /// Reads 1 to `maxDigits` digits at `p` (at least `minDigits`); -1 when there are too few.
    @inline(__always)
    static func number(
        _ p: inout UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        _ minDigits: Int,
        _ maxDigits: Int
    ) -> Int {
        var value = 0
        var n = 0
        while n < maxDigits && p < end {
            let digit = Int(p.pointee) &- 48
            if UInt(bitPattern: digit) > 9 { break }
            value = value &* 10 &+ digit
            n &+= 1
            p += 1
        }
        return n >= minDigits ? value : -1
    }

    /// Parses a ``SimpleDate`` from `start`, reading no further than `end`, into days since 1970-01-01; sets `stop`
    /// just after the text it matched.
    @inline(__always)
    static func parseSimple(
        _ format: UnsafePointer<SimpleDate>,
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        stop: inout UnsafePointer<UInt8>
    ) -> Int? {
        var p = start
        let a = number(&p, end, format.pointee.first.minDigits, format.pointee.first.maxDigits)
        guard a >= 0, p < end, p.pointee == format.pointee.separator1 else { return nil }
        p += 1
        let b = number(&p, end, format.pointee.second.minDigits, format.pointee.second.maxDigits)
        guard b >= 0, p < end, p.pointee == format.pointee.separator2 else { return nil }
        p += 1
        let c = number(&p, end, format.pointee.third.minDigits, format.pointee.third.maxDigits)
        guard c >= 0 else { return nil }
        var year = 0
        var month = 0
        var day = 0
        switch format.pointee.order {
        case .monthDayYear:
            month = a
            day = b
            year = c
        case .yearMonthDay:
            year = a
            month = b
            day = c
        case .dayMonthYear:
            day = a
            month = b
            year = c
        case .other:
            for (field, value) in [
                (format.pointee.first.field, a), (format.pointee.second.field, b), (format.pointee.third.field, c),
            ] {
                switch field {
                case .year, .year2: year = value
                case .month: month = value
                default: day = value
                }
            }
        }
        if format.pointee.twoDigitYear { year = year < 70 ? 2000 + year : 1900 + year }
        guard month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) else { return nil }
        stop = p
        return daysFromCivil(year, month, day)
    }

    /// Parses `[start, end)` into microseconds since 1970-01-01T00:00:00 (days × 86 400 000 000 for a date).
    /// Returns `nil` when the text does not match or names an impossible date or time.
    @inline(__always)
    static func parse(
        _ ops: UnsafePointer<Op>,
        _ count: Int,
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        days: inout Int
    ) -> Int64? {
        var stop = start
        guard let value = parsePrefix(ops, count, start, end, days: &days, stop: &stop), stop == end else { return nil }
        return value
    }

    /// Parses the pattern from `start`, reading no further than `end`, and sets `stop` just after the text it
    /// matched, which need not reach `end`.
    @inline(__always)
    static func parsePrefix(
        _ ops: UnsafePointer<Op>,
        _ count: Int,
        _ start: UnsafePointer<UInt8>,
        _ end: UnsafePointer<UInt8>,
        days: inout Int,
        stop: inout UnsafePointer<UInt8>
    ) -> Int64? {
        var p = start
        var year = 1970
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var micros = 0
        for k in 0..<count {
            let op = ops[k]
            if op.field == .literal {
                guard p < end, p.pointee == op.literal else { return nil }
                p += 1
                continue
            }
            if op.field == .optionalFraction {
                guard p < end, p.pointee == UInt8(ascii: ".") else { continue }
                p += 1
            }
            var value = 0
            var n = 0
            let maxDigits = Int(op.maxDigits)
            while n < maxDigits && p < end {
                let digit = Int(p.pointee) &- 48
                if digit < 0 || digit > 9 { break }
                value = value &* 10 &+ digit
                n += 1
                p += 1
            }
            guard n >= Int(op.minDigits) else { return nil }
            switch op.field {
            case .year: year = value
            case .year2: year = value < 70 ? 2000 + value : 1900 + value
            case .month: month = value
            case .day: day = value
            case .hour: hour = value
            case .minute: minute = value
            case .second: second = value
            case .fraction, .optionalFraction:
                var scaled = value
                var digits = n
                while digits < 6 {
                    scaled &*= 10
                    digits += 1
                }
                while digits > 6 {
                    scaled /= 10
                    digits -= 1
                }
                micros = scaled
            case .literal: break
            }
        }
        stop = p
        guard month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) else { return nil }
        guard hour < 24 && minute < 60 && second < 60 else { return nil }
        let d = daysFromCivil(year, month, day)
        days = d
        return Int64(d) * 86_400_000_000 + Int64(hour * 3600 + minute * 60 + second) * 1_000_000 + Int64(micros)
    }

    @inline(__always)
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    @inline(__always)
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
