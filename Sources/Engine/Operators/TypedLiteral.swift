import Columnar
import Foundation

/// A filter literal converted to the comparison domain of a column's type.
enum TypedLiteral: Sendable {
    /// Signed integers, dates (days), timestamps (in the column's unit), booleans (0/1), small decimals (unscaled).
    case integer(Int64)
    /// `uint64` values.
    case unsigned(UInt64)
    /// Float and double values.
    case real(Double)
    /// String and binary values.
    case bytes([UInt8])

    /// Converts `value` for a column of `type` named `column`, or throws naming both.
    init(_ value: Value, for type: DataType, column: String) throws(OperatorError) {
        func mismatch(_ expected: String) -> OperatorError {
            OperatorError("filter", "literal \(value) does not fit column \"\(column)\" of type \(type): \(expected)")
        }
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32:
            switch value {
            case .int(let v): self = .integer(v)
            case .uint(let v) where v <= UInt64(Int64.max): self = .integer(Int64(v))
            case .double(let v) where v.rounded() == v && abs(v) < 9.2e18: self = .integer(Int64(v))
            case .string(let s):
                guard let v = Int64(s.trimmingSpaces) else { throw mismatch("expected an integer") }
                self = .integer(v)
            default: throw mismatch("expected an integer")
            }
        case .uint64:
            switch value {
            case .int(let v) where v >= 0: self = .unsigned(UInt64(v))
            case .uint(let v): self = .unsigned(v)
            case .string(let s):
                guard let v = UInt64(s.trimmingSpaces) else { throw mismatch("expected an unsigned integer") }
                self = .unsigned(v)
            default: throw mismatch("expected an unsigned integer")
            }
        case .float, .double:
            switch value {
            case .int(let v): self = .real(Double(v))
            case .uint(let v): self = .real(Double(v))
            case .float(let v): self = .real(Double(v))
            case .double(let v): self = .real(v)
            case .string(let s):
                guard let v = Double(s.trimmingSpaces) else { throw mismatch("expected a number") }
                self = .real(v)
            default: throw mismatch("expected a number")
            }
        case .boolean:
            switch value {
            case .boolean(let b): self = .integer(b ? 1 : 0)
            case .string(let s) where s.lowercased() == "true": self = .integer(1)
            case .string(let s) where s.lowercased() == "false": self = .integer(0)
            default: throw mismatch("expected true or false")
            }
        case .date:
            switch value {
            case .date(let d): self = .integer(Int64(d))
            case .string(let s):
                guard let (days, seconds) = parseISODateTime(s.trimmingSpaces), seconds == 0 else {
                    throw mismatch("expected a date as yyyy-MM-dd")
                }
                self = .integer(days)
            default: throw mismatch("expected a date as yyyy-MM-dd")
            }
        case .timestamp(let unit, _):
            switch value {
            case .timestamp(let v, let from, _):
                if from.perSecond >= unit.perSecond {
                    let factor = from.perSecond / unit.perSecond
                    self = .integer(v >= 0 ? v / factor : -((-v + factor - 1) / factor))
                } else {
                    self = .integer(v * (unit.perSecond / from.perSecond))
                }
            case .date(let d): self = .integer(Int64(d) * 86_400 * unit.perSecond)
            case .string(let s):
                guard let (days, nanoseconds) = parseISODateTime(s.trimmingSpaces) else {
                    throw mismatch("expected a timestamp as yyyy-MM-dd HH:mm:ss[.fff]")
                }
                self = .integer(days * 86_400 * unit.perSecond + nanoseconds / (1_000_000_000 / unit.perSecond))
            default: throw mismatch("expected a timestamp")
            }
        case .decimal(_, let scale):
            switch value {
            case .decimal(let unscaled, let s) where s == scale:
                guard let v = Int64(unscaled) else { throw mismatch("expected a decimal with scale \(scale)") }
                self = .integer(v)
            case .int(let v) where scale == 0: self = .integer(v)
            default: throw mismatch("expected a decimal with scale \(scale)")
            }
        case .string, .binary, .fixedBinary:
            switch value {
            case .string(let s): self = .bytes(Array(s.utf8))
            case .bytes(let b): self = .bytes(b)
            default: throw mismatch("expected a string")
            }
        }
    }

    func integer(_ column: String) throws(OperatorError) -> Int64 {
        guard case .integer(let v) = self else { throw OperatorError("filter", "bad literal for \"\(column)\"") }
        return v
    }

    func unsigned(_ column: String) throws(OperatorError) -> UInt64 {
        guard case .unsigned(let v) = self else { throw OperatorError("filter", "bad literal for \"\(column)\"") }
        return v
    }

    func real(_ column: String) throws(OperatorError) -> Double {
        guard case .real(let v) = self else { throw OperatorError("filter", "bad literal for \"\(column)\"") }
        return v
    }

    func byteString(_ column: String) throws(OperatorError) -> [UInt8] {
        guard case .bytes(let v) = self else { throw OperatorError("filter", "bad literal for \"\(column)\"") }
        return v
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// Parses `yyyy-MM-dd` optionally followed by `[ T]HH:mm[:ss[.fraction]]` and `Z`, returning days since
/// 1970-01-01 and nanoseconds into the day.
func parseISODateTime(_ text: String) -> (days: Int64, nanoseconds: Int64)? {
    let b = Array(text.utf8)
    var i = 0
    func number(_ digits: ClosedRange<Int>) -> Int64? {
        var value: Int64 = 0
        var n = 0
        while i < b.count, b[i] >= 48, b[i] <= 57, n < digits.upperBound {
            value = value * 10 + Int64(b[i] - 48)
            i += 1
            n += 1
        }
        return digits.contains(n) ? value : nil
    }
    func expect(_ c: UInt8) -> Bool {
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }
    var negative = false
    if i < b.count, b[i] == UInt8(ascii: "-") {
        negative = true
        i += 1
    }
    guard var year = number(4...6), expect(UInt8(ascii: "-")), let month = number(1...2),
        expect(UInt8(ascii: "-")), let day = number(1...2)
    else { return nil }
    if negative { year = -year }
    guard (1...12).contains(month), (1...daysInMonth(year, month)).contains(day) else { return nil }
    let days = daysFromCivil(year, month, day)
    if i == b.count { return (days, 0) }
    guard expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")) else { return nil }
    guard let hour = number(1...2), hour < 24, expect(UInt8(ascii: ":")), let minute = number(2...2), minute < 60
    else { return nil }
    var second: Int64 = 0
    var fraction: Int64 = 0
    if expect(UInt8(ascii: ":")) {
        guard let s = number(2...2), s < 60 else { return nil }
        second = s
        if expect(UInt8(ascii: ".")) {
            var scale: Int64 = 100_000_000
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if scale > 0 { fraction += Int64(b[i] - 48) * scale }
                scale /= 10
                digits += 1
                i += 1
            }
            if digits == 0 { return nil }
        }
    }
    _ = expect(UInt8(ascii: "Z"))
    guard i == b.count else { return nil }
    return (days, ((hour * 60 + minute) * 60 + second) * 1_000_000_000 + fraction)
}

private func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}
