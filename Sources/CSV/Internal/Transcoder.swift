/// Turns bytes of an encoding into UTF-8, a piece at a time (a UTF-16 code unit or surrogate pair split between
/// pieces is kept for the next one).
struct Transcoder {
    let encoding: CSVOptions.Encoding
    private var started = false
    private var bigEndian = false
    private var carry: [UInt8] = []

    init(_ encoding: CSVOptions.Encoding) { self.encoding = encoding }

    /// Code points 0x80–0x9F of Windows-1252 (0 where the code page has none: kept as the Latin-1 control).
    static let windows1252: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Appends the UTF-8 of `bytes` to `out`; `isFinal` flushes a partial code unit as U+FFFD.
    mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool, into out: inout [UInt8]) {
        switch encoding {
        case .utf8, .utf8Signature:
            var slice = bytes[...]
            if !started {
                started = true
                if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
            }
            out.append(contentsOf: slice)
        case .latin1, .windows1252:
            for byte in bytes {
                if byte < 0x80 {
                    out.append(byte)
                } else if encoding == .windows1252 && byte < 0xA0 && Self.windows1252[Int(byte - 0x80)] != 0 {
                    Self.appendUTF8(Self.windows1252[Int(byte - 0x80)], to: &out)
                } else {
                    Self.appendUTF8(UInt32(byte), to: &out)
                }
            }
        case .utf16:
            var units = carry
            carry.removeAll()
            units.append(contentsOf: bytes)
            var i = 0
            if !started && units.count >= 2 {
                started = true
                if units[0] == 0xFE && units[1] == 0xFF {
                    bigEndian = true
                    i = 2
                } else if units[0] == 0xFF && units[1] == 0xFE {
                    i = 2
                }
            }
            func unit(_ k: Int) -> UInt32 {
                bigEndian ? UInt32(units[k]) << 8 | UInt32(units[k + 1]) : UInt32(units[k + 1]) << 8 | UInt32(units[k])
            }
            while units.count - i >= 2 {
                let u = unit(i)
                if u >= 0xD800 && u < 0xDC00 {
                    guard units.count - i >= 4 else { break }
                    let low = unit(i + 2)
                    if low >= 0xDC00 && low < 0xE000 {
                        Self.appendUTF8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), to: &out)
                        i += 4
                    } else {
                        Self.appendUTF8(0xFFFD, to: &out)
                        i += 2
                    }
                } else if u >= 0xDC00 && u < 0xE000 {
                    Self.appendUTF8(0xFFFD, to: &out)
                    i += 2
                } else {
                    Self.appendUTF8(u, to: &out)
                    i += 2
                }
            }
            if i < units.count {
                if isFinal {
                    Self.appendUTF8(0xFFFD, to: &out)
                } else {
                    carry = Array(units[i...])
                }
            }
        }
    }
}
