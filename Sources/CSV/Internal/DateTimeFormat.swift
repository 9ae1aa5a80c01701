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

    let pattern: String
    let ops: UnsafeMutablePointer<Op>
    let count: Int

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
    }

    deinit {
        ops.deallocate()
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
        guard p == end else { return nil }
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
