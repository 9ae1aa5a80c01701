import Columnar

/// Deterministic batches covering every type the writer supports, with awkward values (extremes, NaN, -0.0,
/// non-ASCII and long strings, negative decimals of varying byte length) and runs for RLE and dictionaries.
enum WriterTestData {
    static let strings = [
        "", "a", "plain ascii", "héllo wörld", "日本語のテキスト", "emoji 🚀🌍", "tab\tnew\nline", "quote\"back\\slash",
        String(repeating: "long ", count: 20), String(repeating: "é", count: 40) + "z",
        String(repeating: "\u{10FFFF}", count: 20), "\u{0}nul inside", "zzzz",
    ]

    static let floats: [Float] = [
        0, -0.0, 1.5, -3.25e10, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1,
    ]

    static let doubles: [Double] = [
        0, -0.0, 1.5, -3.25e100, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1,
        123_456_789_012_345.67,
    ]

    /// The fields of the all-types schema.
    static func fields(nullable: Bool) -> [Field] {
        let types: [(String, DataType)] = [
            ("bool", .boolean), ("i8", .int8), ("i16", .int16), ("i32", .int32), ("i64", .int64),
            ("u8", .uint8), ("u16", .uint16), ("u32", .uint32), ("u64", .uint64),
            ("f32", .float), ("f64", .double), ("date", .date),
            ("ts_ms_utc", .timestamp(.milliseconds, isAdjustedToUTC: true)),
            ("ts_us_local", .timestamp(.microseconds, isAdjustedToUTC: false)),
            ("ts_ms_local", .timestamp(.milliseconds, isAdjustedToUTC: false)),
            ("ts_us_utc", .timestamp(.microseconds, isAdjustedToUTC: true)),
            ("ts_ns_utc", .timestamp(.nanoseconds, isAdjustedToUTC: true)),
            ("dec9", .decimal(precision: 9, scale: 2)), ("dec18", .decimal(precision: 18, scale: 4)),
            ("dec38", .decimal(precision: 38, scale: 10)),
            ("str", .string), ("bin", .binary), ("fixed", .fixedBinary(4)),
        ]
        return types.map { Field($0.0, $0.1, isNullable: nullable) }
    }

    /// Whether row `i` is null in the nullable variant: scattered nulls plus runs of them.
    static func isNull(_ i: Int, column: Int) -> Bool {
        (i + column) % 5 == 1 || (i / 50) % 7 == 3
    }

    /// A big-endian two's complement encoding of `hi * 2^64 + lo`, in its shortest form.
    static func bigEndian(hi: Int64, lo: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: hi.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: lo.bigEndian) { bytes.append(contentsOf: $0) }
        // Drop redundant sign bytes.
        while bytes.count > 1
            && ((bytes[0] == 0 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0))
        {
            bytes.removeFirst()
        }
        return bytes
    }

    /// `rows` rows of every type, starting at logical row `offset` (so consecutive batches differ).
    static func allTypes(rows: Int, nullable: Bool, offset: Int = 0) -> RecordBatch {
        let fields = fields(nullable: nullable)
        var columns: [Column] = []
        for (c, field) in fields.enumerated() {
            let range = offset..<(offset + rows)
            let values: ColumnValues
            switch field.type {
            case .boolean: values = .boolean(range.map { ($0 / 3) % 2 == 0 })
            case .int8: values = .int32(range.map { [-128, 127, 0, -1, 5][($0 / 10) % 5] })
            case .int16: values = .int32(range.map { Int32(Int16(truncatingIfNeeded: $0 &* 7919)) })
            case .int32: values = .int32(range.map { [Int32.min, Int32.max, 0, Int32($0) &* 31, -7][$0 % 5] })
            case .int64:
                values = .int64(range.map { [Int64.min, Int64.max, 0, Int64($0) &* 1_000_000_007][$0 % 4] })
            case .uint8: values = .int32(range.map { Int32(($0 * 37) % 256) })
            case .uint16: values = .int32(range.map { Int32(($0 / 4 * 997) % 65_536) })
            case .uint32: values = .int32(range.map { [Int32(-1), 0, Int32.min, Int32($0)][$0 % 4] })
            case .uint64: values = .int64(range.map { [-1, 0, Int64.min, Int64($0) * 3][$0 % 4] })
            case .float: values = .float(range.map { floats[($0 / 2) % floats.count] })
            case .double: values = .double(range.map { doubles[$0 % doubles.count] })
            case .date: values = .int32(range.map { Int32(-10_000 + ($0 % 300) * 211) })
            case .timestamp(.nanoseconds, _):
                values = .int64(range.map { 1_600_000_000_123_456_789 + Int64($0) * 1_001 })
            case .timestamp(.milliseconds, _): values = .int64(range.map { -86_400_000 + Int64($0 / 3) * 123_457 })
            case .timestamp: values = .int64(range.map { 1_700_000_000_000_000 + Int64($0 % 97) * 3_600_000_001 })
            case .decimal(precision: 9, _):
                values = .int32(range.map { [999_999_999, -999_999_999, 0, Int32($0) * -1234][$0 % 4] })
            case .decimal(precision: 18, _):
                values = .int64(range.map { [999_999_999_999_999_999, -1, Int64($0) * 98_765][$0 % 3] })
            case .decimal:
                var arrays = ByteArrays()
                for i in range {
                    switch i % 5 {
                    case 0: arrays.append(bigEndian(hi: 5_000_000_000_000_000_000 / 1, lo: UInt64(i)))
                    case 1: arrays.append(bigEndian(hi: -5_000_000_000_000_000_000, lo: 12_345))
                    case 2: arrays.append([0xFF])  // -1 in one byte
                    case 3: arrays.append([0x01, 0x00])  // 256, padded form
                    default: arrays.append(bigEndian(hi: 0, lo: UInt64(i) * 1_000_003))
                    }
                }
                values = .bytes(arrays)
            case .string: values = .bytes(ByteArrays(strings: range.map { strings[($0 / 7 + $0 % 3) % strings.count] }))
            case .binary:
                var arrays = ByteArrays()
                for i in range { arrays.append((0..<(i % 9)).map { UInt8(truncatingIfNeeded: i &* 31 &+ $0 * 97) }) }
                values = .bytes(arrays)
            case .fixedBinary:
                var arrays = ByteArrays()
                for i in range { arrays.append([0x00, 0xFF, UInt8(i % 256), UInt8((i / 256) % 256)]) }
                values = .bytes(arrays)
            }
            let validity = nullable ? range.map { !isNull($0, column: c) } : nil
            columns.append(Column(type: field.type, values: values, validity: validity))
        }
        return RecordBatch(schema: Schema(fields), columns: columns)
    }
}
