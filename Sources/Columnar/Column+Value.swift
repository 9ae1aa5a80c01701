extension Column {
    /// Row `i` as a boxed ``Value``. Slow; for tests and printing.
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch (type, values) {
        case (.boolean, .boolean(let v)): return .boolean(v[i])
        case (.int8, .int32(let v)), (.int16, .int32(let v)), (.int32, .int32(let v)): return .int(Int64(v[i]))
        case (.uint8, .int32(let v)), (.uint16, .int32(let v)), (.uint32, .int32(let v)):
            return .uint(UInt64(UInt32(bitPattern: v[i])))
        case (.date, .int32(let v)): return .date(v[i])
        case (.int64, .int64(let v)): return .int(v[i])
        case (.uint64, .int64(let v)): return .uint(UInt64(bitPattern: v[i]))
        case (.timestamp(let unit, let utc), .int64(let v)): return .timestamp(v[i], unit, isAdjustedToUTC: utc)
        case (.float, .float(let v)): return .float(v[i])
        case (.double, .double(let v)): return .double(v[i])
        case (.decimal(_, let scale), .int32(let v)): return .decimal(unscaled: String(v[i]), scale: scale)
        case (.decimal(_, let scale), .int64(let v)): return .decimal(unscaled: String(v[i]), scale: scale)
        case (.decimal(_, let scale), .bytes(let v)):
            return .decimal(unscaled: Self.bigEndianTwosComplementToDecimal(Array(v[i])), scale: scale)
        case (.string, .bytes(let v)): return .string(v.string(at: i))
        case (.binary, .bytes(let v)), (.fixedBinary, .bytes(let v)): return .bytes(Array(v[i]))
        default: preconditionFailure("column of type \(type) has storage \(values)")
        }
    }

    /// The decimal digits of a big-endian two's complement integer of any width.
    static func bigEndianTwosComplementToDecimal(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "0" }
        let negative = bytes[0] & 0x80 != 0
        var magnitude = bytes
        if negative {
            // Two's complement negation: invert, add one.
            var carry: UInt16 = 1
            for j in stride(from: magnitude.count - 1, through: 0, by: -1) {
                let sum = UInt16(~magnitude[j]) + carry
                magnitude[j] = UInt8(truncatingIfNeeded: sum)
                carry = sum >> 8
            }
        }
        // Repeated division by 10 on the big-endian byte string.
        var digits: [UInt8] = []
        var number = magnitude
        while number.contains(where: { $0 != 0 }) {
            var remainder: UInt16 = 0
            for j in 0..<number.count {
                let current = remainder << 8 | UInt16(number[j])
                number[j] = UInt8(current / 10)
                remainder = current % 10
            }
            digits.append(UInt8(remainder) + 48)
        }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(decoding: digits.reversed(), as: UTF8.self)
    }
}

extension RecordBatch {
    /// Row `i` as boxed values, in column order. Slow; for tests and printing.
    public func row(_ i: Int) -> [Value] {
        columns.map { $0.value(at: i) }
    }
}
